"""The sanctions ledger: measures, the entities they cover and the releases they followed (the
figures about a measure are in `measure_figures`)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from releases.models.events import ReleaseEvent
from tracker import dates
from tracker.dates import DatePrecision, clean_partial_date, precision_field
from tracker.models import (
    ChoiceLabel,
    Country,
    Publishable,
    PublishableQuerySet,
    Source,
    Visibility,
    unique_slug,
)


class ConcessionKind(models.TextChoices):
    LIFTED = "lifted", _("Sanctions lifted")
    EASED = "eased", _("Sanctions eased (exemptions, waivers)")
    LICENCE = "licence", _("Licence or waiver issued")
    DELISTING = "delisting", _("Removed from a sanctions list")
    SUSPENSION = "suspension", _("Sanctions suspended")
    KEPT_IN_PLACE = "kept_in_place", _("Kept in place (no relief)")
    OTHER = "other", _("Other measure")


class LinkBasis(models.TextChoices):
    """Why the tracker links a measure to a release: from the strongest tie to the weakest."""

    OFFICIAL = "official", _("Officially linked")
    ANNOUNCED_TOGETHER = "announced_together", _("Announced together")
    REPORTED = "reported", _("Reported as linked")
    INFERRED = "inferred", _("Inferred by the tracker")


class EntityKind(models.TextChoices):
    COMPANY = "company", _("Company")
    ORGANISATION = "organisation", _("Organisation or state body")
    PERSON = "person", _("Person")
    AIRCRAFT = "aircraft", _("Aircraft")
    VESSEL = "vessel", _("Vessel")
    SECTOR = "sector", _("Sector")


class SanctionedEntityQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SanctionedEntity(Publishable):
    """A company, person, aircraft, vessel or sector on a sanctions list, kept here because the
    lists themselves delete parties once delisted: what was designated, when, by whom."""

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The web address: /entities/slug/, e.g. /entities/belaruskali/. "
            "Leave blank to make one from the name."
        ),
        error_messages={"unique": _("Another entity already uses this slug.")},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntityKind)
    get_kind_display = ChoiceLabel(EntityKind, "kind")
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sanctioned_entities",
        verbose_name=_("country"),
        help_text=_("Where the company is registered, the person's nationality, the flag state."),
    )
    list_identifiers = models.CharField(
        _("list identifiers"),
        max_length=500,
        blank=True,
        help_text=_("As the lists give them, separated by “; ”, e.g. “OFAC SDN 12345; EU 0123”."),
    )
    designated_by = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations",
        verbose_name=_("designated by"),
        help_text=_("The state or union that first listed it. Blank if not reported."),
    )
    designated_on = models.DateField(
        _("designated on"), null=True, blank=True, help_text=_("Blank if unknown.")
    )
    designated_on_precision = precision_field(verbose_name=_("designation date precision"))
    programme = models.CharField(
        _("programme"),
        max_length=300,
        blank=True,
        help_text=_("The sanctions programme or legal basis, e.g. “BELARUS-EO14038”."),
    )
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField(
        Source, blank=True, related_name="sanctioned_entities", verbose_name=_("sources")
    )

    objects = SanctionedEntityQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Publishable.Meta):
        ordering = ["name", "id"]
        verbose_name = _("sanctioned entity")
        verbose_name_plural = _("sanctioned entities")
        permissions = [("publish_sanctionedentity", "Can publish sanctioned entities")]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=~models.Q(slug=""), name="releases_sanctionedentity_slug_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=EntityKind.values),
                name="releases_sanctionedentity_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("entities:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def designated_on_display(self):
        return dates.display(self.designated_on, self.designated_on_precision)

    def clean(self):
        if not self.slug and self.name:
            self.slug = unique_slug(self, self.name)
        clean_partial_date(self, "designated_on", "designated_on_precision", blank_is_unknown=True)


class SanctionsConcessionQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_date(self):
        """Annotate `date`: the announcement date, else the issue date, else the date of the
        earliest public release it is linked to; None when none is known."""
        first_release = (
            ConcessionLink.objects.public()
            .filter(concession=OuterRef("pk"))
            .order_by("event__date")
            .values("event__date")[:1]
        )
        return self.annotate(date=Coalesce("announced_on", "issued_on", Subquery(first_release)))

    def with_relations(self, *, link_sources=False):
        """The measures with their countries, public entities and public links (each with its
        event, and with `link_sources` its sources), in a fixed number of queries."""
        links = ConcessionLink.objects.public().select_related("event", "concession")
        if link_sources:
            links = links.prefetch_related("sources")
        return self.select_related("imposed_by", "target_country").prefetch_related(
            models.Prefetch(
                "entities",
                queryset=SanctionedEntity.objects.public().select_related("country"),
            ),
            models.Prefetch("links", queryset=links.order_by("event__date", "event_id")),
        )

    def for_listing(self):
        """Public measures with what the ledger shows, newest first (undated ones last)."""
        return (
            self.public()
            .with_date()
            .with_relations()
            .order_by(models.F("date").desc(nulls_last=True), "slug", "id")
        )


class SanctionsConcession(Publishable):
    """One sanctions measure (an instrument): a licence, a delisting, an easing, or sanctions
    kept in place. It may follow no release, or several (ConcessionLink); it covers the
    entities it names (SanctionedEntity); figures about it are records of their own
    (ConcessionFigure)."""

    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The web address, /concessions/<slug>/, and how downloads refer to the measure: it "
            "never changes with a date or a title. Leave blank to make one from the identifier "
            "or what it covers."
        ),
        error_messages={"unique": _("Another measure already uses this slug.")},
    )
    imposed_by = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="concessions_made",
        verbose_name=_("sanctioning state"),
        help_text=_("The state (or union) whose sanctions these are, e.g. United States."),
    )
    authority = models.CharField(
        _("authority"),
        max_length=200,
        blank=True,
        help_text=_("E.g. 'US Treasury, OFAC'. Blank if not reported."),
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=200,
        blank=True,
        help_text=_("The instrument's own reference where it has one, e.g. 'GL 13'."),
    )
    title = models.CharField(
        _("official title"),
        max_length=500,
        blank=True,
        help_text=_("As published, e.g. 'Authorizing Transactions Involving ...'."),
    )
    url = models.URLField(_("official text"), max_length=500, blank=True)
    programme = models.CharField(
        _("programme or legal basis"),
        max_length=300,
        blank=True,
        help_text=_("E.g. 'Belarus Sanctions Regulations, 31 CFR part 548'."),
    )
    target = models.CharField(
        _("what it covers, in words"),
        max_length=300,
        help_text=_(
            "A short description, e.g. 'Belarusian potash sector (Belaruskali)'. The entities "
            "it names go below, each as its own record."
        ),
    )
    target_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concessions_received",
        verbose_name=_("target country"),
        help_text=_("The country whose sector, companies or officials are sanctioned."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConcessionKind, db_index=True)
    get_kind_display = ChoiceLabel(ConcessionKind, "kind")
    announced_on = models.DateField(
        _("announced on"), null=True, blank=True, help_text=_("Blank if not reported.")
    )
    announced_on_precision = precision_field(verbose_name=_("announcement date precision"))
    issued_on = models.DateField(
        _("issued on"), null=True, blank=True, help_text=_("Blank if not reported.")
    )
    issued_on_precision = precision_field(verbose_name=_("issue date precision"))
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("Blank if not reported, or if the measure has no expiry (tick below)."),
    )
    expires_on_precision = precision_field(verbose_name=_("expiry date precision"))
    no_expiry = models.BooleanField(
        _("no expiry"),
        default=False,
        help_text=_(
            "Tick when the text says it does not expire. Left blank with no date, the expiry "
            "reads as unknown."
        ),
    )
    delists = models.BooleanField(
        _("delists"),
        null=True,
        blank=True,
        help_text=_("Does it remove anyone from a sanctions list? Unknown if blank."),
    )
    unblocks_property = models.BooleanField(
        _("unblocks property"),
        null=True,
        blank=True,
        help_text=_("Does it release frozen assets? Unknown if blank."),
    )
    covers_owned_entities = models.BooleanField(
        _("covers owned entities"),
        null=True,
        blank=True,
        # xgettext:no-python-format
        help_text=_("Does it also cover entities they own (e.g. 50% or more)? Unknown if blank."),
    )
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        help_text=_("Conditions of the measure, e.g. reporting thresholds, excluded dealings."),
    )
    supersedes = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
        help_text=_("The earlier instruments this one replaces (GL 2F replaces GL 2E)."),
    )
    entities = models.ManyToManyField(
        SanctionedEntity,
        blank=True,
        related_name="concessions",
        verbose_name=_("entities covered"),
    )
    description = models.TextField(_("description"), blank=True)
    sources = models.ManyToManyField(
        Source, blank=True, related_name="concessions", verbose_name=_("sources")
    )

    objects = SanctionsConcessionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources, entities, supersedes])

    class Meta(Publishable.Meta):
        ordering = ["imposed_by__name", "slug"]
        verbose_name = _("sanctions measure")
        verbose_name_plural = _("sanctions measures")
        permissions = [("publish_sanctionsconcession", "Can publish sanctions concessions")]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=~models.Q(slug=""), name="releases_concession_slug_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ConcessionKind.values),
                name="releases_concession_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(issued_on__isnull=True)
                | models.Q(expires_on__isnull=True)
                | models.Q(issued_on__lte=models.F("expires_on")),
                name="releases_concession_expires_after_issue",
                violation_error_message=_("The expiry date is before the issue date."),
            ),
            models.CheckConstraint(
                condition=models.Q(no_expiry=False) | models.Q(expires_on__isnull=True),
                name="releases_concession_no_expiry_has_no_date",
                violation_error_message=_(
                    "A measure with no expiry has no expiry date: remove one or the other."
                ),
            ),
            *(
                models.CheckConstraint(
                    condition=~models.Q(**{f"{name}_precision": DatePrecision.UNKNOWN})
                    | models.Q(**{f"{name}__isnull": True}),
                    name=f"releases_concession_{name}_unknown_is_blank",
                )
                for name in ("announced_on", "issued_on", "expires_on")
            ),
        ]

    def __str__(self):
        name = self.identifier or self.target
        return f"{self.imposed_by}: {name} ({self.get_kind_display().lower()})"

    def get_absolute_url(self):
        return reverse("concessions:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def name(self):
        """How pages name it: "GL 13: Belarusian potash companies", or what it covers."""
        if self.identifier:
            return f"{self.identifier}: {self.target}"
        return self.target

    @property
    def announced_on_display(self):
        return dates.display(self.announced_on, self.announced_on_precision)

    @property
    def issued_on_display(self):
        return dates.display(self.issued_on, self.issued_on_precision)

    @property
    def expiry_display(self):
        """ "no expiry", "expiry unknown", or the date as the sources give it."""
        if self.no_expiry:
            return str(_("no expiry"))
        if self.expires_on is None:
            return str(_("expiry unknown"))
        return dates.display(self.expires_on, self.expires_on_precision)

    def clean(self):
        if not self.slug and (self.identifier or self.target):
            imposed = self.imposed_by.code if self.imposed_by_id else ""
            text = f"{imposed} {self.identifier}" if self.identifier else self.target
            self.slug = unique_slug(self, text)
        errors = {}
        for name in ("announced_on", "issued_on", "expires_on"):
            try:
                clean_partial_date(self, name, f"{name}_precision", blank_is_unknown=True)
            except ValidationError as error:
                errors.update(error.message_dict)
        if self.announced_on and self.announced_on > timezone.localdate():
            errors["announced_on"] = [_("A measure cannot be announced in the future.")]
        if self.no_expiry and self.expires_on:
            errors["no_expiry"] = [
                _("A measure with no expiry has no expiry date: remove one or the other.")
            ]
        if errors:
            raise ValidationError(errors)


class ConcessionLinkQuerySet(PublishableQuerySet):
    def public(self):
        """Public links between a public measure and a public release."""
        return (
            super()
            .public()
            .filter(concession__visibility=Visibility.PUBLIC, event__visibility=Visibility.PUBLIC)
        )

    def get_by_natural_key(self, concession_slug, event_slug):
        return self.get(concession__slug=concession_slug, event__slug=event_slug)


class ConcessionLink(Publishable):
    """A measure tied to a release it followed, and on what basis: officially, announced
    together, reported by the press as linked, or inferred by the tracker."""

    concession = models.ForeignKey(
        SanctionsConcession,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("sanctions measure"),
    )
    event = models.ForeignKey(
        ReleaseEvent,
        on_delete=models.CASCADE,
        related_name="concession_links",
        verbose_name=_("release event"),
    )
    basis = models.CharField(
        _("basis"),
        max_length=20,
        choices=LinkBasis,
        help_text=_(
            "Officially linked: a government says so. Announced together: the same statement or "
            "day. Reported: the press links them. Inferred: the tracker's own reading (say why "
            "in the note)."
        ),
    )
    get_basis_display = ChoiceLabel(LinkBasis, "basis")
    note = models.CharField(_("note"), max_length=500, blank=True)
    sources = models.ManyToManyField(
        Source, blank=True, related_name="concession_links", verbose_name=_("sources")
    )

    objects = ConcessionLinkQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Publishable.Meta):
        ordering = ["concession", "event"]
        verbose_name = _("link to a release")
        verbose_name_plural = _("links to releases")
        permissions = [("publish_concessionlink", "Can publish links of measures to releases")]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["concession", "event"],
                name="releases_concessionlink_unique_concession_event",
                violation_error_message=_("This measure is already linked to this release."),
            ),
            models.CheckConstraint(
                condition=models.Q(basis__in=LinkBasis.values),
                name="releases_concessionlink_basis_valid",
            ),
        ]

    def __str__(self):
        return f"{self.concession} — {self.event.title} ({self.get_basis_display().lower()})"

    def natural_key(self):
        return (*self.concession.natural_key(), *self.event.natural_key())

    natural_key.dependencies = ["releases.sanctionsconcession", "releases.releaseevent"]

    @property
    def days_after_release(self):
        """Days from the release to the measure, when both are known to the day; else None."""
        concession, event = self.concession, self.event
        for value, precision in (
            (concession.announced_on, concession.announced_on_precision),
            (concession.issued_on, concession.issued_on_precision),
        ):
            if value is not None:
                if precision != DatePrecision.DAY or event.date_precision != DatePrecision.DAY:
                    return None
                return (value - event.date).days
        return None

"""Release events, the people freed in each, and the sanctions concessions traded for them."""

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from prisoners.models import Prisoner
from tracker import dates
from tracker.dates import DatePrecision, clean_partial_date, precision_field
from tracker.models import (
    CountQualifier,
    Country,
    Publishable,
    PublishableQuerySet,
    Source,
    SubqueryCount,
    Visibility,
    count_display,
    qualified,
    unique_slug,
)


class ReleaseEventQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_figures(self):
        """Annotate `documented` (public people freed by name: confirmed or reported),
        `disputed` (public claims that sources contradict) and `concession_count`."""
        public = Release.objects.public().filter(event=OuterRef("pk"))
        return self.annotate(
            documented=SubqueryCount(public.documented()),
            disputed=SubqueryCount(public.filter(status=ReleaseStatus.DISPUTED)),
            concession_count=SubqueryCount(
                ConcessionLink.objects.public().filter(event=OuterRef("pk"))
            ),
        )

    def with_facts(self):
        """Events with what their page shows: the public facts reported about them, each with
        its countries and sources, in a fixed number of queries."""
        return self.select_related("releasing_country").prefetch_related(
            "counterparts",
            "sources",
            models.Prefetch(
                "participants",
                queryset=Participant.objects.public()
                .select_related("country")
                .prefetch_related("sources"),
            ),
            models.Prefetch(
                "nationality_reports",
                queryset=ReportedNationality.objects.public().select_related("country", "source"),
            ),
            models.Prefetch(
                "route_legs",
                queryset=RouteLeg.objects.public()
                .select_related("from_country", "via_country", "to_country")
                .prefetch_related("sources"),
            ),
        )

    def for_listing(self):
        """Public events with what a listing shows, in a fixed number of queries."""
        return (
            self.public()
            .with_figures()
            .select_related("releasing_country")
            .prefetch_related("counterparts")
        )


class ReleaseEvent(Publishable):
    """One release: a government frees a group of prisoners on a date, often after talks.

    `reported_count` is the figure announced or reported; the people documented by name are the
    event's `releases`. The two differ, and both are shown: "123 reported, 4 documented".
    """

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The web address: /releases/slug/, e.g. /releases/belarus-release-2025-12-13/. "
            "Leave blank to make one from the title."
        ),
        error_messages={
            "unique": _("Another release already uses this slug. Choose a different one."),
        },
    )
    date = models.DateField(
        _("date"),
        help_text=_(
            "The day the prisoners were freed; when only the month or year is reported, its "
            "first day, with the precision below."
        ),
    )
    date_precision = precision_field(allow_unknown=False)
    releasing_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="releases_made",
        verbose_name=_("releasing country"),
    )
    counterparts = models.ManyToManyField(
        Country,
        blank=True,
        related_name="releases_negotiated",
        verbose_name=_("counterpart countries"),
        help_text=_("The countries that negotiated the release."),
    )
    reported_count = models.PositiveIntegerField(
        _("people reported freed"),
        null=True,
        blank=True,
        help_text=_("The number announced or reported. Blank if no figure was given."),
    )
    summary = models.TextField(_("summary"), blank=True)
    sources = models.ManyToManyField(
        Source, blank=True, related_name="release_events", verbose_name=_("sources")
    )
    published_at = models.DateTimeField(
        _("first published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the release first became public: the feeds list releases by it."),
    )

    objects = ReleaseEventQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[counterparts, sources])

    # A download of an event carries its public people freed, the measures linked to it and
    # the facts reported about it (tracker.downloads).
    fixture_children = (
        "releases",
        "concession_links",
        "nationality_reports",
        "route_legs",
        "participants",
    )

    class Meta(Publishable.Meta):
        ordering = ["-date", "-id"]
        get_latest_by = "date"
        verbose_name = _("release event")
        verbose_name_plural = _("release events")
        permissions = [("publish_releaseevent", "Can publish release events")]
        constraints = [
            *Publishable.Meta.constraints,
            # Every create path makes a slug (clean()); this catches one that forgets.
            models.CheckConstraint(
                condition=~models.Q(slug=""), name="releases_releaseevent_slug_not_blank"
            ),
        ]
        indexes = [
            models.Index(fields=["-date", "-id"], name="releases_event_date_idx"),
            models.Index(fields=["visibility", "title", "id"], name="releases_visible_title_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date_display})"

    @property
    def date_display(self):
        return dates.display(self.date, self.date_precision)

    def get_absolute_url(self):
        return reverse("releases:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if not self.slug and self.title:
            self.slug = unique_slug(self, self.title)
        if self.slug == "feed" or self.slug.isdigit():
            message = _("“%(slug)s” is the address of another page. Choose another slug.")
            raise ValidationError({"slug": ValidationError(message, params={"slug": self.slug})})
        if self.date and self.date > timezone.localdate():
            raise ValidationError(
                {"date": _("A release cannot be dated in the future. Check the date.")}
            )
        if self.date:
            clean_partial_date(self, "date", "date_precision")


@receiver(pre_save, sender=ReleaseEvent)
def stamp_first_publication(sender, instance, raw=False, **kwargs):
    """Every write path (the admin, set_visibility, the importer) saves through here: a release
    that becomes public for the first time is stamped, and keeps that time if restricted and
    published again. A fixture loaded as it is (raw) keeps the time it carries."""
    if not raw and instance.visibility == Visibility.PUBLIC and instance.published_at is None:
        instance.published_at = timezone.now()


class ReleaseCircumstances(models.TextChoices):
    PARDONED = "pardoned", _("Pardoned")
    DEPORTED = "deported", _("Deported or expelled")
    EXCHANGED = "exchanged", _("Exchanged")
    SENTENCE_SERVED = "sentence_served", _("Sentence served")
    CHARGES_DROPPED = "charges_dropped", _("Charges dropped")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not reported")


class ReleaseStatus(models.TextChoices):
    """How sure the record is that the person was freed in this release."""

    CONFIRMED = "confirmed", _("Confirmed")
    REPORTED = "reported", _("Reported, not yet confirmed")
    DISPUTED = "disputed", _("Disputed: sources disagree")
    NOT_FREED = "not_freed", _("Not freed: reported wrongly, or refused release")


# The people a release documents: freed by every account the record has (confirmed), or named
# by a source and not contradicted (reported). Disputed claims are shown beside, never counted.
DOCUMENTED_STATUSES = (ReleaseStatus.CONFIRMED, ReleaseStatus.REPORTED)


class ReleaseQuerySet(PublishableQuerySet):
    def documented(self):
        return self.filter(status__in=DOCUMENTED_STATUSES)

    def public(self):
        """Public releases of public people in public events: nothing leaks through a relation.

        Written as "not in a hidden event, not of a hidden person" (every visibility but public,
        which the check constraints allow): the database reads the few hidden ids from the
        visibility indexes, where a join would read every public person (100,000) to count the
        freed, and the count of the freed comes from one index (Release.Meta.indexes).
        On SQLite the same rule is written as joins: its parser takes only so much nesting, and
        a download nests this query in the subqueries of the records it writes.
        """
        if connections[self.db].vendor != "postgresql":
            return (
                super()
                .public()
                .filter(event__visibility=Visibility.PUBLIC, prisoner__visibility=Visibility.PUBLIC)
            )
        hidden = [value for value in Visibility.values if value != Visibility.PUBLIC]
        return (
            super()
            .public()
            .exclude(event__in=ReleaseEvent.objects.filter(visibility__in=hidden))
            .exclude(prisoner__in=Prisoner.objects.filter(visibility__in=hidden))
        )

    def get_by_natural_key(self, event_slug, prisoner_slug):
        return self.get(event__slug=event_slug, prisoner__slug=prisoner_slug)


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports the claim")
    CONTRADICTS = "contradicts", _("Contradicts it")


class ReleaseSourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, event_slug, prisoner_slug, *source_key):
        return self.get(
            release=Release.objects.get_by_natural_key(event_slug, prisoner_slug),
            source=Source.objects.get_by_natural_key(*source_key),
        )


class ReleaseSource(models.Model):
    """A source a person freed cites: for the claim that they were freed, or against it."""

    release = models.ForeignKey(
        "releases.Release",
        on_delete=models.CASCADE,
        related_name="source_links",
        verbose_name=_("release"),
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="release_links", verbose_name=_("source")
    )
    stance = models.CharField(_("stance"), max_length=12, choices=Stance, default=Stance.SUPPORTS)
    quote = models.TextField(
        _("quote or note"),
        blank=True,
        help_text=_(
            "The passage, or what it says, e.g. “Viasna says he is still in prison in Hlybokaye”."
        ),
    )

    objects = ReleaseSourceQuerySet.as_manager()

    class Meta:
        db_table = "releases_release_sources"  # the table of the plain link it replaced
        ordering = ["release", "stance", "source"]
        verbose_name = _("source cited")
        verbose_name_plural = _("sources cited")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "source"],
                name="releases_release_sources_release_id_source_id_uniq",
                violation_error_message=_("This source is already cited for this person."),
            ),
            models.CheckConstraint(
                condition=models.Q(stance__in=Stance.values),
                name="releases_releasesource_stance_valid",
            ),
        ]

    def __str__(self):
        return f"{self.source} ({self.get_stance_display().lower()})"

    def natural_key(self):
        return (*self.release.natural_key(), *self.source.natural_key())

    natural_key.dependencies = ["releases.release", "tracker.source"]


class Release(Publishable):
    """A person named as freed in a release event, with how sure the record is of it."""

    event = models.ForeignKey(
        ReleaseEvent,
        on_delete=models.CASCADE,
        related_name="releases",
        verbose_name=_("release event"),
    )
    prisoner = models.ForeignKey(
        Prisoner,
        on_delete=models.PROTECT,
        related_name="releases",
        verbose_name=_("person freed"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReleaseStatus,
        default=ReleaseStatus.REPORTED,
        help_text=_(
            "Confirmed: the sources agree. Reported: named by a source, not yet confirmed (for "
            "example only in a photo caption). Disputed: another source says otherwise (cite it "
            "as contradicting). Not freed: shown wrong, or refused release and stayed."
        ),
    )
    circumstances = models.CharField(
        _("circumstances"),
        max_length=20,
        choices=ReleaseCircumstances,
        default=ReleaseCircumstances.UNKNOWN,
    )
    transit = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over to / via"),
        help_text=_("The country the person was first taken to, when moved on from there."),
    )
    destination = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken to"),
        help_text=_("The country the person was taken to on release. Blank if not reported."),
    )
    details = models.TextField(_("details"), blank=True)
    sources = models.ManyToManyField(
        Source,
        through=ReleaseSource,
        blank=True,
        related_name="releases",
        verbose_name=_("sources"),
    )

    objects = ReleaseQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    # Whenever a person freed is downloaded, the sources it cites come with it.
    fixture_parts = ("source_links",)

    class Meta(Publishable.Meta):
        ordering = ["event", "prisoner__name"]
        verbose_name = _("person freed")
        verbose_name_plural = _("people freed")
        permissions = [("publish_release", "Can publish people freed")]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["event", "prisoner"],
                name="releases_release_unique_event_prisoner",
                violation_error_message=_("This person is already listed in this release."),
            ),
            models.CheckConstraint(
                condition=models.Q(circumstances__in=ReleaseCircumstances.values),
                name="releases_release_circumstances_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReleaseStatus.values),
                name="releases_release_status_valid",
            ),
        ]
        indexes = [
            # The public people freed by name, read from the index alone: the home page's and
            # the countries' counts of the documented freed (releases.country_figures).
            models.Index(
                fields=["prisoner", "event"],
                condition=models.Q(visibility=Visibility.PUBLIC, status__in=DOCUMENTED_STATUSES),
                name="releases_documented_idx",
            ),
            # The public disputed claims, few among many releases: the home page's count of
            # the disputed starts from them.
            models.Index(
                fields=["prisoner"],
                condition=models.Q(visibility=Visibility.PUBLIC, status=ReleaseStatus.DISPUTED),
                name="releases_disputed_idx",
            ),
        ]

    def __str__(self):
        return f"{self.prisoner} — {self.event}"

    def natural_key(self):
        return (*self.event.natural_key(), *self.prisoner.natural_key())

    natural_key.dependencies = ["releases.releaseevent", "prisoners.prisoner"]

    @property
    def is_documented(self):
        return self.status in DOCUMENTED_STATUSES


class EventFactQuerySet(PublishableQuerySet):
    """Facts reported about an event: public only when the event is."""

    def public(self):
        return super().public().filter(event__visibility=Visibility.PUBLIC)


class ReportedNationalityQuerySet(EventFactQuerySet):
    def get_by_natural_key(self, event_slug, country_code, *source_key):
        return self.get(
            event__slug=event_slug,
            country__code=country_code,
            source=Source.objects.get_by_natural_key(*source_key),
        )


class ReportedNationality(Publishable):
    """One source's report of how many citizens of a country were among the freed.

    Sources disagree: each report is its own record, and the page shows each beside its source.
    """

    event = models.ForeignKey(
        ReleaseEvent,
        on_delete=models.CASCADE,
        related_name="nationality_reports",
        verbose_name=_("release event"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("nationality")
    )
    count = models.PositiveIntegerField(
        _("how many"),
        null=True,
        blank=True,
        help_text=_("Blank when the source names the nationality but gives no number."),
    )
    qualifier = models.CharField(
        _("the number is"),
        max_length=10,
        choices=CountQualifier,
        default=CountQualifier.EXACT,
        help_text=_("“Multiple American citizens” with no number: leave the number blank."),
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="nationality_reports",
        verbose_name=_("source"),
        help_text=_("Who reports it. Another source with another figure is another row."),
    )
    quote = models.CharField(
        _("quote or note"),
        max_length=500,
        blank=True,
        help_text=_("E.g. “14 foreigners: 6 Lithuanians, 2 Latvians, 2 Poles…”."),
    )

    objects = ReportedNationalityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(Publishable.Meta):
        ordering = ["event", "country__name", "source"]
        verbose_name = _("reported nationality")
        verbose_name_plural = _("nationalities reported among the freed")
        permissions = [("publish_reportednationality", "Can publish reported nationalities")]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["event", "country", "source"],
                name="releases_nationality_unique_event_country_source",
                violation_error_message=_(
                    "This source's report of this nationality is already recorded."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(qualifier__in=CountQualifier.values),
                name="releases_nationality_qualifier_valid",
            ),
        ]

    def __str__(self):
        return f"{self.country}: {self.count_display} ({self.source})"

    @property
    def count_display(self):
        return count_display(self.count, self.qualifier) or _("number not given")

    def natural_key(self):
        return (*self.event.natural_key(), *self.country.natural_key(), *self.source.natural_key())

    natural_key.dependencies = ["releases.releaseevent", "tracker.country", "tracker.source"]


class RouteLegQuerySet(EventFactQuerySet):
    def get_by_natural_key(self, event_slug, position):
        return self.get(event__slug=event_slug, position=position)


class RouteLeg(Publishable):
    """One leg of the way the freed were taken: from a country, to another, possibly via a third.

    "114 handed to Ukraine, then moved on to Poland and Lithuania; 9 taken straight to Vilnius"
    is three legs: Belarus to Ukraine (114), Ukraine to Poland and Lithuania, Belarus to
    Lithuania (9).
    """

    event = models.ForeignKey(
        ReleaseEvent,
        on_delete=models.CASCADE,
        related_name="route_legs",
        verbose_name=_("release event"),
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=1, help_text=_("1 for the first leg, 2 for the next, ...")
    )
    from_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="route_legs_from", verbose_name=_("from")
    )
    via_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="route_legs_via",
        verbose_name=_("via"),
        help_text=_("A country crossed on the way. Blank if none was reported."),
    )
    to_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="route_legs_to", verbose_name=_("to")
    )
    count = models.PositiveIntegerField(
        _("people"), null=True, blank=True, help_text=_("Blank if no number was reported.")
    )
    qualifier = models.CharField(
        _("the number is"), max_length=10, choices=CountQualifier, default=CountQualifier.EXACT
    )
    receiving_body = models.CharField(
        _("received by"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Ukraine's Coordination Headquarters for Prisoners of War”."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    sources = models.ManyToManyField(
        Source, blank=True, related_name="route_legs", verbose_name=_("sources")
    )

    objects = RouteLegQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Publishable.Meta):
        ordering = ["event", "position", "pk"]
        verbose_name = _("route leg")
        verbose_name_plural = _("where the freed were taken")
        permissions = [("publish_routeleg", "Can publish route legs")]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["event", "position"],
                name="releases_routeleg_unique_event_position",
                violation_error_message=_("This release already has a leg with this number."),
            ),
            models.CheckConstraint(
                condition=models.Q(qualifier__in=CountQualifier.values),
                name="releases_routeleg_qualifier_valid",
            ),
        ]

    def __str__(self):
        via = f" via {self.via_country}" if self.via_country_id else ""
        return f"{self.position}. {self.from_country} → {self.to_country}{via}"

    @property
    def count_display(self):
        return count_display(self.count, self.qualifier) or _("number not given")

    def natural_key(self):
        return (*self.event.natural_key(), self.position)

    natural_key.dependencies = ["releases.releaseevent"]


class ParticipantRole(models.TextChoices):
    ENVOY = "envoy", _("Envoy")
    NEGOTIATOR = "negotiator", _("Negotiator")
    OFFICIAL = "official", _("Official")
    SPOKESPERSON = "spokesperson", _("Spokesperson")
    FACILITATOR = "facilitator", _("Facilitator")
    RECEIVING_AUTHORITY = "receiving_authority", _("Receiving authority")


class ParticipantQuerySet(EventFactQuerySet):
    def get_by_natural_key(self, event_slug, name, role):
        return self.get(event__slug=event_slug, name=name, role=role)


class Participant(Publishable):
    """A person, organisation or state that took part in a release, in one role."""

    event = models.ForeignKey(
        ReleaseEvent,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("release event"),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("One person or body a row: “Keith Kellogg”, then “John Coale”."),
    )
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole)
    title = models.CharField(
        _("title or function"),
        max_length=300,
        blank=True,
        help_text=_("As the source gives it, e.g. “deputy special envoy for Ukraine”."),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("country"),
        help_text=_("The state they act for, or the state itself. Blank if none."),
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="participants", verbose_name=_("sources")
    )

    objects = ParticipantQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Publishable.Meta):
        ordering = ["event", "role", "name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        permissions = [("publish_participant", "Can publish participants")]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["event", "name", "role"],
                name="releases_participant_unique_event_name_role",
                violation_error_message=_("This participant is already listed in this role."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=ParticipantRole.values),
                name="releases_participant_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display().lower()})"

    def natural_key(self):
        return (*self.event.natural_key(), self.name, self.role)

    natural_key.dependencies = ["releases.releaseevent"]


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

    # A download of a measure carries its public links to releases and its figures.
    fixture_children = ("links", "figures")

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


class ConcessionFigureQuerySet(PublishableQuerySet):
    def public(self):
        """Public figures about public measures."""
        return super().public().filter(concession__visibility=Visibility.PUBLIC)

    def get_by_natural_key(self, concession_slug, slug):
        return self.get(concession__slug=concession_slug, slug=slug)


class ConcessionFigure(Publishable):
    """A sourced figure about a measure: what is measured, a low and a high value, a unit.

    "Potash exports before sanctions: US$2.5–2.8 billion a year" and "Belaruskali's share of
    the world market: about 18%" are two figures; neither is the value of the measure itself.
    """

    concession = models.ForeignKey(
        SanctionsConcession,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("sanctions measure"),
    )
    slug = models.SlugField(
        _("key"),
        max_length=100,
        blank=True,
        help_text=_("Tells the measure's figures apart in downloads, e.g. “export-revenue”."),
    )
    measure = models.CharField(
        _("what is measured"),
        max_length=300,
        help_text=_("E.g. “Belarus's potash exports per year before sanctions”."),
    )
    low = models.DecimalField(_("low"), max_digits=20, decimal_places=4, null=True, blank=True)
    high = models.DecimalField(
        _("high"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Same as low for a single value. Blank if only a lower bound is given; low blank if "
            "only an upper one (“up to 7%”)."
        ),
    )
    qualifier = models.CharField(
        _("the value is"), max_length=10, choices=CountQualifier, default=CountQualifier.EXACT
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code, e.g. USD. Blank for figures that are not money."),
    )
    unit = models.CharField(
        _("unit"),
        max_length=50,
        blank=True,
        help_text=_("For figures that are not money, e.g. “%” or “tonnes”."),
    )
    period = models.CharField(
        _("period"),
        max_length=100,
        blank=True,
        help_text=_("E.g. “a year, before sanctions”, “2021”. Blank if none."),
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="concession_figures", verbose_name=_("sources")
    )

    objects = ConcessionFigureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Publishable.Meta):
        ordering = ["concession", "slug"]
        verbose_name = _("figure about a measure")
        verbose_name_plural = _("figures about the measure")
        permissions = [("publish_concessionfigure", "Can publish figures about measures")]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["concession", "slug"],
                name="releases_concessionfigure_unique_concession_slug",
                violation_error_message=_("This measure already has a figure with this key."),
            ),
            models.CheckConstraint(
                condition=~models.Q(slug=""), name="releases_concessionfigure_slug_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(low__isnull=True)
                | models.Q(high__isnull=True)
                | models.Q(low__lte=models.F("high")),
                name="releases_concessionfigure_range_ordered",
                violation_error_message=_("The low value is above the high value."),
            ),
            models.CheckConstraint(
                condition=models.Q(qualifier__in=CountQualifier.values),
                name="releases_concessionfigure_qualifier_valid",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.value_display}"

    def natural_key(self):
        return (*self.concession.natural_key(), self.slug)

    natural_key.dependencies = ["releases.sanctionsconcession"]

    @property
    def value_display(self):
        """ "USD 2,500,000,000–2,800,000,000", "about 18 %", "up to 7 %", "value not given".

        A low value alone is a lower bound ("at least"); a high value alone an upper one."""
        if self.low is None and self.high is None:
            return str(_("value not given"))
        shown = [_plain_number(value) for value in (self.low, self.high) if value is not None]
        text = shown[0] if len(set(shown)) == 1 else "–".join(shown)
        if self.currency:
            text = f"{self.currency} {text}"
        if self.unit:
            text = f"{text} {self.unit}"
        if self.low is None:
            return str(_("up to %(value)s")) % {"value": text}
        if self.high is None and self.qualifier == CountQualifier.EXACT:
            return qualified(text, CountQualifier.AT_LEAST)
        return qualified(text, self.qualifier)

    def clean(self):
        if not self.slug and self.measure:
            others = ConcessionFigure.objects.filter(concession_id=self.concession_id).exclude(
                pk=self.pk
            )
            base = slugify(anyascii(self.measure))[:90].strip("-") or "figure"
            slug, suffix = base, 2
            while others.filter(slug=slug).exists():
                slug, suffix = f"{base}-{suffix}", suffix + 1
            self.slug = slug
        if self.currency:
            self.currency = self.currency.upper()
            if not (len(self.currency) == 3 and self.currency.isalpha()):
                raise ValidationError({"currency": _("Use a three-letter code such as USD.")})


def _plain_number(value):
    """2500000000.0000 as "2,500,000,000"; 18.5000 as "18.5" (grouped and with the decimal
    mark of the page's language: "2 500 000 000", "18,5")."""
    value = value.normalize()
    if value == value.to_integral():
        return formats.number_format(int(value), force_grouping=True)
    return formats.number_format(value, force_grouping=True)

"""Release events and the people freed in each, with how sure the record is of each."""

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from prisoners.models import Prisoner
from tracker import dates
from tracker.dates import clean_partial_date, precision_field
from tracker.models import (
    ChoiceLabel,
    Country,
    Publishable,
    PublishableQuerySet,
    Source,
    SubqueryCount,
    Visibility,
    unique_slug,
)


class CountryRole:
    """The parts a country plays in a release, as `ReleaseEvent.objects.involving()` asks
    about them. Each is read from public records only, through public relations."""

    RELEASER = "releaser"  # it freed the prisoners
    NEGOTIATOR = "negotiator"  # a counterpart: it negotiated the release
    PARTICIPANT = "participant"  # a public participant (an envoy, an official) is of it
    DOCUMENTED_NATIONALS = "documented_nationals"  # people documented among the freed hold it
    REPORTED_NATIONALS = "reported_nationals"  # a public report counts its citizens among them
    RECEIVER = "receiver"  # the freed were taken to it
    TRANSIT = "transit"  # the freed passed through it
    SANCTIONING = "sanctioning"  # a measure it imposed is linked to the release

    NATIONALITY = (DOCUMENTED_NATIONALS, REPORTED_NATIONALS)
    ROUTE = (RECEIVER, TRANSIT)
    ALL = (
        RELEASER,
        NEGOTIATOR,
        PARTICIPANT,
        *NATIONALITY,
        *ROUTE,
        SANCTIONING,
    )


def involvement(country, roles, *, documented_events=None):
    """Whether `country` plays any of `roles` (CountryRole) in the outer event: a condition
    for a filter (ReleaseEventQuerySet.involving) or an annotation.

    `documented_events`: the ids of the events that freed documented nationals of the
    country, when the caller has them already (a cached figure); otherwise a subquery.
    """
    # Modules that refer to this one.
    from releases.models.evidence import Participant, ReportedNationality, RouteLeg
    from releases.models.ledger import ConcessionLink

    if isinstance(roles, str):
        raise TypeError(f"roles is a list of CountryRole values, not “{roles}”")
    roles = set(roles)
    if not roles or not roles <= set(CountryRole.ALL):
        raise ValueError(f"Not roles of a country in a release: {sorted(roles)}")
    event = OuterRef("pk")
    freed = Release.objects.public().filter(event=event)
    legs = RouteLeg.objects.public().filter(event=event)
    condition = Q()
    if CountryRole.RELEASER in roles:
        condition |= Q(releasing_country=country)
    if CountryRole.NEGOTIATOR in roles:
        counterparts = ReleaseEvent.counterparts.through.objects
        condition |= Q(Exists(counterparts.filter(releaseevent=event, country=country)))
    if CountryRole.PARTICIPANT in roles:
        condition |= Q(Exists(Participant.objects.public().filter(event=event, country=country)))
    if CountryRole.DOCUMENTED_NATIONALS in roles:
        if documented_events is None:
            condition |= Q(Exists(freed.documented().of_nationality(country)))
        else:
            condition |= Q(pk__in=documented_events)
    if CountryRole.REPORTED_NATIONALS in roles:
        reports = ReportedNationality.objects.public()
        condition |= Q(Exists(reports.filter(event=event, country=country)))
    if CountryRole.RECEIVER in roles:
        # A public route leg, or a public person freed, ends there.
        condition |= Q(Exists(legs.filter(to_country=country)))
        condition |= Q(Exists(freed.filter(destination=country)))
    if CountryRole.TRANSIT in roles:
        # A public route leg crosses it, or leaves from it when it is not the releasing
        # country (the freed were handed to it first), or a public person freed was handed
        # over to it.
        leaving = Q(from_country=country) & ~Q(event__releasing_country=country)
        condition |= Q(Exists(legs.filter(Q(via_country=country) | leaving)))
        condition |= Q(Exists(freed.filter(transit=country)))
    if CountryRole.SANCTIONING in roles:
        links = ConcessionLink.objects.public()
        condition |= Q(Exists(links.filter(event=event, concession__imposed_by=country)))
    return condition


class ReleaseEventQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def involving(self, country, *, roles, documented_events=None):
        """The events in which `country` plays any of `roles` (CountryRole): the country's
        page, its feed and the listing's filters ask this one question."""
        return self.filter(involvement(country, roles, documented_events=documented_events))

    def with_figures(self):
        """Annotate `documented` (public people freed by name: confirmed or reported),
        `disputed` (public claims that sources contradict) and `concession_count`."""
        from releases.models.ledger import ConcessionLink  # which refers to this module

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
        from releases.models.evidence import Participant, ReportedNationality, RouteLeg

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
        """The people freed whom the record documents by name (DOCUMENTED_STATUSES): the one
        definition behind every page, count, download and rule. A person is listed once an
        event, so an event's rows count people; across events count distinct `prisoner`."""
        return self.filter(status__in=DOCUMENTED_STATUSES)

    def of_nationality(self, country):
        """The people freed who hold `country`'s nationality (one of theirs)."""
        return self.filter(prisoner__nationalities=country)

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
        return (
            super()
            .public()
            .exclude(event__in=ReleaseEvent.objects.not_public())
            .exclude(prisoner__in=Prisoner.objects.not_public())
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
    get_stance_display = ChoiceLabel(Stance, "stance")
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
    get_status_display = ChoiceLabel(ReleaseStatus, "status")
    circumstances = models.CharField(
        _("circumstances"),
        max_length=20,
        choices=ReleaseCircumstances,
        default=ReleaseCircumstances.UNKNOWN,
    )
    get_circumstances_display = ChoiceLabel(ReleaseCircumstances, "circumstances")
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

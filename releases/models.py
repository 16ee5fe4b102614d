"""Release events, the people freed in each, and the sanctions concessions traded for them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from prisoners.models import Prisoner
from tracker import dates
from tracker.dates import clean_partial_date, precision_field
from tracker.models import (
    CountQualifier,
    Country,
    Publishable,
    PublishableQuerySet,
    Source,
    SubqueryCount,
    Visibility,
    count_display,
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
                SanctionsConcession.objects.public().filter(event=OuterRef("pk"))
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
        help_text=_("The web address: /releases/<slug>/. Leave blank to make one from the title."),
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

    objects = ReleaseEventQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[counterparts, sources])

    # A download of an event carries its public people freed, concessions and the facts
    # reported about it (tracker.downloads).
    fixture_children = (
        "releases",
        "concessions",
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
        """Public releases of public people in public events: nothing leaks through a relation."""
        return (
            super()
            .public()
            .filter(event__visibility=Visibility.PUBLIC, prisoner__visibility=Visibility.PUBLIC)
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
    OTHER = "other", _("Other concession")


class SanctionsConcessionQuerySet(PublishableQuerySet):
    def public(self):
        """Public concessions of public events."""
        return super().public().filter(event__visibility=Visibility.PUBLIC)

    def for_listing(self):
        """Public concessions with their event and countries; `date` is the announcement date,
        or the event's date when the announcement date was not reported."""
        return (
            self.public()
            .select_related("event", "imposed_by", "target_country")
            .annotate(date=Coalesce("announced_on", "event__date"))
            .order_by("-date", "target", "id")
        )

    def get_by_natural_key(self, event_slug, target, announced_on):
        return self.get(event__slug=event_slug, target=target, announced_on=announced_on)


class SanctionsConcession(Publishable):
    """A sanctions measure one state lifted or eased as part of a release event."""

    event = models.ForeignKey(
        ReleaseEvent,
        on_delete=models.CASCADE,
        related_name="concessions",
        verbose_name=_("release event"),
    )
    imposed_by = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="concessions_made",
        verbose_name=_("sanctioning state"),
        help_text=_("The state whose sanctions were eased, e.g. United States."),
    )
    authority = models.CharField(
        _("authority"),
        max_length=200,
        blank=True,
        help_text=_("E.g. 'US Treasury, OFAC'. Blank if not reported."),
    )
    target = models.CharField(
        _("target"),
        max_length=300,
        help_text=_("What the sanctions hit, e.g. 'Belarusian potash sector (Belaruskali)'."),
    )
    target_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concessions_received",
        verbose_name=_("target country"),
        help_text=_("The country whose sector, companies or officials were sanctioned."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConcessionKind, db_index=True)
    instrument = models.CharField(
        _("instrument"),
        max_length=200,
        blank=True,
        help_text=_("The legal instrument where known, e.g. 'General License 11'."),
    )
    announced_on = models.DateField(
        _("announced on"), null=True, blank=True, help_text=_("Blank if not reported.")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    target_remains_listed = models.BooleanField(
        _("target stays on the sanctions list"),
        null=True,
        blank=True,
        help_text=_("A licence eases sanctions without delisting. Unknown if blank."),
    )
    description = models.TextField(_("description"), blank=True)
    value_min_usd = models.PositiveBigIntegerField(
        _("estimated annual value, low (USD)"), null=True, blank=True
    )
    value_max_usd = models.PositiveBigIntegerField(
        _("estimated annual value, high (USD)"), null=True, blank=True
    )
    value_note = models.CharField(
        _("what the value measures"),
        max_length=300,
        blank=True,
        help_text=_("E.g. 'Potash exports per year before sanctions'."),
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="concessions", verbose_name=_("sources")
    )

    objects = SanctionsConcessionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Publishable.Meta):
        ordering = ["event", "imposed_by__name", "target"]
        verbose_name = _("sanctions concession")
        verbose_name_plural = _("sanctions concessions")
        permissions = [("publish_sanctionsconcession", "Can publish sanctions concessions")]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["event", "target", "announced_on"],
                name="releases_concession_unique_event_target_date",
                violation_error_message=_(
                    "This release already has a concession with this target and date."
                ),
            ),
            # NULL dates are distinct in a unique index: a second constraint covers them.
            models.UniqueConstraint(
                fields=["event", "target"],
                condition=models.Q(announced_on__isnull=True),
                name="releases_concession_unique_event_target_undated",
                violation_error_message=_(
                    "This release already has an undated concession with this target."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ConcessionKind.values),
                name="releases_concession_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(value_min_usd__isnull=True)
                | models.Q(value_max_usd__isnull=True)
                | models.Q(value_min_usd__lte=models.F("value_max_usd")),
                name="releases_concession_value_range_ordered",
                violation_error_message=_("The low estimate is above the high estimate."),
            ),
            models.CheckConstraint(
                condition=models.Q(issued_on__isnull=True)
                | models.Q(expires_on__isnull=True)
                | models.Q(issued_on__lte=models.F("expires_on")),
                name="releases_concession_expires_after_issue",
                violation_error_message=_("The expiry date is before the issue date."),
            ),
        ]

    def __str__(self):
        return f"{self.imposed_by}: {self.get_kind_display().lower()}, {self.target}"

    def natural_key(self):
        announced_on = self.announced_on.isoformat() if self.announced_on else None
        return (*self.event.natural_key(), self.target, announced_on)

    natural_key.dependencies = ["releases.releaseevent"]

    def clean(self):
        if self.announced_on and self.announced_on > timezone.localdate():
            raise ValidationError(
                {"announced_on": _("A concession cannot be announced in the future.")}
            )

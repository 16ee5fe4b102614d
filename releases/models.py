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
from tracker.models import (
    Country,
    Publishable,
    PublishableQuerySet,
    Source,
    SubqueryCount,
    Visibility,
    unique_slug,
)


class ReleaseEventQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_figures(self):
        """Annotate `documented` (public people freed, by name) and `concession_count`."""
        return self.annotate(
            documented=SubqueryCount(Release.objects.public().filter(event=OuterRef("pk"))),
            concession_count=SubqueryCount(
                SanctionsConcession.objects.public().filter(event=OuterRef("pk"))
            ),
        )

    def for_listing(self):
        """Public events with what a listing shows, in a fixed number of queries."""
        return (
            self.public()
            .with_figures()
            .select_related("releasing_country")
            .prefetch_related("counterparts", "reported_nationalities")
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
    date = models.DateField(_("date"), help_text=_("The day the prisoners were freed."))
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
    intermediary = models.CharField(
        _("intermediary or envoy"),
        max_length=300,
        blank=True,
        help_text=_("E.g. 'John Coale, US special envoy for Belarus'. Blank if not reported."),
    )
    reported_count = models.PositiveIntegerField(
        _("people reported freed"),
        null=True,
        blank=True,
        help_text=_("The number announced or reported. Blank if no figure was given."),
    )
    reported_nationalities = models.ManyToManyField(
        Country,
        blank=True,
        related_name="releases_with_reported_nationals",
        verbose_name=_("nationalities reported among the freed"),
        help_text=_("Foreign citizenships reported among the freed, including unnamed people."),
    )
    destinations = models.ManyToManyField(
        Country,
        blank=True,
        related_name="releases_received",
        verbose_name=_("where the freed were taken"),
    )
    summary = models.TextField(_("summary"), blank=True)
    sources = models.ManyToManyField(
        Source, blank=True, related_name="release_events", verbose_name=_("sources")
    )

    objects = ReleaseEventQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[counterparts, reported_nationalities, destinations, sources]
    )

    # A download of an event carries its public freed people and concessions (tracker.downloads).
    fixture_children = ("releases", "concessions")

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
        return f"{self.title} ({self.date:%d %b %Y})"

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


class ReleaseCircumstances(models.TextChoices):
    PARDONED = "pardoned", _("Pardoned")
    DEPORTED = "deported", _("Deported or expelled")
    EXCHANGED = "exchanged", _("Exchanged")
    SENTENCE_SERVED = "sentence_served", _("Sentence served")
    CHARGES_DROPPED = "charges_dropped", _("Charges dropped")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not reported")


class ReleaseQuerySet(PublishableQuerySet):
    def public(self):
        """Public releases of public people in public events: nothing leaks through a relation."""
        return (
            super()
            .public()
            .filter(event__visibility=Visibility.PUBLIC, prisoner__visibility=Visibility.PUBLIC)
        )

    def get_by_natural_key(self, event_slug, prisoner_slug):
        return self.get(event__slug=event_slug, prisoner__slug=prisoner_slug)


class Release(Publishable):
    """A documented person freed in a release event."""

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
    circumstances = models.CharField(
        _("circumstances"),
        max_length=20,
        choices=ReleaseCircumstances,
        default=ReleaseCircumstances.UNKNOWN,
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
        Source, blank=True, related_name="releases", verbose_name=_("sources")
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
        ]

    def __str__(self):
        return f"{self.prisoner} — {self.event}"

    def natural_key(self):
        return (*self.event.natural_key(), *self.prisoner.natural_key())

    natural_key.dependencies = ["releases.releaseevent", "prisoners.prisoner"]


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

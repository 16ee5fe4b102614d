"""What sources report about an event: nationalities among the freed, the route the freed
were taken, and who took part."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from releases.models.events import ReleaseEvent
from tracker.models import (
    ChoiceLabel,
    CountQualifier,
    Country,
    Publishable,
    PublishableQuerySet,
    Source,
    Visibility,
    count_display,
)


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
    get_role_display = ChoiceLabel(ParticipantRole, "role")
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

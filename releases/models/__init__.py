"""Release events, the people freed in each, what sources report about them, and the sanctions
measures that followed them: one module a subject, every model importable from here."""

from releases.models.events import (
    DOCUMENTED_STATUSES,
    CountryRole,
    Release,
    ReleaseCircumstances,
    ReleaseEvent,
    ReleaseEventQuerySet,
    ReleaseQuerySet,
    ReleaseSource,
    ReleaseStatus,
    Stance,
    involvement,
)
from releases.models.evidence import (
    EventFactQuerySet,
    Participant,
    ParticipantRole,
    ReportedNationality,
    RouteLeg,
)
from releases.models.ledger import (
    ConcessionKind,
    ConcessionLink,
    EntityKind,
    LinkBasis,
    SanctionedEntity,
    SanctionsConcession,
)
from releases.models.measure_figures import ConcessionFigure

__all__ = [
    "DOCUMENTED_STATUSES",
    "ConcessionFigure",
    "ConcessionKind",
    "ConcessionLink",
    "CountryRole",
    "EntityKind",
    "EventFactQuerySet",
    "LinkBasis",
    "Participant",
    "ParticipantRole",
    "Release",
    "ReleaseCircumstances",
    "ReleaseEvent",
    "ReleaseEventQuerySet",
    "ReleaseQuerySet",
    "ReleaseSource",
    "ReleaseStatus",
    "ReportedNationality",
    "RouteLeg",
    "SanctionedEntity",
    "SanctionsConcession",
    "Stance",
    "involvement",
]

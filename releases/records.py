"""The record kinds of the releases app (tracker.records): release events and the people freed
in them, the evidence around an event, and the sanctions ledger."""

from releases import legacy, services
from releases.duplicates import same_concession, same_entity
from releases.exports import ftm
from releases.models import (
    ConcessionFigure,
    ConcessionLink,
    Participant,
    Release,
    ReleaseEvent,
    ReleaseSource,
    ReportedNationality,
    RouteLeg,
    SanctionedEntity,
    SanctionsConcession,
)
from tracker.records import RecordKind

KINDS = [
    RecordKind(
        ReleaseEvent,
        ftm=ftm.events,
        upgrade=legacy.upgrade_event,
        check_stored=services.check_stored_events,
    ),
    # A person's download, and an event's, carry the people freed; wherever a person freed
    # goes, the sources it cites go with it.
    RecordKind(
        Release,
        comes_with=("event", "prisoner"),
        upgrade=legacy.upgrade_release,
        check_stored=services.check_events_of_releases,
    ),
    RecordKind(ReleaseSource, part_of="release"),
    RecordKind(ReportedNationality, comes_with=("event",)),
    RecordKind(RouteLeg, comes_with=("event",)),
    RecordKind(Participant, comes_with=("event",)),
    RecordKind(SanctionedEntity, ftm=ftm.sanctioned_entities, same_record=same_entity),
    RecordKind(
        SanctionsConcession,
        ftm=ftm.concessions,
        upgrade=legacy.upgrade_concession,
        same_record=same_concession,
    ),
    RecordKind(ConcessionLink, comes_with=("event", "concession")),
    RecordKind(ConcessionFigure, comes_with=("concession",)),
]

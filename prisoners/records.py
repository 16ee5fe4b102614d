"""The record kinds of the prisoners app (tracker.records): people and political-prisoner
counts."""

from prisoners.duplicates import possible_duplicates_of
from prisoners.exports.ftm import prisoners
from prisoners.legacy import upgrade_count
from prisoners.models import Prisoner, PrisonerCount
from tracker.records import RecordKind

KINDS = [
    RecordKind(Prisoner, ftm=prisoners, possible_duplicates=possible_duplicates_of),
    RecordKind(PrisonerCount, upgrade=upgrade_count),
]

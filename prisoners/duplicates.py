"""Possible duplicates of a person: one rule for the admin's add form and the importer.

A person is often recorded again under another spelling (Tsikhanouski, Tikhanovsky): before a
new person is saved, staff see the people already recorded under a similar name.
"""

from prisoners.models import Prisoner

MAX_POSSIBLE_DUPLICATES = 10


def possible_duplicates(name, name_native="", other_names="", exclude_pk=None):
    """Up to MAX_POSSIBLE_DUPLICATES people whose name, in any spelling, matches one of these
    spellings (`other_names` one per line), best match of the first spelling first."""
    spellings = [name or "", name_native or "", *(other_names or "").splitlines()]
    matches = {}
    for spelling in filter(str.strip, spellings):
        for person in Prisoner.objects.search(spelling)[:MAX_POSSIBLE_DUPLICATES]:
            if person.pk != exclude_pk:
                matches.setdefault(person.pk, person)
    return list(matches.values())[:MAX_POSSIBLE_DUPLICATES]


def possible_duplicates_of(prisoner):
    """The people already recorded under one of the spellings of `prisoner` (not yet saved,
    or saved: it is not its own duplicate)."""
    return possible_duplicates(
        prisoner.name,
        prisoner.name_native,
        "\n".join(filter(None, [prisoner.name_be, prisoner.name_ru, prisoner.other_names])),
        prisoner.pk,
    )

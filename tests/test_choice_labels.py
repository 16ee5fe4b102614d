"""A record's choice labels (`get_status_display()` and the like) in the page's language."""

import pytest
from django.db import models
from django.utils import translation

from prisoners.models import Prisoner, PrisonerStatus
from releases.models import (
    ConcessionKind,
    ConcessionLink,
    EntityKind,
    LinkBasis,
    Participant,
    ParticipantRole,
    Release,
    ReleaseCircumstances,
    ReleaseSource,
    ReleaseStatus,
    SanctionedEntity,
    SanctionsConcession,
    Stance,
)
from tracker.models import ChoiceLabel

LABELLED = [
    (Prisoner, "status", PrisonerStatus.RELEASED),
    (Release, "status", ReleaseStatus.DISPUTED),
    (Release, "circumstances", ReleaseCircumstances.DEPORTED),
    (ReleaseSource, "stance", Stance.CONTRADICTS),
    (Participant, "role", ParticipantRole.NEGOTIATOR),
    (SanctionedEntity, "kind", EntityKind.COMPANY),
    (SanctionsConcession, "kind", ConcessionKind.EASED),
    (ConcessionLink, "basis", LinkBasis.REPORTED),
]


@pytest.mark.parametrize(("model", "field_name", "choice"), LABELLED)
@pytest.mark.parametrize("language", ["en", "ru", "be"])
def test_a_choice_reads_in_the_pages_language(model, field_name, choice, language):
    record = model(**{field_name: choice.value})
    with translation.override(language):
        shown = getattr(record, f"get_{field_name}_display")()
        expected = str(choice.label)
    assert shown == expected, f"{model.__name__}.{field_name} in {language}: {shown!r}"
    if language != "en":
        with translation.override("en"):
            english = str(choice.label)
        assert shown != english, f"{model.__name__}.{field_name}: {shown!r} not translated"
    assert isinstance(model.__dict__[f"get_{field_name}_display"], ChoiceLabel), (
        "Django's own get_FOO_display replaced the model's"
    )


def test_a_value_outside_the_choices_is_shown_as_stored():
    assert Release(status="escaped").get_status_display() == "escaped"


@pytest.mark.parametrize("model", sorted({m for m, _, _ in LABELLED}, key=str))
def test_every_choice_field_shown_in_listings_has_a_label_declared(model):
    """A new choice field of these models gets the same one-label translation."""
    choice_fields = [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.Field)
        and field.choices
        and field.name != "visibility"
        and field.name != "qualifier"
    ]
    declared = [name for name in choice_fields if f"get_{name}_display" in model.__dict__]
    assert declared == choice_fields, (
        f"{model.__name__}: no ChoiceLabel for {set(choice_fields) - set(declared)}"
    )

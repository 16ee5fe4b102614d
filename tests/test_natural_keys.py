"""A natural-key dump loads into an empty database and dumps again identically."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command

from prisoners.models import Prisoner, PrisonerCount
from releases.models import Release, ReleaseEvent, SanctionedEntity, SanctionsConcession
from tracker.models import Country, Source

pytestmark = pytest.mark.django_db

# The records themselves; their audit history is covered by the backup tests.
MODELS = [
    "tracker.country",
    "tracker.source",
    "prisoners.prisoner",
    "prisoners.prisonercount",
    "releases.releaseevent",
    "releases.release",
    "releases.sanctionsconcession",
    "releases.sanctionedentity",
    "releases.concessionlink",
    "releases.concessionfigure",
]
# Children before parents, so deleting leaves no dangling references.
MODELS_TO_EMPTY = [
    Release,
    SanctionsConcession,
    SanctionedEntity,
    ReleaseEvent,
    PrisonerCount,
    Prisoner,
    Source,
    Country,
]


def dump():
    out = io.StringIO()
    call_command(
        "dumpdata", *MODELS, natural_foreign=True, natural_primary=True, indent=1, stdout=out
    )
    return out.getvalue()


def test_round_trip_through_an_empty_database(seed, tmp_path, make_prisoner, make_event):
    # Beyond the seed: a dual national and a restricted event, so every field kind is exercised.
    make_prisoner(slug="dual-national", nationalities=["BY", "LT"], other_names="A\nB")
    make_event(slug="restricted-event", visibility="restricted", counterparts=["US", "PL"])
    first = dump()
    records = json.loads(first)
    assert all("pk" not in record for record in records)

    for model in MODELS_TO_EMPTY:
        model.objects.all().delete()
    assert Country.objects.count() == 0

    path = tmp_path / "dump.json"
    path.write_text(first, encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)

    assert dump() == first
    assert Prisoner.objects.get(slug="dual-national").nationalities.count() == 2


def test_the_seed_fixture_writes_no_numeric_ids():
    seed_path = settings.BASE_DIR / "fixtures" / "december_2025.json"
    records = json.loads(seed_path.read_text(encoding="utf-8"))
    assert all("pk" not in record for record in records)

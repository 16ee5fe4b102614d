"""generate_synthetic_data: plausible, valid, public data, the same for a seed."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from prisoners import search
from prisoners.models import Prisoner, PrisonerCount
from releases.models import Release, ReleaseEvent, SanctionsConcession
from releases.synthetic import MAX_DOCUMENTED
from tracker.models import Source, Visibility

pytestmark = pytest.mark.django_db

MODELS = [Source, Prisoner, PrisonerCount, ReleaseEvent, Release, SanctionsConcession]
CYRILLIC = r"[А-Яа-яІіЎў]"


def generate(events=8, prisoners=300, seed=1):
    call_command(
        "generate_synthetic_data",
        events=events,
        prisoners=prisoners,
        seed=seed,
        verbosity=0,
    )


def contents():
    """Everything generated but the timestamps of when it was written."""
    return {
        "people": list(
            Prisoner.objects.order_by("slug").values_list(
                "slug", "name", "name_native", "other_names", "status", "detained_on", "sentence"
            )
        ),
        "nationalities": sorted(
            Prisoner.nationalities.through.objects.values_list("prisoner__slug", "country__code")
        ),
        "events": list(
            ReleaseEvent.objects.order_by("slug").values_list(
                "slug", "title", "date", "releasing_country__code", "reported_count"
            )
        ),
        "releases": sorted(
            Release.objects.values_list("event__slug", "prisoner__slug", "circumstances")
        ),
        "concessions": sorted(
            SanctionsConcession.objects.values_list("links__event__slug", "target", "kind")
        ),
        "counts": list(
            PrisonerCount.objects.order_by("country__code", "as_of").values_list(
                "country__code", "as_of", "count", "qualifier", "counted_by"
            )
        ),
        "sources": sorted(Source.objects.values_list("title", "published_on", "url")),
    }


def generated(seed):
    """What the command makes with `seed` in the empty database, which is then put back."""
    with transaction.atomic():
        generate(seed=seed)
        made = contents()
        transaction.set_rollback(True)
    return made


def test_a_seed_gives_the_same_data_every_time():
    first = generated(seed=7)
    assert first["people"], "it made people"
    assert generated(seed=7) == first
    assert generated(seed=8)["people"] != first["people"]


def test_it_makes_what_was_asked_for():
    generate(events=8, prisoners=300)
    assert Prisoner.objects.count() == 300
    assert ReleaseEvent.objects.count() == 8
    sizes = ReleaseEvent.objects.annotate(freed=Count("releases")).values_list("freed", flat=True)
    assert all(1 <= size <= MAX_DOCUMENTED for size in sizes)
    assert PrisonerCount.objects.exists() and Source.objects.exists()
    by_person = Prisoner.objects.annotate(n=Count("nationalities")).values_list("n", flat=True)
    assert min(by_person) >= 1
    assert max(by_person) == 2, "some people are dual nationals"
    assert Prisoner.objects.exclude(name_native="").exists()
    assert Prisoner.objects.filter(name_native__regex=CYRILLIC).exists()


def test_the_data_is_valid():
    generate(events=8, prisoners=300)
    for model in MODELS:
        for record in model.objects.order_by("pk")[:25]:
            record.full_clean()
    for event in ReleaseEvent.objects.annotate(freed=Count("releases")):
        assert event.reported_count is None or event.reported_count >= event.freed
    released = set(Release.objects.values_list("prisoner", flat=True))
    assert set(Prisoner.objects.filter(status="released").values_list("pk", flat=True)) == released
    assert Prisoner.objects.values("slug").distinct().count() == 300


def test_everything_is_public_and_shown():
    generate(events=8, prisoners=300)
    for model in [Prisoner, ReleaseEvent, Release, SanctionsConcession]:
        assert not model.objects.exclude(visibility=Visibility.PUBLIC).exists()
    assert Release.objects.public().count() == Release.objects.count()


def test_people_are_found_by_their_generated_names(client):
    generate(events=8, prisoners=300)
    for person in Prisoner.objects.exclude(other_names="").order_by("pk")[:20]:
        assert person.search_key == search.search_key(
            person.name, person.name_native, person.other_names
        )
    in_cyrillic = Prisoner.objects.filter(name_native__regex=CYRILLIC).exclude(other_names="")
    for person in in_cyrillic.order_by("pk")[:5]:
        for spelling in [person.name, person.name_native, person.other_names_list[0]]:
            found = list(Prisoner.objects.search(spelling))
            assert person in found, spelling
            assert found[0].search_key == person.search_key, spelling  # namesakes tie
    person = in_cyrillic.order_by("pk").first()
    assert person.name in client.get("/prisoners/", {"q": person.name_native}).text


def test_it_refuses_a_database_that_holds_data():
    generate(events=1, prisoners=10)
    with pytest.raises(CommandError, match="empty database"):
        generate(events=1, prisoners=10)

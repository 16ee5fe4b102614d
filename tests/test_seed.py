"""The December 2025 seed: it loads into a fresh database and holds every fact of the sources."""

import datetime
import json

import pytest
from django.conf import settings
from django.core.management import call_command

from prisoners.models import Prisoner, PrisonerCount
from releases.models import (
    ConcessionFigure,
    ConcessionKind,
    ConcessionLink,
    LinkBasis,
    Release,
    ReleaseEvent,
    SanctionedEntity,
    SanctionsConcession,
)
from tests.database_state import every_row, models_of, records
from tracker.models import Source, Visibility

pytestmark = pytest.mark.django_db

CUNNINGHAM = "Belarus frees 123 prisoners as Trump administration lifts key sanctions"
BONDAREV = "Freeing Political Prisoners Does Not Cure the Disease of Dictatorship"


def codes(countries):
    return sorted(country.code for country in countries.all())


def titles(sources):
    return sorted(source.title for source in sources.all())


def test_the_two_articles_are_sources(seed):
    cunningham = Source.objects.get(title=CUNNINGHAM)
    assert cunningham.author == "Robert Cunningham"
    assert cunningham.publisher == "CapitalismInstitute.org"
    assert cunningham.published_on == datetime.date(2025, 12, 15)
    bondarev = Source.objects.get(title=BONDAREV)
    assert bondarev.author == "Boris Bondarev"
    assert bondarev.published_on == datetime.date(2025, 12, 18)


def test_the_release_event(seed):
    event = ReleaseEvent.objects.get()
    assert event.date == datetime.date(2025, 12, 13)
    assert event.releasing_country.code == "BY"
    assert codes(event.counterparts) == ["US"]
    assert event.date_precision == "day"
    envoy = event.participants.get()
    assert (envoy.name, envoy.role, envoy.country.code) == ("John Coale", "envoy", "US")
    assert titles(envoy.sources) == [CUNNINGHAM]
    assert event.reported_count == 123
    reports = event.nationality_reports.order_by("country__code")
    assert [report.country.code for report in reports] == ["AU", "GB", "JP", "LT", "PL", "US"]
    # The article names the nationalities, with no numbers, citing the US Embassy.
    assert {(report.count, report.source.title) for report in reports} == {(None, CUNNINGHAM)}
    leg = event.route_legs.get()
    assert (leg.from_country.code, leg.to_country.code, leg.count) == ("BY", "UA", None)
    assert "Inferred from a photo caption" in leg.note
    assert titles(event.sources) == sorted([CUNNINGHAM, BONDAREV])


@pytest.mark.parametrize(
    ("slug", "name", "native", "spellings", "sources"),
    [
        ("ales-bialiatski", "Ales Bialiatski", "Алесь Бяляцкі", ["Ales Byalyatski"], [CUNNINGHAM]),
        (
            "maria-kolesnikova",
            "Maria Kolesnikova",
            "Марыя Калеснікава",
            ["Maryia Kalesnikava", "Мария Колесникова"],
            [CUNNINGHAM, BONDAREV],
        ),
        ("viktor-babariko", "Viktor Babariko", "Віктар Бабарыка", ["Viktar Babaryka"], [BONDAREV]),
        (
            "vladimir-labkovich",
            "Vladimir Labkovich",
            "Уладзімір Лабковіч",
            ["Uladzimir Labkovich"],
            [BONDAREV],
        ),
    ],
)
def test_the_named_people_freed(seed, slug, name, native, spellings, sources):
    person = Prisoner.objects.get(slug=slug)
    assert person.name == name
    assert person.name_native == native
    assert set(spellings) <= set(person.other_names_list)
    assert codes(person.nationalities) == ["BY"]
    assert person.status == "released"
    assert titles(person.sources) == sorted(sources)
    release = Release.objects.get(prisoner=person)
    assert release.event.slug == "belarus-release-2025-12-13"
    assert release.sources.exists()


def test_bialiatski_is_the_nobel_laureate(seed):
    assert "2022 Nobel Peace Prize" in Prisoner.objects.get(slug="ales-bialiatski").role


def test_three_were_pictured_in_ukraine(seed):
    in_ukraine = Release.objects.filter(destination__code="UA").values_list(
        "prisoner__slug", flat=True
    )
    assert sorted(in_ukraine) == ["maria-kolesnikova", "viktor-babariko", "vladimir-labkovich"]


def test_the_potash_concession(seed):
    concession = SanctionsConcession.objects.get()
    assert concession.imposed_by.code == "US"
    assert concession.target_country.code == "BY"
    assert "potash" in concession.target.lower() and "Belaruskali" in concession.target
    assert concession.kind == ConcessionKind.EASED
    assert titles(concession.sources) == sorted([CUNNINGHAM, BONDAREV])
    # Not reported in the sources, so left blank (unknown) rather than guessed: no date, no
    # instrument, no authority, no scope.
    assert concession.announced_on is None and concession.announced_on_precision == "unknown"
    assert concession.issued_on is None and concession.expires_on is None
    assert concession.no_expiry is False  # "unknown", not "no expiry"
    assert (concession.authority, concession.identifier, concession.url) == ("", "", "")
    assert (concession.delists, concession.unblocks_property) == (None, None)
    assert concession.covers_owned_entities is None
    assert concession.supersedes.count() == 0


def test_the_potash_measure_follows_the_release_as_reported(seed):
    """Both articles tie the easing to the release; neither quotes an official link."""
    link = ConcessionLink.objects.get()
    assert (link.concession.slug, link.event.slug) == (
        "belarusian-potash-sector-belaruskali",
        "belarus-release-2025-12-13",
    )
    assert link.basis == LinkBasis.REPORTED
    assert titles(link.sources) == sorted([CUNNINGHAM, BONDAREV])


def test_the_potash_sector_is_an_entity(seed):
    entity = SanctionedEntity.objects.get()
    assert (entity.name, entity.kind, entity.country.code) == (
        "Belarusian potash sector",
        "sector",
        "BY",
    )
    # The articles do not say who designated it, or when.
    assert entity.designated_by is None and entity.designated_on is None
    assert list(entity.concessions.values_list("slug", flat=True)) == [
        "belarusian-potash-sector-belaruskali"
    ]


def test_figures_about_the_potash_measure_say_what_they_measure(seed):
    """Bondarev's figures are the sector's export revenue and shares before sanctions, not the
    value of the measure: each is its own record, with what it measures."""
    figures = {figure.slug: figure for figure in ConcessionFigure.objects.all()}
    revenue = figures["potash-export-revenue"]
    assert (revenue.low, revenue.high, revenue.currency) == (2_500_000_000, 2_800_000_000, "USD")
    assert "export revenue" in revenue.measure and "before sanctions" in revenue.period
    assert figures["belaruskali-world-market-share"].value_display == "about 18 %"
    assert figures["potash-exports-share-of-gdp"].value_display == "about 4 %"
    assert figures["potash-share-of-goods-exports"].value_display == "up to 7 %"
    for figure in figures.values():
        assert titles(figure.sources) == [BONDAREV]


def test_the_political_prisoner_count(seed):
    count = PrisonerCount.objects.get()
    assert (count.country.code, count.count) == ("BY", 1227)
    assert count.as_of.year == 2025 and count.as_of.month == 12
    assert titles(count.sources) == [BONDAREV]


def test_every_seed_record_is_public(seed):
    for model in (
        Prisoner,
        ReleaseEvent,
        Release,
        SanctionsConcession,
        SanctionedEntity,
        ConcessionLink,
        ConcessionFigure,
    ):
        assert model.objects.exclude(visibility=Visibility.PUBLIC).count() == 0
        assert model.objects.count() > 0


def test_what_the_sources_do_not_say_stays_blank(seed):
    for person in Prisoner.objects.all():
        assert person.detained_on is None
        assert person.charges == "" and person.sentence == ""


def test_make_run_loads_the_seed_only_into_an_empty_database(db, capsys):
    call_command("load_seed")
    assert "loaded the seed" in capsys.readouterr().out
    event = ReleaseEvent.objects.get()
    event.reported_count = 124
    event.visibility = "restricted"
    event.save()
    call_command("load_seed")
    assert "the seed was not loaded, and nothing was changed" in capsys.readouterr().out
    event.refresh_from_db()
    assert (event.reported_count, event.visibility) == (124, "restricted")


def test_the_people_freed_have_the_status_their_sources_support(seed):
    """Named in an article's text: reported; in both articles: confirmed; only in a photo
    caption: reported, and the quote says so."""
    statuses = dict(
        Release.objects.values_list("prisoner__slug", "status").order_by("prisoner__slug")
    )
    assert statuses == {
        "ales-bialiatski": "reported",
        "maria-kolesnikova": "confirmed",
        "viktor-babariko": "reported",
        "vladimir-labkovich": "reported",
    }
    babariko = Release.objects.get(prisoner__slug="viktor-babariko")
    link = babariko.source_links.get()
    assert (link.source.title, link.stance) == (BONDAREV, "supports")
    assert link.quote.startswith("Photo caption only")


# What the tests of `TestTheSharedSeed` saw, for the next one.
SEEN = {}
FIXTURE = settings.BASE_DIR / "fixtures" / "december_2025.json"
SEED_MODELS = models_of(json.loads(FIXTURE.read_text("utf-8")))


@pytest.mark.xdist_group("the shared seed")  # one worker, in this order
class TestTheSharedSeed:
    """The seed the tests share in a worker (tests/shared_seed.py) is every row as `loaddata`
    left it, the same records as a test's own `loaddata`, and what one test changes in it the
    next test does not see."""

    def test_a_test_changes_the_shared_seed(self, request, seed, shared_seed, make_prisoner):
        assert shared_seed.holds is request.node, "the test runs in the shared seed"
        SEEN["transaction"] = shared_seed.atomic
        ReleaseEvent.objects.update(reported_count=1)
        Prisoner.objects.filter(slug="ales-bialiatski").update(name="Renamed by a test")
        make_prisoner(name="Added by a test")
        assert every_row() != shared_seed.loaded

    def test_the_next_test_sees_the_seed_as_loaddata_left_it(self, request, seed, shared_seed):
        assert shared_seed.holds is request.node, "the test runs in the shared seed"
        assert shared_seed.atomic is SEEN["transaction"], "the one the test before changed"
        assert every_row() == shared_seed.loaded
        assert ReleaseEvent.objects.get().reported_count == 123
        assert Prisoner.objects.get(slug="ales-bialiatski").name == "Ales Bialiatski"
        assert Prisoner.objects.count() == 4
        SEEN["records"] = records(SEED_MODELS)

    def test_a_test_that_loads_the_seed_itself_gets_the_same_records(self, db):
        call_command("loaddata", "december_2025", verbosity=0)
        assert records(SEED_MODELS) == SEEN["records"]

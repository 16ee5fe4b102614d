"""The download machinery: loadable fixtures of public records only, safe CSV, clear filenames."""

import codecs
import csv
import io
import json
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from prisoners.models import Prisoner, PrisonerCount
from releases.models import Release, ReleaseEvent, SanctionedEntity, SanctionsConcession
from tracker.exports import download_filename
from tracker.exports.csv import csv_response
from tracker.exports.fixture import fixture_response
from tracker.models import Country, Source

pytestmark = pytest.mark.django_db

SEED_EVENT = "belarus-release-2025-12-13"
SEED_PEOPLE = {"ales-bialiatski", "maria-kolesnikova", "viktor-babariko", "vladimir-labkovich"}
CUNNINGHAM = "Belarus frees 123 prisoners as Trump administration lifts key sanctions"
BONDAREV = "Freeing Political Prisoners Does Not Cure the Disease of Dictatorship"
SECRET = "SECRET-staff-only-4711"
SEED_MEASURE = "belarusian-potash-sector-belaruskali"

# How a reader tells the records of a download apart.
IDENTITY = {
    "tracker.country": lambda fields: fields["code"],
    "tracker.source": lambda fields: fields["title"],
    "prisoners.prisoner": lambda fields: fields["slug"],
    "prisoners.prisonercount": lambda fields: (fields["country"][0], fields["as_of"]),
    "releases.releaseevent": lambda fields: fields["slug"],
    "releases.release": lambda fields: (fields["event"][0], fields["prisoner"][0]),
    "releases.sanctionsconcession": lambda fields: fields["target"],
    "releases.releasesource": lambda fields: (fields["release"][1], fields["source"][0]),
    "releases.participant": lambda fields: fields["name"],
    "releases.reportednationality": lambda fields: fields["country"][0],
    "releases.routeleg": lambda fields: fields["position"],
    "releases.sanctionedentity": lambda fields: fields["slug"],
    "releases.concessionlink": lambda fields: (fields["concession"][0], fields["event"][0]),
    "releases.concessionfigure": lambda fields: fields["slug"],
}


def download(*roots):
    return b"".join(fixture_response(roots, "download.json").streaming_content)


def contents(data):
    """Model label -> identities of its records in a downloaded fixture."""
    found = defaultdict(set)
    for record in json.loads(data):
        found[record["model"]].add(IDENTITY[record["model"]](record["fields"]))
    return found


def test_an_event_download_holds_the_event_and_everything_it_refers_to(seed):
    data = download(ReleaseEvent.objects.public().filter(slug=SEED_EVENT))
    found = contents(data)

    assert found["releases.releaseevent"] == {SEED_EVENT}
    assert found["releases.release"] == {(SEED_EVENT, slug) for slug in SEED_PEOPLE}
    assert found["prisoners.prisoner"] == SEED_PEOPLE
    assert found["releases.sanctionsconcession"] == {"Belarusian potash sector (Belaruskali)"}
    assert found["releases.concessionlink"] == {(SEED_MEASURE, SEED_EVENT)}
    assert found["releases.sanctionedentity"] == {"belarusian-potash-sector"}
    # An event's download holds the measures linked to it, not their figures.
    assert "releases.concessionfigure" not in found
    assert found["tracker.source"] == {CUNNINGHAM, BONDAREV}
    assert found["releases.participant"] == {"John Coale"}
    assert found["releases.reportednationality"] == {"AU", "GB", "JP", "LT", "PL", "US"}
    assert found["releases.routeleg"] == {1}
    assert len(found["releases.releasesource"]) == 5  # every source each person freed cites
    assert found["tracker.country"] == {"BY", "US", "AU", "GB", "JP", "LT", "PL", "UA"}
    assert "prisoners.prisonercount" not in found
    assert b'"pk"' not in data
    assert b"internal_notes" not in data
    assert "Алесь Бяляцкі".encode() in data


def test_parents_come_before_the_records_that_refer_to_them(seed):
    labels = [record["model"] for record in json.loads(download(ReleaseEvent.objects.public()))]
    position = {label: labels.index(label) for label in set(labels)}
    assert position["tracker.country"] < position["releases.releaseevent"]
    assert position["tracker.source"] < position["prisoners.prisoner"]
    assert position["prisoners.prisoner"] < position["releases.release"]
    assert position["releases.releaseevent"] < position["releases.release"]
    assert position["releases.sanctionsconcession"] < position["releases.concessionlink"]
    assert position["releases.releaseevent"] < position["releases.concessionlink"]
    assert position["releases.sanctionedentity"] < position["releases.sanctionsconcession"]


def test_the_download_is_an_attachment_named_by_the_caller(seed):
    response = fixture_response([ReleaseEvent.objects.public()], "releases_country-BY.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="releases_country-BY.json"'


def test_restricted_records_and_internal_notes_never_appear(
    make_event, make_prisoner, make_release, make_concession
):
    event = make_event(slug="public-event", internal_notes=SECRET)
    shown = make_prisoner(slug="shown", internal_notes=SECRET)
    make_release(event, shown, internal_notes=SECRET)
    make_concession(event, target="Public sector", internal_notes=SECRET)
    # A public person whose only release is restricted.
    make_release(event, make_prisoner(slug="in-restricted-release"), visibility="restricted")
    # A restricted person in a public release: their nationality must not leak either.
    hidden = make_prisoner(slug="hidden-person", visibility="restricted", nationalities=["KZ"])
    make_release(event, hidden)
    make_concession(event, target="Secret sector", imposed_by="CA", visibility="restricted")
    make_event(slug="restricted-event", visibility="restricted")

    # Even a caller that forgot public() gets public records only.
    data = download(ReleaseEvent.objects.all())
    found = contents(data)

    assert found["releases.releaseevent"] == {"public-event"}
    assert found["releases.release"] == {("public-event", "shown")}
    assert found["prisoners.prisoner"] == {"shown"}
    assert found["releases.sanctionsconcession"] == {"Public sector"}
    assert found["tracker.country"] == {"BY", "US"}
    for leak in [SECRET, "in-restricted-release", "hidden-person", '"KZ"', '"CA"', "Secret sector"]:
        assert leak.encode() not in data


def test_a_person_download_holds_their_release_but_not_the_other_people_freed(
    make_event, make_prisoner, make_release, make_concession
):
    event = make_event(slug="group-release")
    person = make_prisoner(slug="the-person")
    make_release(event, person)
    make_release(event, make_prisoner(slug="someone-else"))
    make_concession(event, target="Traded sector")

    found = contents(download(Prisoner.objects.public().filter(slug="the-person")))

    assert found["prisoners.prisoner"] == {"the-person"}
    assert found["releases.release"] == {("group-release", "the-person")}
    assert found["releases.releaseevent"] == {"group-release"}
    # The event comes as a reference, not as a root: its own children stay out.
    assert "releases.sanctionsconcession" not in found


def test_the_download_loads_into_an_empty_database(seed, tmp_path, make_count):
    make_count("BY", count=1200)
    roots = [ReleaseEvent.objects.public(), PrisonerCount.objects.all()]
    data = download(*roots)

    for model in [
        Release,
        SanctionsConcession,
        SanctionedEntity,
        ReleaseEvent,
        PrisonerCount,
        Prisoner,
        Source,
        Country,
    ]:
        model.objects.all().delete()
    path = tmp_path / "download.json"
    path.write_bytes(data)
    call_command("loaddata", str(path), verbosity=0)

    event = ReleaseEvent.objects.get(slug=SEED_EVENT)
    assert event.releasing_country.code == "BY"
    assert sorted(event.counterparts.values_list("code", flat=True)) == ["US"]
    assert sorted(event.nationality_reports.values_list("country__code", flat=True)) == [
        "AU",
        "GB",
        "JP",
        "LT",
        "PL",
        "US",
    ]
    assert sorted(event.sources.values_list("title", flat=True)) == sorted([BONDAREV, CUNNINGHAM])
    assert set(event.releases.values_list("prisoner__slug", flat=True)) == SEED_PEOPLE
    kolesnikova = Release.objects.get(prisoner__slug="maria-kolesnikova")
    assert kolesnikova.destination.code == "UA"
    assert kolesnikova.sources.count() == 2
    assert list(kolesnikova.prisoner.nationalities.values_list("code", flat=True)) == ["BY"]
    concession = event.concession_links.get().concession
    assert (concession.imposed_by.code, concession.target_country.code) == ("US", "BY")
    assert PrisonerCount.objects.get(count=1200).country.code == "BY"
    assert Country.objects.count() == 8
    # Downloading again gives the very same file.
    assert download(*roots) == data


def test_queries_do_not_grow_with_the_number_of_records(
    make_event, make_prisoner, make_release, make_concession, make_source
):
    def add_events(count):
        for _ in range(count):
            source = make_source()
            event = make_event(counterparts=["US"], sources=[source])
            person = make_prisoner(nationalities=["BY", "LT"], sources=[source])
            make_release(event, person, destination=Country.objects.get(code="LT"))
            make_concession(event, target_country=Country.objects.get(code="BY")).sources.set(
                [source]
            )

    def measure():
        with CaptureQueriesContext(connection) as queries:
            records = json.loads(download(ReleaseEvent.objects.public()))
        # Staff notes are not even read from the database.
        assert not any("internal_notes" in query["sql"] for query in queries.captured_queries)
        return len(queries), sum(record["model"] == "releases.releaseevent" for record in records)

    add_events(5)
    few, events = measure()
    assert events == 5
    add_events(55)
    many, events = measure()
    assert events == 60
    assert many == few


@pytest.mark.parametrize(
    "roots", [[], [ReleaseEvent.objects.none()], [ReleaseEvent.objects.filter(slug="none")]]
)
def test_an_empty_download_is_an_empty_fixture(seed, roots):
    data = b"".join(fixture_response(roots, "empty.json").streaming_content)
    assert data == b"[]"
    assert json.loads(data) == []


def test_csv_opens_in_a_spreadsheet_without_running_formulas():
    response = csv_response(
        ["Name", "Note", "Count"],
        [
            ["Алесь Бяляцкі", '=HYPERLINK("http://evil.example")', 3],
            ["+7 999", "-minus", -2],
            ["@SUM(A1)", "\tindented", None],
            ["\rreturn", "plain - text", 0],
        ],
        "people.csv",
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows == [
        ["Name", "Note", "Count"],
        ["Алесь Бяляцкі", '\'=HYPERLINK("http://evil.example")', "3"],
        ["'+7 999", "'-minus", "-2"],
        ["'@SUM(A1)", "'\tindented", ""],
        ["'\rreturn", "plain - text", "0"],
    ]


@pytest.mark.parametrize(
    ("stem", "params", "extension", "expected"),
    [
        (
            "releases",
            {"country": "BY", "date_after": "2025-01-01", "page": "2", "format": "json"},
            "json",
            "releases_country-BY_date_after-2025-01-01.json",
        ),
        ("releases", {"country": "", "format": "csv"}, "csv", "releases.csv"),
        (
            "prisoners",
            QueryDict("nationality=BY&nationality=LT&q=Бяляцкі&page=3"),
            "csv",
            "prisoners_nationality-BY+LT_q-Byalyatski.csv",
        ),
        ("prisoners", {"q": "a / b  c?"}, "json", "prisoners_q-a-b-c.json"),
    ],
)
def test_download_filenames_name_the_page_and_its_filters(stem, params, extension, expected):
    assert download_filename(stem, params, extension) == expected


def test_download_filenames_stay_short():
    name = download_filename("releases", {"q": "x" * 500}, "json")
    assert len(name) <= 150
    assert name.startswith("releases_q-xxx")
    assert name.endswith("x.json")


def test_each_record_is_what_dumpdata_writes_for_it(seed, make_count):
    """The download reads rows and natural keys straight from the database: every record must
    still be exactly what Django's own serializer writes (keys, links and their order, dates)."""
    make_count("BY", count=1200)
    roots = [
        ReleaseEvent.objects.public(),
        PrisonerCount.objects.all(),
        SanctionsConcession.objects.public(),
    ]
    downloaded = json.loads(download(*roots))
    dumped = io.StringIO()
    labels = sorted({record["model"] for record in downloaded})
    call_command("dumpdata", *labels, natural_foreign=True, natural_primary=True, stdout=dumped)
    by_django = []
    for record in json.loads(dumped.getvalue()):
        for secret in ("internal_notes", "version"):
            record["fields"].pop(secret, None)
        by_django.append(record)
    assert len(labels) >= 10
    for record in downloaded:
        assert record in by_django

"""Every list and detail page downloads what it shows, as a loadable fixture and as CSV."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from prisoners.models import Prisoner, PrisonerCount
from releases.models import Release, ReleaseEvent, SanctionedEntity, SanctionsConcession
from tests.public_pages import DOWNLOAD_PAGES, downloads, paths
from tracker.models import Country, Source, Visibility

pytestmark = pytest.mark.django_db

EVENT_URL = "/releases/belarus-release-2025-12-13/"
# Each source as "title (publisher, date)", and " <url>" when online; " | " between them,
# the latest first.
SOURCES_CELL = (
    "Freeing Political Prisoners Does Not Cure the Disease of Dictatorship (2025-12-18) | "
    "Belarus frees 123 prisoners as Trump administration lifts key sanctions "
    "(CapitalismInstitute.org, 2025-12-15)"
)
# Every page of the registry that has downloads.
PAGES = paths(DOWNLOAD_PAGES)
EMPTY_ORDER = [
    Release,
    SanctionsConcession,
    SanctionedEntity,
    ReleaseEvent,
    PrisonerCount,
    Prisoner,
    Source,
    Country,
]


def fetch(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content[:500]
    return response, b"".join(response.streaming_content)


def load_into_empty_database(data, tmp_path):
    for model in EMPTY_ORDER:
        model.objects.all().delete()
    path = tmp_path / "download.json"
    path.write_bytes(data)
    call_command("loaddata", str(path), verbosity=0)


@pytest.mark.parametrize("url", PAGES)
def test_every_page_links_its_downloads(client, seed, url):
    text = client.get(url).text
    assert "format=json" in text and "format=csv" in text


def test_the_release_download_loads_into_an_empty_database(client, seed, tmp_path):
    response, data = fetch(client, EVENT_URL, format="json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="release_belarus-release-2025-12-13.json"'
    )
    load_into_empty_database(data, tmp_path)

    event = ReleaseEvent.objects.get(slug="belarus-release-2025-12-13")
    assert event.reported_count == 123
    assert sorted(event.nationality_reports.values_list("country__code", flat=True)) == [
        "AU",
        "GB",
        "JP",
        "LT",
        "PL",
        "US",
    ]
    assert event.releases.count() == 4
    assert event.concession_links.get().concession.slug == "belarusian-potash-sector-belaruskali"
    assert Prisoner.objects.get(slug="maria-kolesnikova").name_native == "Марыя Калеснікава"
    assert event.sources.count() == 2


@pytest.mark.parametrize("url", PAGES)
def test_each_pages_json_download_loads_into_an_empty_database(client, seed, url, tmp_path):
    _response, data = fetch(client, url, format="json")
    records = json.loads(data)
    assert records, url
    assert all("pk" not in record for record in records)
    load_into_empty_database(data, tmp_path)
    restored = {
        "releases.releaseevent": ReleaseEvent.objects.count(),
        "prisoners.prisoner": Prisoner.objects.count(),
        "releases.sanctionsconcession": SanctionsConcession.objects.count(),
    }
    for label, count in restored.items():
        assert count == sum(1 for record in records if record["model"] == label)


def test_filters_carry_into_the_downloads(client, seed, make_event):
    make_event(title="Release in Venezuela", releasing="VE", slug="venezuela-2025")
    response, data = fetch(client, "/releases/", country="VE", format="json")
    assert response["Content-Disposition"] == 'attachment; filename="releases_country-VE.json"'
    events = [r["fields"]["slug"] for r in json.loads(data) if r["model"].endswith("releaseevent")]
    assert events == ["venezuela-2025"]

    _response, data = fetch(client, "/releases/", country="VE", format="csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Release in Venezuela"]


def test_the_download_holds_every_match_not_only_the_page(client, make_event):
    for index in range(55):
        make_event(slug=f"event-{index}")
    _response, data = fetch(client, "/releases/", format="csv")
    assert len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) == 1 + 55


def test_release_csv_has_readable_columns(client, seed):
    response, data = fetch(client, "/releases/", format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="releases.csv"'
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    cunningham = "Belarus frees 123 prisoners as Trump administration lifts key sanctions"
    assert rows == [
        {
            "date": "2025-12-13",
            "date precision": "day",
            "title": "Belarus frees 123 political prisoners after talks with the United States",
            "releasing country": "Belarus",
            "releasing country code": "BY",
            "counterparts": "United States",
            "counterpart codes": "US",
            "participants": "John Coale (envoy, US)",
            "reported freed": "123",
            "documented freed": "4",
            "disputed": "0",
            "nationalities reported": "; ".join(
                f"{code} number not given ({cunningham})"
                for code in ("AU", "JP", "LT", "PL", "GB", "US")
            ),
            "route": "BY → UA: number not given",
            "concessions": "1",
            "sources": SOURCES_CELL,
            "page": f"http://testserver{EVENT_URL}",
        }
    ]


def test_people_csv_keeps_every_script(client, seed):
    _response, data = fetch(client, "/prisoners/", q="Kolesnikova", format="csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["name in original script"] == "Марыя Калеснікава"
    assert "Мария Колесникова" in rows[0]["other spellings"]
    assert rows[0]["nationalities"] == "Belarus"
    assert rows[0]["nationality codes"] == "BY"
    assert rows[0]["detained on"] == ""  # the articles do not say
    assert rows[0]["sources"] == SOURCES_CELL
    assert rows[0]["page"] == "http://testserver/prisoners/maria-kolesnikova/"


def test_concession_and_country_csv(client, seed):
    _response, data = fetch(client, "/concessions/", format="csv")
    (row,) = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert row["what it covers"] == "Belarusian potash sector (Belaruskali)"
    assert row["slug"] == "belarusian-potash-sector-belaruskali"
    assert row["entities"] == "Belarusian potash sector"
    assert row["releases linked (basis)"] == "2025-12-13 belarus-release-2025-12-13 (reported)"
    # Not reported: blank (unknown), never "no expiry".
    assert row["announced on"] == row["expires on (none: no expiry; blank: unknown)"] == ""
    assert row["delists"] == ""
    assert row["date"] == "2025-12-13"  # the date of the release it followed
    assert (row["sanctioning state code"], row["target country code"]) == ("US", "BY")
    assert row["sources"] == SOURCES_CELL
    assert row["page"] == "http://testserver/concessions/belarusian-potash-sector-belaruskali/"

    _response, data = fetch(client, "/countries/BY/", format="csv")
    (row,) = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert row["code"] == "BY"
    assert row["releases made"] == "1"
    assert row["people reported freed by it"] == "123"
    assert row["latest political-prisoner count"] == "1227"
    assert row["count qualifier"] == "exact"
    assert row["count as of"] == "2025-12-18"
    assert row["counted by"] == ""  # the article does not say who counted
    assert row["count sources"] == (
        "Freeing Political Prisoners Does Not Cure the Disease of Dictatorship (2025-12-18)"
    )
    assert row["page"] == "http://testserver/countries/BY/"


def test_restricted_records_never_reach_a_download(client, seed, make_prisoner, make_release):
    event = ReleaseEvent.objects.get()
    secret = make_prisoner(name="Secret Name", visibility=Visibility.RESTRICTED)
    make_release(event, secret)
    event.internal_notes = "Family asked us not to publish"
    event.save()
    for url in downloads():
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.getvalue().decode("utf-8-sig")
        assert "Secret Name" not in text, url
        assert "Family asked us" not in text, url
        assert "internal_notes" not in text, url

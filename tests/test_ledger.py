"""The sanctions ledger (issue 13): measures as records, the entities they cover, their links to
releases with a basis, figures about them, the public pages, FtM export, downloads and imports.

The "Done when" of the issue: General License 13 (three companies, no expiry, does not delist),
an airline licence and a Commerce letter of the same day, General License 12 with no release, and
"EU sanctions remain", each linked to what it followed, shown truthfully everywhere.
"""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from followthemoney import model as ftm_model

from releases.models import (
    ConcessionFigure,
    ConcessionLink,
    ReleaseEvent,
    SanctionedEntity,
    SanctionsConcession,
)
from tests.public_pages import DOWNLOAD_PAGES, SEED, paths
from tracker.imports import import_fixture
from tracker.models import Country

SEED_EVENT = "belarus-release-2025-12-13"
SEED_URL = f"/releases/{SEED_EVENT}/"


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


@pytest.fixture
def ledger(seed, make_event, make_concession, make_entity, make_source):
    """The issue's measures, entered beside the seed (no test reads their audit history)."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        return _enter_the_issues_measures(make_event, make_concession, make_entity, make_source)


def _enter_the_issues_measures(make_event, make_concession, make_entity, make_source):
    source = make_source(title="Treasury press release", slug="treasury-press-release")
    december = ReleaseEvent.objects.get(slug=SEED_EVENT)
    september = make_event(
        title="Belarus frees 52 political prisoners",
        slug="belarus-release-2025-09-11",
        date=datetime.date(2025, 9, 11),
        reported_count=52,
        sources=[source],
    )
    companies = [
        make_entity(name=f"Potash company {n}", slug=f"potash-company-{n}", sources=[source])
        for n in (1, 2, 3)
    ]
    belavia = make_entity(
        name="Belavia",
        slug="belavia",
        designated_by=Country.objects.get(code="US"),
        designated_on=datetime.date(2023, 8, 1),
        designated_on_precision="month",
        programme="BELARUS-EO14038",
        sources=[source],
    )
    common = {"sources": [source], "target_country": Country.objects.get(code="BY")}
    measures = {
        "gl13": make_concession(
            december,
            slug="us-gl-13",
            identifier="GL 13",
            authority="US Treasury, OFAC",
            target="Three potash companies",
            kind="licence",
            issued_on=datetime.date(2025, 12, 15),
            no_expiry=True,
            delists=False,
            unblocks_property=False,
            covers_owned_entities=True,
            entities=companies,
            **common,
        ),
        "airline": make_concession(
            september,
            slug="us-gl-airline",
            identifier="GL 11",
            authority="US Treasury, OFAC",
            target="Belavia",
            kind="licence",
            announced_on=datetime.date(2025, 9, 11),
            entities=[belavia],
            link={"basis": "announced_together"},
            **common,
        ),
        "commerce": make_concession(
            september,
            slug="us-bis-belavia-letter",
            authority="US Commerce, BIS",
            target="Belavia",
            kind="eased",
            announced_on=datetime.date(2025, 9, 11),
            entities=[belavia],
            link={"basis": "announced_together"},
            **common,
        ),
        "gl12": make_concession(
            slug="us-gl-12",
            identifier="GL 12",
            authority="US Treasury, OFAC",
            target="Belarusian state companies",
            kind="licence",
            issued_on=datetime.date(2025, 10, 20),
            expires_on=datetime.date(2026, 4, 20),
            **common,
        ),
        "eu": make_concession(
            december,
            imposed_by="EU",
            slug="eu-sanctions-remain",
            target="EU sanctions on Belarus",
            kind="kept_in_place",
            **common,
        ),
    }
    return measures


# --- 1. Measures as records ---------------------------------------------------------------


def test_a_case_worker_records_general_license_13_in_the_admin(
    staff_client, seed, make_entity, make_source
):
    source = make_source(title="OFAC notice", slug="ofac-notice")
    companies = [make_entity(name=f"Company {n}", slug=f"company-x{n}") for n in (1, 2, 3)]
    event = ReleaseEvent.objects.get()
    page = staff_client.get("/admin/releases/sanctionsconcession/add/")
    assert page.status_code == 200
    data = {
        "imposed_by": Country.objects.get(code="US").pk,
        "authority": "US Treasury, OFAC",
        "identifier": "GL 13",
        "slug": "",
        "title": "",
        "url": "",
        "programme": "",
        "kind": "licence",
        "target": "Three potash companies",
        "target_country": Country.objects.get(code="BY").pk,
        "entities": [company.pk for company in companies],
        "announced_on": "",
        "announced_on_precision": "unknown",
        "issued_on": "2025-12-15",
        "issued_on_precision": "day",
        "expires_on": "",
        "expires_on_precision": "unknown",
        "no_expiry": "on",
        "delists": "false",
        "unblocks_property": "false",
        "covers_owned_entities": "true",
        "conditions": "",
        "description": "",
        "sources": [source.pk],
        "visibility": "public",
        "internal_notes": "",
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        "links-0-event": event.pk,
        "links-0-basis": "official",
        "links-0-note": "",
        "links-0-sources": [source.pk],
        "links-0-visibility": "public",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "1000",
    }
    response = staff_client.post("/admin/releases/sanctionsconcession/add/", data, follow=True)
    assert b"was added successfully" in response.content, response.text[:3000]
    measure = SanctionsConcession.objects.get(identifier="GL 13")
    assert measure.slug == "us-gl-13"
    assert measure.no_expiry and measure.expires_on is None
    assert (measure.delists, measure.unblocks_property, measure.covers_owned_entities) == (
        False,
        False,
        True,
    )
    assert measure.announced_on_precision == "unknown"
    assert measure.entities.count() == 3
    link = measure.links.get()
    assert (link.event, link.basis, list(link.sources.all())) == (event, "official", [source])
    assert measure.version == 1 and measure.history.exists()


def test_no_expiry_and_expiry_unknown_are_both_refused_with_a_date(db, make_concession):
    measure = make_concession(no_expiry=True)
    measure.expires_on = datetime.date(2026, 1, 1)
    with pytest.raises(Exception) as error:
        measure.full_clean()
    assert "no expiry" in str(error.value)


def test_a_blank_date_is_unknown_and_a_month_stays_a_month(db, make_concession):
    measure = make_concession(announced_on=datetime.date(2025, 12, 17))
    measure.announced_on, measure.announced_on_precision = datetime.date(2025, 12, 17), "month"
    measure.full_clean()
    assert measure.announced_on == datetime.date(2025, 12, 1)
    assert measure.announced_on_display == "December 2025"
    assert measure.issued_on_precision == "unknown"  # blank: unknown, not "to the day"


def test_a_licence_series_supersedes_its_predecessors(db, make_concession, client):
    first = make_concession(slug="gl-2015", identifier="GL 2015", kind="licence")
    second = make_concession(slug="gl-2e", identifier="GL 2E", kind="licence")
    third = make_concession(slug="gl-2f", identifier="GL 2F", kind="licence")
    second.supersedes.set([first])
    third.supersedes.set([second])
    page = client.get(second.get_absolute_url()).text
    assert "Supersedes" in page and "GL 2015" in page
    assert "Superseded by" in page and "GL 2F" in page


# --- 2. Entities ----------------------------------------------------------------------------


def test_an_entity_page_shows_its_history(client, ledger):
    response = client.get("/entities/belavia/")
    assert response.status_code == 200
    text = response.text
    assert "August 2023" in text and "BELARUS-EO14038" in text  # designated
    assert text.index("Designated") < text.index("GL 11: Belavia")
    assert "us-bis-belavia-letter" in text  # both measures of the same day
    listing = client.get("/entities/", {"country": "BY", "kind": "company"})
    assert listing.status_code == 200
    assert "Potash company 2" in listing.text
    assert client.get("/entities/", {"kind": "castle"}).status_code == 400


# --- 3. Links -------------------------------------------------------------------------------


def test_a_measure_may_follow_no_release_or_several(ledger, make_event):
    gl12, gl13 = ledger["gl12"], ledger["gl13"]
    assert gl12.links.count() == 0
    later = make_event(slug="a-later-release", date=datetime.date(2025, 12, 20))
    ConcessionLink.objects.create(
        concession=gl13, event=later, basis="inferred", visibility="public"
    )
    assert gl13.links.count() == 2


def test_a_release_page_shows_each_linked_measure_and_its_basis(client, ledger):
    text = client.get(SEED_URL).text
    assert "Linked to this release: reported as linked" in text
    assert "GL 13: Three potash companies" in text
    assert "2 days after the release" in text
    assert "EU sanctions on Belarus" in text and "Kept in place" in text
    assert "GL 12" not in text
    september = client.get("/releases/belarus-release-2025-09-11/").text
    assert september.count("Linked to this release: announced together") == 2


# --- 4. Figures -----------------------------------------------------------------------------


def test_a_figure_says_what_it_measures(seed, client):
    figure = ConcessionFigure.objects.get(slug="potash-export-revenue")
    assert figure.value_display == "USD 2,500,000,000–2,800,000,000"
    page = client.get("/concessions/belarusian-potash-sector-belaruskali/").text
    assert "Belarus&#x27;s potash export revenue" in page
    assert "about 18 %" in page and "up to 7 %" in page


# --- 5. The public ledger -------------------------------------------------------------------


def test_the_ledger_shows_every_measure_truthfully(client, ledger):
    response = client.get("/concessions/")
    assert response.status_code == 200
    text = response.text
    for name in ["GL 13", "GL 12", "GL 11: Belavia", "EU sanctions on Belarus"]:
        assert name in text
    assert "no expiry" in text and "expiry unknown" in text
    assert "none linked" in text  # GL 12
    assert '<svg class="chart"' in text and "ledger-chart-title" in text
    # Every dated measure is a marker on the timeline, beside the releases' bars.
    assert text.count('class="chart-marker-head"') == 6 + 1  # and the legend's key
    assert "a sanctions measure" in text
    assert "style=" not in text and "<script" not in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"imposed_by": "EU"}, {"eu-sanctions-remain"}),
        ({"kind": "licence"}, {"us-gl-13", "us-gl-airline", "us-gl-12"}),
        ({"basis": "announced_together"}, {"us-gl-airline", "us-bis-belavia-letter"}),
        ({"basis": "official"}, set()),
        (
            {"target_country": "by", "imposed_by": "US", "kind": "eased"},
            {"us-bis-belavia-letter", "belarusian-potash-sector-belaruskali"},
        ),
        ({"date_after": "2025-10-01", "date_before": "2025-10-31"}, {"us-gl-12"}),
        (
            {"date_after": "2025-12-01"},
            {"us-gl-13", "eu-sanctions-remain", "belarusian-potash-sector-belaruskali"},
        ),
    ],
)
def test_ledger_filters(client, ledger, query, expected):
    response = client.get("/concessions/", query)
    assert response.status_code == 200
    assert {measure.slug for measure in response.context["object_list"]} == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"basis": "rumour"}, "Select a valid choice"),
        ({"kind": "bribe"}, "Select a valid choice"),
        ({"imposed_by": "XX"}, "Unknown country code"),
        ({"date_before": "2025-13-40"}, "Enter a date as YYYY-MM-DD"),
        ({"date_after": "2025-12-31", "date_before": "2025-01-01"}, "is after the end date"),
        ({"format": "xml"}, "Unknown download format"),
    ],
)
def test_bad_ledger_input_is_a_400_with_a_message(client, ledger, query, message):
    response = client.get("/concessions/", query)
    assert response.status_code == 400
    assert message in response.text


def test_an_instrument_page_shows_its_entities_links_and_scope(client, ledger):
    response = client.get("/concessions/us-gl-13/")
    assert response.status_code == 200
    text = response.text
    assert "GL 13" in text and "US Treasury, OFAC" in text
    assert "no expiry" in text and "expiry unknown" not in text
    for company in ("Potash company 1", "Potash company 2", "Potash company 3"):
        assert company in text
    assert "It also covers the entities they own" in text
    assert "Delists anyone</dt><dd>no" in text
    assert "Unblocks property</dt><dd>no" in text
    assert "Reported as linked" in text and "Belarus frees 123" in text
    assert client.get("/concessions/us-gl-12/").status_code == 200
    assert client.get("/concessions/never-issued/").status_code == 404


def test_country_pages_show_measures_imposed_and_received(client, ledger):
    us = client.get("/countries/US/")
    assert us.context["country"].concessions_made_count == 5
    assert "GL 12" in us.text and "Imposed" in us.text
    by = client.get("/countries/BY/")
    assert by.context["country"].concessions_received_count == 6
    assert "Received, from European Union" in by.text
    assert client.get("/countries/EU/").status_code == 200


# --- 6. FollowTheMoney ----------------------------------------------------------------------


# Every page of the registry that has downloads, on the ledger's records, and a measure that
# follows no release.
LEDGER_RECORDS = {**SEED, "measure": "us-gl-13", "entity": "belavia"}
FTM_PAGES = paths(DOWNLOAD_PAGES, records=LEDGER_RECORDS) + ["/concessions/eu-sanctions-remain/"]


def ftm_entities(client, url):
    response = client.get(url, {"format": "ftm"})
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert ".ftm.json" in response["Content-Disposition"]
    return [json.loads(line) for line in body(response).splitlines() if line]


def check_ftm(entities):
    """Every entity is valid under FollowTheMoney's own schema and refers only to entities
    in the same file."""
    ids = {entity["id"] for entity in entities}
    assert len(ids) == len(entities), "an entity appears twice"
    for entity in entities:
        schema = ftm_model.get(entity["schema"])
        assert schema is not None and not schema.abstract, entity
        errors = schema.validate(entity)
        assert errors is None, (entity, errors)
        proxy = ftm_model.get_proxy(entity, cleaned=False)
        for prop, value in proxy.itervalues():
            assert prop.type.validate(value), (entity["id"], prop.name, value)
            if prop.type.name == "entity":
                assert value in ids, (entity["id"], prop.name, value)


@pytest.mark.parametrize("url", FTM_PAGES)
def test_every_page_downloads_valid_followthemoney(client, ledger, url):
    entities = ftm_entities(client, url)
    assert entities, url
    check_ftm(entities)


def test_the_ftm_export_says_what_the_measures_are(client, ledger):
    entities = ftm_entities(client, "/concessions/")
    by_id = {entity["id"]: entity for entity in entities}
    gl13 = [
        e
        for e in entities
        if e["schema"] == "Sanction" and e["properties"].get("recordId") == ["us-gl-13"]
    ]
    assert len(gl13) == 3  # one Sanction a company, as FtM's Sanction names one entity
    covered = {
        by_id[sanction["properties"]["entity"][0]]["properties"]["name"][0] for sanction in gl13
    }
    assert covered == {"Potash company 1", "Potash company 2", "Potash company 3"}
    provisions = gl13[0]["properties"]["provisions"]
    assert "No expiry" in provisions and "Delists: no" in provisions
    assert gl13[0]["properties"]["authorityId"] == ["GL 13"]
    assert gl13[0]["properties"]["startDate"] == ["2025-12-15"]
    assert "endDate" not in gl13[0]["properties"]
    assert any("reported as linked" in reason for reason in gl13[0]["properties"]["reason"])
    eu = [e for e in entities if e["properties"].get("recordId") == ["eu-sanctions-remain"]]
    assert eu[0]["properties"]["country"] == ["eu"]
    assert by_id[eu[0]["properties"]["entity"][0]]["schema"] == "Territory"
    assert {e["schema"] for e in entities} >= {"Sanction", "Company", "Article", "Territory"}
    people = ftm_entities(client, SEED_URL)
    assert sum(entity["schema"] == "Person" for entity in people) == 4
    (event,) = [entity for entity in people if entity["schema"] == "Event"]
    assert len(event["properties"]["involved"]) == 4


# --- Visibility ------------------------------------------------------------------------------


def test_restricted_ledger_records_never_reach_the_public(
    client, ledger, make_concession, make_entity, make_event
):
    december = ReleaseEvent.objects.get(slug=SEED_EVENT)
    secret_entity = make_entity(
        name="Secret Holding", slug="secret-holding", visibility="restricted"
    )
    ledger["gl13"].entities.add(secret_entity)
    make_concession(
        december, slug="secret-measure", target="Secret aviation measure", visibility="restricted"
    )
    hidden_link = make_concession(
        slug="public-measure-hidden-link", target="Quietly linked measure", link=None
    )
    ConcessionLink.objects.create(
        concession=hidden_link,
        event=december,
        basis="inferred",
        note="Hidden tie",
        visibility="restricted",
    )
    ConcessionFigure.objects.create(
        concession=ledger["gl13"],
        slug="secret",
        measure="Secret figure",
        low=1,
        high=2,
        visibility="restricted",
    )
    secret_event = make_event(
        slug="secret-release", title="Secret release", visibility="restricted"
    )
    ConcessionLink.objects.create(
        concession=ledger["gl12"], event=secret_event, basis="official", visibility="public"
    )
    secrets = [
        "Secret Holding",
        "secret-holding",
        "Secret aviation measure",
        "Hidden tie",
        "Secret figure",
        "Secret release",
        "secret-release",
    ]
    pages = [
        "/",
        "/concessions/",
        "/concessions/us-gl-13/",
        "/concessions/us-gl-12/",
        "/concessions/public-measure-hidden-link/",
        "/entities/",
        "/entities/potash-company-1/",
        SEED_URL,
        "/releases/",
        "/countries/",
        "/countries/BY/",
        "/countries/US/",
        "/releases/feed/",
    ]
    for url in pages:
        for fmt in ("", "json", "csv", "ftm"):
            if fmt and url in ("/", "/releases/feed/"):
                continue
            response = client.get(url, {"format": fmt} if fmt else {})
            assert response.status_code == 200, (url, fmt)
            text = body(response)
            for secret in secrets:
                assert secret not in text, (url, fmt, secret)
    assert client.get("/concessions/secret-measure/").status_code == 404
    assert client.get("/entities/secret-holding/").status_code == 404
    # Counts leave them out too.
    # The seed's measure, the five of the ledger and the one whose only link is hidden.
    assert client.get("/").context["figures"]["concessions"] == 7
    assert client.get("/countries/US/").context["country"].concessions_made_count == 6
    listed = client.get("/releases/").context["object_list"]
    assert {event.slug: event.concession_count for event in listed}[SEED_EVENT] == 3
    assert client.get("/concessions/", {"basis": "inferred"}).context["object_list"].count() == 0


# --- 7. Downloads, imports, migration -------------------------------------------------------


def test_the_ledger_download_loads_into_an_empty_database_and_imports(client, ledger, tmp_path):
    first = make_series(ledger)
    data = body(client.get("/concessions/", {"format": "json"}))
    records = json.loads(data)
    labels = [record["model"] for record in records]
    for label in (
        "releases.sanctionedentity",
        "releases.concessionlink",
        "releases.concessionfigure",
    ):
        assert label in labels
    # A superseded instrument comes before the one that supersedes it.
    slugs = [r["fields"]["slug"] for r in records if r["model"] == "releases.sanctionsconcession"]
    assert slugs.index(first) < slugs.index("us-gl-13")

    empty_everything()
    path = tmp_path / "ledger.json"
    path.write_text(data, encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    gl13 = SanctionsConcession.objects.get(slug="us-gl-13")
    assert gl13.no_expiry and gl13.entities.count() == 3
    assert list(gl13.supersedes.values_list("slug", flat=True)) == [first]
    assert gl13.links.get().event.slug == SEED_EVENT
    assert SanctionsConcession.objects.get(slug="us-gl-12").links.count() == 0

    empty_everything()
    report = import_fixture(records, restrict_new=False)
    assert report.count("created") == len(records)
    assert SanctionsConcession.objects.get(slug="us-gl-13").supersedes.get().slug == first
    assert (
        ConcessionFigure.objects.filter(
            concession__slug="belarusian-potash-sector-belaruskali"
        ).count()
        == 4
    )


def make_series(ledger):
    """An earlier licence GL 13 supersedes, entered after it (a higher primary key)."""
    earlier = SanctionsConcession.objects.create(
        slug="us-gl-13-predecessor",
        imposed_by=Country.objects.get(code="US"),
        target="Potash companies",
        kind="licence",
        visibility="public",
    )
    earlier.sources.set(ledger["gl13"].sources.all())
    ledger["gl13"].supersedes.set([earlier])
    return earlier.slug


def empty_everything():
    from prisoners.models import Prisoner, PrisonerCount
    from releases.models import Release
    from tracker.models import Source

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


def test_the_ledger_csv_says_no_expiry_and_unknown_apart(client, ledger):
    rows = list(csv.DictReader(io.StringIO(body(client.get("/concessions/", {"format": "csv"})))))
    by_slug = {row["slug"]: row for row in rows}
    column = "expires on (none: no expiry; blank: unknown)"
    assert by_slug["us-gl-13"][column] == "none"
    assert by_slug["us-gl-12"][column] == "2026-04-20"
    assert by_slug["eu-sanctions-remain"][column] == ""
    assert by_slug["us-gl-13"]["delists"] == "no"
    assert by_slug["us-gl-12"]["releases linked (basis)"] == ""

"""The record as reporting gives it: disputed people, counts by nationality per source, routes,
participants and partial dates, entered in the real admin and shown with their sources."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from prisoners.models import PrisonerCount
from releases.models import (
    Participant,
    ReleaseEvent,
    ReleaseSource,
    RouteLeg,
    SanctionsConcession,
)
from tests.admin_forms import submitted_values
from tests.test_admin import code_id, event_form
from tracker.imports import import_fixture
from tracker.models import Country, Visibility

pytestmark = pytest.mark.django_db

VIASNA = "Viasna: political prisoners list, 20 June 2025"
REUTERS = "Belarus frees 14 prisoners, including US citizen, after Kellogg visit"


@pytest.fixture
def sources(make_source):
    return {
        "reuters": make_source(title=REUTERS, publisher="Reuters"),
        "viasna": make_source(title=VIASNA, publisher="Viasna"),
        "lrt": make_source(title="Freed foreigners brought to Vilnius", publisher="LRT"),
    }


def row(**fields):
    return {"visibility": "restricted", **fields}


def test_an_ngo_worker_enters_a_contested_release_and_the_public_sees_each_fact_with_its_source(
    case_worker, editor, client, make_prisoner, sources
):
    """The issue's "done when": a disputed person, nationality counts from two disagreeing
    sources, a two-leg route and an envoy with his deputy, without one invented fact."""
    reuters, viasna, lrt = sources["reuters"], sources["viasna"], sources["lrt"]
    tsikhanouski = make_prisoner(name="Siarhei Tsikhanouski", visibility=Visibility.RESTRICTED)
    tsikhanouski.sources.set([reuters])
    held = make_prisoner(name="Mikalai Statkevich", visibility=Visibility.RESTRICTED)
    held.sources.set([reuters])
    data = event_form(
        [tsikhanouski, held],
        title="Belarus frees 14 prisoners after Kellogg visit",
        date="2025-06-21",
        reported_count="14",
        sources=[reuters.pk],
        participants=[
            row(name="Keith Kellogg", role="envoy", country=code_id("US"), sources=[reuters.pk]),
            row(
                name="John Coale",
                role="envoy",
                title="deputy special envoy",
                country=code_id("US"),
                sources=[reuters.pk],
            ),
        ],
        nationalities=[
            row(country=code_id("LT"), count="6", qualifier="exact", source=lrt.pk),
            row(country=code_id("LT"), count="5", qualifier="at_least", source=reuters.pk),
        ],
        legs=[
            row(
                position="1",
                from_country=code_id("BY"),
                to_country=code_id("LT"),
                count="14",
                qualifier="exact",
                receiving_body="Lithuanian border guard",
                sources=[lrt.pk],
            ),
            row(
                position="2",
                from_country=code_id("LT"),
                to_country=code_id("PL"),
                count="",
                qualifier="exact",
                sources=[lrt.pk],
            ),
        ],
    )
    del data["visibility"]  # case workers cannot publish
    data["releases-1-status"] = "disputed"
    data["releases-1-details"] = "Refused to leave and was returned to prison, Viasna says."
    for index in (0, 1):
        del data[f"releases-{index}-visibility"]
    response = case_worker.post("/admin/releases/releaseevent/add/", data, follow=True)
    assert "was added successfully" in response.text, response.context["errors"].as_text()
    event = ReleaseEvent.objects.get(title="Belarus frees 14 prisoners after Kellogg visit")
    assert event.visibility == Visibility.RESTRICTED

    # Both sides of the disputed claim, on the person freed's own page.
    disputed = event.releases.get(prisoner=held)
    url = f"/admin/releases/release/{disputed.pk}/change/"
    form = submitted_values(case_worker.get(url), "release_form")
    form |= {
        "source_links-TOTAL_FORMS": "2",
        "source_links-0-source": reuters.pk,
        "source_links-0-stance": "supports",
        "source_links-0-quote": "Statkevich was among those freed, a Reuters witness said.",
        "source_links-1-source": viasna.pk,
        "source_links-1-stance": "contradicts",
        "source_links-1-quote": "He refused to leave and is back in prison in Hlybokaye.",
    }
    assert case_worker.post(url, form).status_code == 302
    confirmed = event.releases.get(prisoner=tsikhanouski)
    ReleaseSource.objects.create(release=confirmed, source=reuters, quote="Tsikhanouski, freed")

    # The editor publishes the release with everything the case worker entered.
    form = submitted_values(
        editor.get(f"/admin/releases/releaseevent/{event.pk}/change/"), "releaseevent_form"
    )
    form |= {"visibility": "public", "hidden_records": "publish"}
    response = editor.post(f"/admin/releases/releaseevent/{event.pk}/change/", form, follow=True)
    assert "hidden records were published with the release" in response.text

    page = client.get(event.get_absolute_url())
    text = page.text
    assert "14 reported, 1 documented" in text and "and 1 disputed" in text
    # Participants, each with a source.
    assert "Keith Kellogg" in text and "John Coale" in text and "deputy special envoy" in text
    # Two sources, two figures for Lithuanians, each beside its source.
    lithuania = list(page.context["object"].nationality_reports.all())
    assert [(r.count_display, r.source.publisher) for r in lithuania] == [
        ("6", "LRT"),
        ("at least 5", "Reuters"),
    ]
    assert "at least 5" in text
    # The route in order, with numbers and the receiving body.
    assert text.index("Lithuanian border guard") < text.index("number not reported")
    # The disputed person: both sides and their quotes.
    assert "Disputed: sources disagree" in text
    assert "He refused to leave and is back in prison in Hlybokaye." in text
    assert "Contradicts:" in text and VIASNA in text
    # The person's own page says the same.
    person_page = client.get(held.get_absolute_url())
    assert "Disputed: sources disagree" in person_page.text and VIASNA in person_page.text


def test_documented_counts_people_once_and_disputed_beside(
    client, make_event, make_prisoner, make_release, make_source
):
    source = make_source()
    first = make_event(reported_count=10, sources=[source])
    second = make_event(reported_count=10, sources=[source], date=datetime.date(2025, 7, 1))
    twice = make_prisoner(name="Freed Twice")
    make_release(first, twice, status="confirmed")
    make_release(second, twice, status="reported")  # two outlets, two releases
    contested = make_prisoner(name="Maybe Freed")
    make_release(first, contested, status="disputed")
    stayed = make_prisoner(name="Stayed Behind")
    make_release(second, stayed, status="not_freed")

    figures = client.get("/").context["figures"]
    assert (figures["documented"], figures["disputed"]) == (1, 1)
    page = client.get(first.get_absolute_url())
    assert "10 reported, 1 documented" in page.text and "and 1 disputed" in page.text
    second_page = client.get(second.get_absolute_url())
    assert "Not freed: reported wrongly, or refused release" in second_page.text
    assert second_page.context["object"].documented == 1


def test_a_month_precision_release_is_in_its_year_and_month_and_says_so(client, make_event):
    month = make_event(title="Pardon of 31", date=datetime.date(2024, 9, 1), date_precision="month")
    year = make_event(title="Pardon in 2024", date=datetime.date(2024, 1, 1), date_precision="year")
    page = client.get(month.get_absolute_url())
    assert "September 2024" in page.text and "the day is not reported" in page.text
    assert '<time datetime="2024-09">' in page.text
    assert "Pardon of 31" in client.get("/releases/2024/09/").text
    # January has a release of its own, so its page is there: without the year's release.
    make_event(title="Freed on 15 January", date=datetime.date(2024, 1, 15))
    january = client.get("/releases/2024/01/")
    assert january.status_code == 200 and "Freed on 15 January" in january.text
    assert "Pardon in 2024" not in january.text
    assert "Pardon in 2024" in client.get("/releases/2024/").text
    assert '<time datetime="2024">2024</time>' in client.get(year.get_absolute_url()).text


def test_an_events_date_is_stored_as_the_start_of_its_period(staff_client):
    data = event_form(date="2024-09-17", date_precision="month", title="Pardon of 31")
    assert staff_client.post("/admin/releases/releaseevent/add/", data).status_code == 302
    assert ReleaseEvent.objects.get(title="Pardon of 31").date == datetime.date(2024, 9, 1)


def test_countries_that_received_the_freed_or_let_them_through(client, make_event):
    event = make_event(title="Foreigners freed", releasing="BY")
    for position, (origin, destination) in enumerate([("BY", "UA"), ("UA", "PL")], start=1):
        RouteLeg.objects.create(
            event=event,
            position=position,
            from_country_id=code_id(origin),
            to_country_id=code_id(destination),
            visibility="public",
        )
    ukraine = client.get("/countries/UA/")
    assert "Foreigners freed" in ukraine.text and "transit for the freed" in ukraine.text
    poland = client.get("/countries/PL/")
    assert "Foreigners freed" in poland.text and "received freed people" in poland.text
    listing = client.get("/countries/").text
    assert "Ukraine" in listing and "Poland" in listing


def test_a_person_taken_to_a_country_makes_it_a_receiving_country(
    client, make_event, make_prisoner, make_release
):
    event = make_event(title="Taken to Vilnius")
    make_release(
        event,
        make_prisoner(),
        transit=Country.objects.get(code="UA"),
        destination=Country.objects.get(code="LT"),
    )
    lithuania = client.get("/countries/LT/")
    assert "Taken to Vilnius" in lithuania.text and "received freed people" in lithuania.text
    assert lithuania.context["country"].releases_received_count == 1
    ukraine = client.get("/countries/UA/")
    assert "transit for the freed" in ukraine.text


def test_releases_filter_by_participant(client, make_event):
    kellogg = make_event(title="After Kellogg's visit")
    make_event(title="Without envoy")
    Participant.objects.create(
        event=kellogg, name="Keith Kellogg", role="envoy", visibility="public"
    )
    page = client.get("/releases/", {"participant": "kellogg"})
    assert [event.title for event in page.context["object_list"]] == ["After Kellogg's visit"]
    assert client.get("/releases/", {"q": "Kellogg"}).context["object_list"].count() == 1


def test_restricted_facts_stay_in_the_admin(client, make_event, make_source):
    event = make_event(title="Public release")
    source = make_source()
    Participant.objects.create(event=event, name="Secret Negotiator", role="negotiator")
    RouteLeg.objects.create(
        event=event, from_country_id=code_id("BY"), to_country_id=code_id("LT"), note="Hidden leg"
    )
    event.nationality_reports.create(country_id=code_id("JP"), source=source, quote="Hidden count")
    for query in ("", "?format=json", "?format=csv"):
        response = client.get(event.get_absolute_url() + query)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for secret in (b"Secret Negotiator", b"Hidden leg", b"Hidden count"):
            assert secret not in body, (query, secret)
    assert client.get("/releases/", {"participant": "Secret"}).context["object_list"].count() == 0


def test_case_workers_enter_the_new_facts_and_only_editors_publish_them(case_worker, editor):
    page = case_worker.get("/admin/releases/releaseevent/add/").text
    for prefix in ("participants", "nationality_reports", "route_legs"):
        assert f'name="{prefix}-TOTAL_FORMS"' in page
    assert 'name="participants-__prefix__-visibility"' not in page
    assert (
        'name="participants-__prefix__-visibility"'
        in editor.get("/admin/releases/releaseevent/add/").text
    )
    assert case_worker.user.has_perm("releases.add_releasesource")
    assert not case_worker.user.has_perm("releases.publish_routeleg")
    assert editor.user.has_perm("releases.publish_routeleg")


# A download written by a copy of the tracker from before these records: the seed as it was.
EARLIER_FORMAT = Path(__file__).parent / "data" / "december_2025_earlier_format.json"


def test_a_download_from_an_earlier_version_imports(db, editor):
    """A colleague whose copy is not upgraded sends a download: its event facts and sources
    become today's records, as the migration makes them of the same data."""
    call_command("import_fixture", str(EARLIER_FORMAT), "--publish-new", verbosity=0)
    event = ReleaseEvent.objects.get(slug="belarus-release-2025-12-13")
    assert event.participants.get().name == "John Coale, US special envoy for Belarus"
    assert sorted(event.nationality_reports.values_list("country__code", flat=True)) == [
        "AU",
        "GB",
        "JP",
        "LT",
        "PL",
        "US",
    ]
    leg = event.route_legs.get()
    assert (leg.from_country.code, leg.to_country.code) == ("BY", "UA")
    kolesnikova = event.releases.get(prisoner__slug="maria-kolesnikova")
    assert kolesnikova.status == "confirmed"
    assert kolesnikova.source_links.filter(stance="supports").count() == 2
    count = PrisonerCount.objects.get()
    assert count.counted_by.startswith("Total reported in mid-December 2025")
    measure = SanctionsConcession.objects.get()
    assert measure.slug == "belarusian-potash-sector-belaruskali"
    link = measure.links.get()
    assert (link.event, link.basis) == (event, "reported")
    figure = measure.figures.get()
    assert (figure.low, figure.high, figure.currency) == (2_500_000_000, 2_800_000_000, "USD")
    # Imported again, it changes nothing.
    report = import_fixture(json.loads(EARLIER_FORMAT.read_text()))
    assert report.count("created") == report.count("changed") == 0

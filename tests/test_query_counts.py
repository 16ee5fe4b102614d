"""A page's query count does not grow with the rows on it: the same for 5 rows and for 60."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from releases.models import ConcessionFigure, Participant, RouteLeg, SanctionedEntity
from tests.public_pages import DOWNLOAD_FORMATS, DOWNLOAD_PAGES, PAGES
from tracker.models import Country

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10  # a page's budget (downloads stream in chunks and may run more)
# A release's page shows six kinds of sourced facts (participants, nationalities reported, the
# route, people freed, the measures linked to it, the event's own sources): a query each, and one
# for the sources of each kind that cites several; the linked measures also bring their own
# sources, the entities they cover and the figures about them.
MAX_QUERIES_RELEASE_PAGE = 16
# Pages that read every record kind once, whatever the rows, on an empty cache: /about/ the
# latest public change of each kind (two aggregates a kind, then cached); /data/ and its files
# the dataset's files, written when the public data changed since they were last written.
DATASET_QUERIES = 64
MAX_QUERIES_BY_PAGE = {
    "/releases/{event}/": MAX_QUERIES_RELEASE_PAGE,
    "/about/": 22,
    **{page.example: DATASET_QUERIES for page in PAGES if page.name.startswith("data")},
}


def builder(
    make_event,
    make_prisoner,
    make_release,
    make_concession,
    make_source,
    make_count,
    make_entity,
):
    """Build `rows` events for one country, each with a dual-national freed person, a
    concession and a source; the first person is in every event, so their page has `rows`
    releases; Belarus gets `rows` political-prisoner counts. No page reads the audit history:
    none is written."""

    regular = make_prisoner(name="Regular Person", slug="regular", nationalities=["BY", "LT"])
    count_dates = (datetime.date(2000, 1, 1) + datetime.timedelta(days=n) for n in range(10**4))

    previous = []  # each measure supersedes the one before: a chain as long as the rows

    @override_settings(SIMPLE_HISTORY_ENABLED=False)
    def build(rows):
        source = make_source()
        for index in range(rows):
            event = make_event(
                date=datetime.date(2024, 1, 1) + datetime.timedelta(days=index),
                counterparts=["US", "PL"],
                reported_nationalities=["US", "LT"],
                reported_count=500,
                sources=[source],
            )
            person = make_prisoner(nationalities=["BY", "LT"], sources=[source])
            make_release(event, person)
            make_release(event, regular)
            envoy = Participant.objects.create(
                event=event, name=f"Envoy {index}", role="envoy", visibility="public"
            )
            envoy.sources.set([source])
            leg = RouteLeg.objects.create(
                event=event,
                from_country=event.releasing_country,
                to_country=Country.objects.get(code="LT"),
                visibility="public",
            )
            leg.sources.set([source])
            entity = make_entity(sources=[source])
            measure = make_concession(
                event, sources=[source], entities=[entity], slug=f"measure-{event.slug}"
            )
            ConcessionFigure.objects.create(
                concession=measure, slug="value", measure="Value", low=1, visibility="public"
            ).sources.set([source])
            measure.supersedes.set(previous)
            previous[:] = [measure]
            make_count("BY", as_of=next(count_dates))
        big_event = event
        for index in range(rows):
            make_release(big_event, make_prisoner(nationalities=["BY", "PL"]))
            Participant.objects.create(
                event=big_event,
                name=f"Spokesperson {index}",
                role="spokesperson",
                visibility="public",
            ).sources.set([source])
            RouteLeg.objects.create(
                event=big_event,
                position=index + 2,
                from_country=big_event.releasing_country,
                to_country=Country.objects.get(code="PL"),
                visibility="public",
            ).sources.set([source])
        return big_event

    return build


def queries_for(client, url):
    """The response's status and the number of queries it took, on empty caches (both: the
    pages' and the generations', which the dataset's files are written for), as a visitor's
    first request after a change."""
    for alias in settings.CACHES:
        caches[alias].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, len(captured)


def address(url, event):
    """The URL with this module's records: the largest release, its person "regular", the
    release's measure, and the first entity: the one every later measure reaches through the
    chain of measures superseding one another."""
    measure = event.concession_links.get().concession
    entity = SanctionedEntity.objects.order_by("pk").first()
    return url.format(
        event=event.slug,
        person="regular",
        measure=measure.slug,
        entity=entity.slug,
        country="BY",
        year="2024",
        month="01",
    )


# Every page of the registry (as templates: the records are this module's), and filters.
URLS = [page.example for page in PAGES] + [
    "/releases/?country=BY&nationality=LT&imposed_by=US",
    "/prisoners/?nationality=LT&event={event}",
    "/concessions/?basis=reported&imposed_by=US&date_after=2024-01-01",
    "/countries/LT/",
]
DOWNLOADS = [
    f"{page.example}?format={fmt}" for page in DOWNLOAD_PAGES for fmt in DOWNLOAD_FORMATS
] + [f"{url}&format={fmt}" for url in URLS if "?" in url for fmt in DOWNLOAD_FORMATS]


@pytest.fixture(scope="module")
def rows(
    shared_records,
    make_event,
    make_prisoner,
    make_release,
    make_concession,
    make_source,
    make_count,
    make_entity,
):
    """The data of every test, built once: 5 rows, each page's queries counted (on an empty
    cache, as a visitor's first request), then 60 rows more."""
    with shared_records():
        build = builder(
            make_event,
            make_prisoner,
            make_release,
            make_concession,
            make_source,
            make_count,
            make_entity,
        )
        event = build(5)
        client = Client()
        small = {}
        for url in URLS + DOWNLOADS:
            small[url] = queries_for(client, address(url, event))
        event = build(60)
        if connection.vendor == "postgresql":
            # Statistics of the rows just written, as autovacuum keeps them for a real database:
            # without them the planner takes each table for one row and nests loops over
            # thousands (tens of seconds a download).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        yield SimpleNamespace(small=small, event=event)


@pytest.mark.parametrize("url", URLS + DOWNLOADS)
def test_query_count_does_not_grow_with_rows(client, rows, url):
    small_status, small = rows.small[url]
    assert small_status == 200, url
    status, large = queries_for(client, address(url, rows.event))
    assert status == 200, url
    assert small == large, f"{url}: {small} queries with 5 rows, {large} with 60"
    if "format=" not in url:
        budget = MAX_QUERIES_BY_PAGE.get(url, MAX_QUERIES)
        assert large <= budget, f"{url}: {large} queries"

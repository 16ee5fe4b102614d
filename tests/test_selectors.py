"""The named reads every page, feed, figure and download asks: a country's roles in a release
(ReleaseEvent.objects.involving), the people an event documents (Release.objects.documented)
and the public records of each kind (RecordKind.public). Each is checked on its own, and
against what the pages and downloads show from it."""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError

from releases import services
from releases.country_figures import country_figures, figures_of
from releases.feeds import FEED_ROLES
from releases.models import (
    ConcessionFigure,
    CountryRole,
    Participant,
    Release,
    ReleaseEvent,
    ReleaseSource,
    RouteLeg,
)
from releases.views import COUNTRY_PAGE_ROLES
from tracker.models import Country, Publishable, Visibility
from tracker.records import record_kinds

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
RESTRICTED = Visibility.RESTRICTED


def country(code):
    return Country.objects.get(code=code)


@pytest.fixture
def roles(make_event, make_prisoner, make_release, make_concession, make_source):
    """For Lithuania, a public event in each role a country can play, and beside each a record
    that would give it the role if it were public: {role: slugs of the events in that role}."""
    source = make_source()
    lithuanian = make_prisoner(nationalities=["LT"])
    hidden_lithuanian = make_prisoner(nationalities=["LT"], visibility=RESTRICTED)

    def event(slug, **fields):
        return make_event(slug=slug, sources=[source], **fields)

    def leg(event, start, end, via=None, visibility=Visibility.PUBLIC):
        return RouteLeg.objects.create(
            event=event,
            position=event.route_legs.count() + 1,
            from_country=country(start),
            via_country=country(via) if via else None,
            to_country=country(end),
            visibility=visibility,
        )

    def participant(event, visibility=Visibility.PUBLIC):
        return Participant.objects.create(
            event=event, name="An envoy", role="envoy", country=country("LT"), visibility=visibility
        )

    event("released", releasing="LT")
    event("hidden-released", releasing="LT", visibility=RESTRICTED)
    event("negotiated", counterparts=["LT", "US"])
    participant(event("took-part"))
    participant(event("hidden-participant"), visibility=RESTRICTED)
    make_release(event("freed-confirmed"), lithuanian, status="confirmed")
    make_release(event("freed-reported"), lithuanian, status="reported")
    make_release(event("freed-disputed"), lithuanian, status="disputed")
    make_release(event("freed-not"), lithuanian, status="not_freed")
    make_release(event("freed-hidden-release"), lithuanian, visibility=RESTRICTED)
    make_release(event("freed-hidden-person"), hidden_lithuanian)
    event("reported", reported_nationalities=["LT"])
    hidden_report = event("hidden-report", reported_nationalities=["LT"])
    hidden_report.nationality_reports.update(visibility=RESTRICTED)
    leg(event("leg-to"), "BY", "LT")
    leg(event("hidden-leg-to"), "BY", "LT", visibility=RESTRICTED)
    make_release(event("taken-to"), make_prisoner(), destination=country("LT"))
    leg(event("leg-via"), "BY", "DE", via="LV")
    leg(event("leg-through"), "BY", "DE", via="LT")
    leg(event("leg-from"), "LT", "DE")  # the freed were handed to Lithuania first
    leg(event("leg-from-releaser", releasing="LT"), "LT", "DE")  # releasing, not a transit
    make_release(event("handed-over"), make_prisoner(), transit=country("LT"))
    make_concession(event("eased"), imposed_by="LT")
    make_concession(event("hidden-measure"), imposed_by="LT", visibility=RESTRICTED)
    make_concession(event("hidden-link"), imposed_by="LT", link={"visibility": RESTRICTED})
    make_concession(event("eased-by-others"), imposed_by="US")
    event("unrelated", counterparts=["US"])
    return {
        CountryRole.RELEASER: {"released", "leg-from-releaser"},
        CountryRole.NEGOTIATOR: {"negotiated"},
        CountryRole.PARTICIPANT: {"took-part"},
        CountryRole.DOCUMENTED_NATIONALS: {"freed-confirmed", "freed-reported"},
        CountryRole.REPORTED_NATIONALS: {"reported"},
        CountryRole.RECEIVER: {"leg-to", "taken-to"},
        CountryRole.TRANSIT: {"leg-through", "leg-from", "handed-over"},
        CountryRole.SANCTIONING: {"eased"},
    }


def involving(roles, **kwargs):
    events = ReleaseEvent.objects.public().involving(country("LT"), roles=roles, **kwargs)
    return set(events.values_list("slug", flat=True))


@pytest.mark.parametrize("role", CountryRole.ALL)
def test_each_role_finds_its_public_events_and_no_other(roles, role):
    assert involving([role]) == roles[role]


def test_roles_together_find_the_events_of_any_of_them(roles):
    assert involving(CountryRole.NATIONALITY) == {"freed-confirmed", "freed-reported", "reported"}
    assert involving(CountryRole.ROUTE) == roles[CountryRole.RECEIVER] | roles[CountryRole.TRANSIT]
    everything = set().union(*roles.values())
    assert involving(CountryRole.ALL) == everything
    assert not everything & {"unrelated", "eased-by-others", "freed-disputed", "freed-not"}
    assert not any(slug.startswith("hidden") for slug in everything)


def test_events_freeing_nationals_may_be_given_as_ids(roles):
    freeing = ReleaseEvent.objects.filter(slug__in=["freed-confirmed", "freed-reported"])
    given = list(freeing.values_list("pk", flat=True))
    assert (
        involving([CountryRole.DOCUMENTED_NATIONALS], documented_events=given)
        == (roles[CountryRole.DOCUMENTED_NATIONALS])
    )


@pytest.mark.parametrize("asked", [[], ["nationality"], ["releaser", "counterpart"]])
def test_a_role_that_is_not_one_is_refused(asked):
    with pytest.raises(ValueError):
        ReleaseEvent.objects.involving(country("LT"), roles=asked)
    with pytest.raises(TypeError):
        ReleaseEvent.objects.involving(country("LT"), roles=CountryRole.RELEASER)


def test_the_country_page_feed_and_filters_show_what_involving_finds(client, roles):
    page = client.get("/countries/LT/")
    assert page.status_code == 200
    assert {event.slug for event in page.context["events"]} == involving(COUNTRY_PAGE_ROLES)
    assert involving(COUNTRY_PAGE_ROLES) == set().union(
        *(slugs for role, slugs in roles.items() if role != CountryRole.SANCTIONING)
    )

    feed = ET.fromstring(client.get("/countries/LT/feed/").content)
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert {link.rstrip("/").rsplit("/", 1)[-1] for link in links} == involving(FEED_ROLES)

    for query, asked in [
        ("nationality=LT", CountryRole.NATIONALITY),
        ("imposed_by=LT", [CountryRole.SANCTIONING]),
    ]:
        listing = client.get(f"/releases/?{query}")
        assert listing.status_code == 200, query
        assert {event.slug for event in listing.context["object_list"]} == involving(asked)


def test_the_country_figures_count_what_involving_finds(roles):
    lithuania = country("LT")
    one, listed = figures_of(lithuania), country_figures()[lithuania.pk]
    for figure, role in [
        ("releases_made_count", CountryRole.RELEASER),
        ("releases_negotiated_count", CountryRole.NEGOTIATOR),
        ("releases_with_nationals_reported", CountryRole.REPORTED_NATIONALS),
        ("releases_received_count", CountryRole.RECEIVER),
        ("releases_transit_count", CountryRole.TRANSIT),
    ]:
        assert one[figure] == listed[figure] == len(involving([role])), figure


@pytest.fixture
def freed(make_event, make_prisoner, make_release, make_source):
    """An event with people freed in every status and visibility; one of them freed again in
    another event."""
    source = make_source()
    event = make_event(slug="the-release", reported_count=10, sources=[source])
    again = make_event(slug="the-next-release", sources=[source], date=datetime.date(2025, 7, 1))
    twice = make_prisoner(sources=[source])
    make_release(event, twice, status="confirmed")
    make_release(event, make_prisoner(), status="confirmed")
    make_release(event, make_prisoner(), status="reported")
    make_release(event, make_prisoner(), status="disputed")
    make_release(event, make_prisoner(), status="not_freed")
    make_release(event, make_prisoner(), status="confirmed", visibility=RESTRICTED)
    make_release(event, make_prisoner(visibility=RESTRICTED), status="confirmed")
    make_release(again, twice, status="reported")
    return event


def csv_rows(client, url):
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_documented_is_what_the_event_page_and_its_downloads_count(client, freed):
    documented = Release.objects.public().documented().filter(event=freed)
    assert sorted(documented.values_list("status", flat=True)) == [
        "confirmed",
        "confirmed",
        "reported",
    ]
    page = client.get("/releases/the-release/")
    assert page.context["object"].documented == 3
    assert "10 reported, 3 documented" in page.text
    assert "1 disputed" in page.text

    (row,) = csv_rows(client, "/releases/the-release/")
    assert row["documented freed"] == "3"
    listed = {row["title"]: row["documented freed"] for row in csv_rows(client, "/releases/")}
    assert listed[freed.title] == "3"

    response = client.get("/releases/the-release/", {"format": "ftm"})
    entities = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    (event,) = [entity for entity in entities if entity["schema"] == "Event"]
    people = {release.prisoner.slug for release in documented}
    assert {
        involved.removeprefix("rt-person-") for involved in event["properties"]["involved"]
    } == (people)


def test_the_home_page_counts_each_documented_person_once(client, freed):
    documented = Release.objects.public().documented()
    assert documented.count() == 4  # one person documented in both events
    assert client.get("/").context["figures"]["documented"] == 3


def test_the_reported_figure_rule_counts_the_documented_of_every_visibility(freed):
    every = Release.objects.documented().filter(event=freed).count()
    assert every == 5  # the three public ones, a restricted release, a restricted person
    ReleaseEvent.objects.filter(pk=freed.pk).update(reported_count=every)
    services.check_stored_events([freed.pk])
    ReleaseEvent.objects.filter(pk=freed.pk).update(reported_count=every - 1)
    with pytest.raises(ValidationError, match="5 people are listed as freed"):
        services.check_stored_events([freed.pk])


@pytest.fixture
def hidden_everywhere(
    make_event, make_prisoner, make_release, make_concession, make_entity, make_source, make_count
):
    """Records of every kind, public and restricted, and public records of restricted ones."""
    source = make_source()
    for visibility in [Visibility.PUBLIC, RESTRICTED]:
        event = make_event(visibility=visibility, sources=[source], reported_nationalities=["LT"])
        for person_visibility in [Visibility.PUBLIC, RESTRICTED]:
            make_release(event, make_prisoner(visibility=person_visibility), sources=[source])
        make_release(event, make_prisoner(), sources=[source], visibility=RESTRICTED)
        event.nationality_reports.update(visibility=Visibility.PUBLIC)
        RouteLeg.objects.create(
            event=event,
            position=1,
            from_country=country("BY"),
            to_country=country("LT"),
            visibility=Visibility.PUBLIC,
        )
        Participant.objects.create(
            event=event, name="Envoy", role="envoy", visibility=Visibility.PUBLIC
        )
        measure = make_concession(
            event,
            visibility=visibility,
            entities=[make_entity(visibility=visibility)],
            link={"visibility": Visibility.PUBLIC},
        )
        ConcessionFigure.objects.create(
            concession=measure,
            slug=f"figure-{visibility}",
            measure="value",
            low=1,
            visibility=Visibility.PUBLIC,
        )
    make_count("BY")


def restricted_relations(record):
    """The relations of `record` to records with a visibility that are not public."""
    return [
        field.name
        for field in record._meta.fields
        if field.many_to_one and issubclass(field.related_model, Publishable)
        if getattr(record, field.name) is not None
        and getattr(record, field.name).visibility != Visibility.PUBLIC
    ]


def test_restricted_records_never_come_out_of_the_public_selectors(hidden_everywhere):
    for kind in record_kinds():
        public = list(kind.public())
        if kind.publishable:
            # Some records are public, and some are left out (restricted, or of a restricted
            # record): the test can fail.
            assert 0 < len(public) < kind.model._default_manager.count(), kind.label
            assert all(record.visibility == Visibility.PUBLIC for record in public), kind.label
        for record in public:
            assert not restricted_relations(record), (kind.label, record)
    parts = ReleaseSource.objects.all()
    assert ReleaseSource.objects.exclude(release__in=Release.objects.public()).exists()
    assert set(parts.filter(release__in=Release.objects.public())) == set(
        next(kind for kind in record_kinds() if kind.model is ReleaseSource).public()
    )

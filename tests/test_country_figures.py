"""The countries listing and each country's page give the same figures, and count only what is
public: the listing counts every country at once, a country's page asks about one."""

import datetime

import pytest

from releases.country_figures import FIGURES, country_figures, figures_of
from releases.models import Participant, RouteLeg
from tracker.models import Country

pytestmark = pytest.mark.django_db


def country(code):
    return Country.objects.get(code=code)


@pytest.fixture
def records(make_event, make_prisoner, make_release, make_concession, make_count, make_source):
    """Public records in every role a country can have, and restricted ones beside them."""
    source = make_source()
    talks = make_event(
        releasing="BY",
        counterparts=["US", "PL"],
        reported_nationalities=["LT", "DE"],
        reported_count=52,
        sources=[source],
        date=datetime.date(2025, 9, 11),
    )
    swap = make_event(releasing="RU", counterparts=["US"], reported_count=None)
    hidden = make_event(releasing="IR", counterparts=["FR"], visibility="restricted")
    dual = make_prisoner(nationalities=["BY", "LT"])
    make_release(talks, dual, transit=country("UA"), destination=country("LT"))
    make_release(swap, dual)  # counts once for each nationality, not once a release
    make_release(talks, make_prisoner(nationalities=["PL"]), status="disputed")
    make_release(talks, make_prisoner(nationalities=["GE"], visibility="restricted"))
    make_release(swap, make_prisoner(nationalities=["AM"]), visibility="restricted")
    make_release(hidden, make_prisoner(nationalities=["SE"]), destination=country("NO"))
    for position, (start, via, end, visibility) in enumerate(
        [
            ("BY", None, "LT", "public"),
            ("LT", "LV", "DE", "public"),
            ("BY", "FI", "EE", "restricted"),
        ]
    ):
        RouteLeg.objects.create(
            event=talks,
            position=position + 1,
            from_country=country(start),
            via_country=country(via) if via else None,
            to_country=country(end),
            visibility=visibility,
        )
    Participant.objects.create(
        event=talks, name="An envoy", role="envoy", country=country("VA"), visibility="public"
    )
    Participant.objects.create(
        event=talks, name="Hidden", role="envoy", country=country("CH"), visibility="restricted"
    )
    make_concession(talks, imposed_by="US", target_country=country("BY"))
    make_concession(swap, imposed_by="GB", visibility="restricted")
    make_count("BY", as_of=datetime.date(2025, 1, 1), count=1100)
    make_count("BY", as_of=datetime.date(2025, 6, 1), count=1200, qualifier="about")
    make_count("AZ", as_of=datetime.date(2024, 3, 1), count=300)


def test_the_listing_and_each_country_page_agree(records):
    listed = country_figures()
    for code in ["BY", "RU", "US", "PL", "LT", "DE", "UA", "LV", "VA", "AZ", "FR", "SE"]:
        one = country(code)
        assert figures_of(one) == listed.get(one.pk, figures_of(one)), code


def test_figures_count_only_public_records(records):
    listed = {Country.objects.get(pk=pk).code: figures for pk, figures in country_figures().items()}
    # Involved only through restricted records: not listed.
    assert listed.keys().isdisjoint({"IR", "FR", "SE", "NO", "GE", "AM", "FI", "EE", "CH", "GB"})
    assert set(listed) == {"BY", "RU", "US", "PL", "LT", "DE", "UA", "LV", "VA", "AZ"}
    belarus = listed["BY"]
    assert belarus["releases_made_count"] == 1
    assert belarus["people_reported_freed"] == 52
    assert belarus["nationals_documented"] == 1  # the dual national, freed twice
    assert belarus["concessions_received_count"] == 1
    assert (belarus["latest_count"], belarus["latest_count_qualifier"]) == (1200, "about")
    assert listed["US"]["releases_negotiated_count"] == 2
    assert listed["US"]["concessions_made_count"] == 1
    assert listed["LT"]["nationals_documented"] == 1
    assert listed["LT"]["releases_with_nationals_reported"] == 1
    assert listed["LT"]["releases_received_count"] == 1  # a leg and a person: one release
    assert listed["LT"]["releases_transit_count"] == 1  # a leg leaves from it
    assert listed["UA"]["releases_transit_count"] == 1
    assert listed["LV"]["releases_transit_count"] == 1
    assert listed["PL"]["nationals_documented"] == 0  # disputed is not documented
    assert listed["RU"]["people_reported_freed"] is None
    assert listed["AZ"]["latest_count"] == 300


def test_pages_show_the_same_figures(client, records):
    listing = {c.code: c for c in client.get("/countries/").context["countries"]}
    for code, listed in listing.items():
        page = client.get(f"/countries/{code}/").context["country"]
        assert {f: getattr(page, f) for f in FIGURES} == {f: getattr(listed, f) for f in FIGURES}
    uninvolved = client.get("/countries/IR/").context["country"]
    assert uninvolved.releases_made_count == 0 and uninvolved.latest_count is None

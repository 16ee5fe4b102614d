"""Data entry through the real admin: the forms and formsets NGO staff use."""

import datetime

import pytest

from prisoners.models import Prisoner
from releases.models import Release, ReleaseEvent
from tracker.models import Country

pytestmark = pytest.mark.django_db

ADD_EVENT_URL = "/admin/releases/releaseevent/add/"


def code_id(code):
    return Country.objects.get(code=code).pk


def inline_rows(prefix, rows):
    """An inline formset's management form and rows: {field: value} each."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{field}": value for field, value in row.items()}
    return data


def event_form(people=(), links=(), *, participants=(), nationalities=(), legs=(), **overrides):
    """The POST data of the admin's add-event page, with its inline formsets."""
    data = {
        "title": "Belarus frees 52 political prisoners",
        "slug": "",
        "date": "2025-09-11",
        "releasing_country": code_id("BY"),
        "summary": "",
        "date_precision": "day",
        "counterparts": [code_id("US")],
        "reported_count": "52",
        "visibility": "restricted",
        "internal_notes": "",
        "releases-TOTAL_FORMS": str(len(people)),
        "releases-INITIAL_FORMS": "0",
        "releases-MIN_NUM_FORMS": "0",
        "releases-MAX_NUM_FORMS": "1000",
    }
    data |= inline_rows("participants", participants)
    data |= inline_rows("nationality_reports", nationalities)
    data |= inline_rows("route_legs", legs)
    data |= inline_rows("concession_links", links)
    for index, person in enumerate(people):
        data |= {
            f"releases-{index}-prisoner": person.pk,
            f"releases-{index}-status": "confirmed",
            f"releases-{index}-circumstances": "pardoned",
            f"releases-{index}-destination": code_id("LT"),
            f"releases-{index}-details": "",
            f"releases-{index}-visibility": "restricted",
        }
    data.update(overrides)
    return data


def test_staff_add_an_event_with_two_people_and_a_concession(
    staff_client, make_prisoner, make_source, make_concession
):
    first, second = make_prisoner(name="Mikola Statkevich"), make_prisoner(name="Ihar Losik")
    source = make_source()
    measure = make_concession(target="Belavia", kind="licence", slug="us-gl-11")
    link = {
        "concession": measure.pk,
        "basis": "announced_together",
        "note": "",
        "sources": [source.pk],
        "visibility": "restricted",
    }
    nationalities = [
        {
            "country": code_id(code),
            "count": "",
            "qualifier": "exact",
            "source": source.pk,
            "visibility": "restricted",
        }
        for code in ("LT", "PL")
    ]
    envoy = {
        "name": "John Coale",
        "role": "envoy",
        "country": code_id("US"),
        "visibility": "restricted",
    }

    response = staff_client.post(
        ADD_EVENT_URL,
        event_form([first, second], [link], participants=[envoy], nationalities=nationalities),
        follow=True,
    )

    assert response.status_code == 200
    assert b"was added successfully" in response.content
    event = ReleaseEvent.objects.get(title="Belarus frees 52 political prisoners")
    assert event.slug == "belarus-frees-52-political-prisoners"
    assert event.reported_count == 52
    assert sorted(event.nationality_reports.values_list("country__code", flat=True)) == [
        "LT",
        "PL",
    ]
    assert event.participants.get().name == "John Coale"
    freed = Release.objects.filter(event=event).order_by("prisoner__name")
    assert [r.prisoner for r in freed] == [second, first]
    assert all(r.destination.code == "LT" and r.circumstances == "pardoned" for r in freed)
    link = event.concession_links.get()
    assert (link.concession, link.basis) == (measure, "announced_together")
    assert list(link.sources.all()) == [source]


def test_more_documented_people_than_reported_is_explained_on_the_form(staff_client, make_prisoner):
    people = [make_prisoner(), make_prisoner()]
    response = staff_client.post(ADD_EVENT_URL, event_form(people, reported_count="1"))

    assert response.status_code == 200
    assert "2 people are listed as freed, but only 1 was reported" in response.text
    assert not ReleaseEvent.objects.exists()


def test_a_future_date_is_explained_on_the_form(staff_client):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = staff_client.post(ADD_EVENT_URL, event_form(date=tomorrow.isoformat()))

    assert response.status_code == 200
    assert "A release cannot be dated in the future" in response.text
    assert not ReleaseEvent.objects.exists()


def test_a_duplicate_slug_is_explained_on_the_form(staff_client, make_event):
    make_event(slug="taken")
    response = staff_client.post(ADD_EVENT_URL, event_form(slug="taken"))

    assert response.status_code == 200
    assert "Another release already uses this slug" in response.text
    assert ReleaseEvent.objects.count() == 1


def test_the_same_person_twice_in_one_release_is_explained(staff_client, make_prisoner):
    person = make_prisoner()
    response = staff_client.post(ADD_EVENT_URL, event_form([person, person]))

    assert response.status_code == 200
    assert "Please correct the duplicate data for prisoner" in response.text
    assert not ReleaseEvent.objects.exists()


def test_a_low_estimate_above_the_high_estimate_is_explained(staff_client, make_concession):
    measure = make_concession(target="Potash", slug="potash", visibility="restricted")
    response = staff_client.post(
        "/admin/releases/concessionfigure/add/",
        {
            "concession": measure.pk,
            "slug": "value",
            "measure": "Export revenue",
            "low": "900",
            "high": "100",
            "qualifier": "exact",
            "currency": "USD",
            "unit": "",
            "period": "",
            "visibility": "restricted",
            "internal_notes": "",
        },
    )

    assert response.status_code == 200
    assert "The low value is above the high value" in response.text
    assert not measure.figures.exists()


def test_person_added_through_the_admin_gets_a_slug_from_the_name(staff_client):
    response = staff_client.post(
        "/admin/prisoners/prisoner/add/",
        {
            "name": "Ales Bialiatski",
            "name_native": "Алесь Бяляцкі",
            "other_names": "Ales Byalyatski",
            "slug": "",
            "nationalities": [code_id("BY")],
            "status": "released",
            "detained_on_precision": "unknown",  # the form shows it beside the date
            "visibility": "restricted",
        },
    )

    assert response.status_code == 302
    assert Prisoner.objects.get().slug == "ales-bialiatski"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/releases/releaseevent/",
        "/admin/releases/releaseevent/add/",
        "/admin/releases/release/",
        "/admin/releases/sanctionsconcession/",
        "/admin/prisoners/prisoner/",
        "/admin/prisoners/prisoner/add/",
        "/admin/prisoners/prisonercount/",
        "/admin/tracker/source/",
        "/admin/tracker/country/",
    ],
)
def test_admin_pages_open_for_staff(staff_client, seed, url):
    assert staff_client.get(url).status_code == 200


def test_event_change_page_shows_its_freed_people_and_concessions(staff_client, seed):
    event = ReleaseEvent.objects.get()
    response = staff_client.get(f"/admin/releases/releaseevent/{event.pk}/change/")
    assert response.status_code == 200
    assert "Ales Bialiatski" in response.text
    assert "Belarusian potash sector (Belaruskali)" in response.text


def test_admin_search_finds_a_person_by_cyrillic_name(staff_client, seed):
    response = staff_client.get("/admin/prisoners/prisoner/", {"q": "Калеснікава"})
    assert "Maria Kolesnikova" in response.text
    assert "Ales Bialiatski" not in response.text

"""The public pages: what a visitor sees, finds and filters, from the seed and built data."""

import datetime
import re

import pytest

from releases.models import ReleaseEvent
from tests.public_pages import every_response
from tracker.models import Visibility

pytestmark = pytest.mark.django_db

EVENT_URL = "/releases/belarus-release-2025-12-13/"


def test_home_shows_headline_figures_and_the_latest_release(client, seed):
    response = client.get("/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["events"] == 1
    assert figures["reported"] == 123
    assert figures["documented"] == 4
    assert figures["concessions"] == 1
    assert EVENT_URL in response.text
    assert 'href="/releases/2025/"' in response.text


def test_a_newcomer_finds_the_release_by_date(client, seed):
    assert 'href="/releases/2025/"' in client.get("/releases/").text
    year = client.get("/releases/2025/")
    assert year.status_code == 200 and EVENT_URL in year.text
    month = client.get("/releases/2025/12/")
    assert month.status_code == 200 and EVENT_URL in month.text
    assert "December 2025" in month.text


@pytest.mark.parametrize(
    "query",
    [
        {"country": "BY"},
        {"country": "by"},
        {"nationality": "US"},
        {"nationality": "JP"},
        {"nationality": "BY"},
        {"imposed_by": "US"},
        {"date_after": "2025-12-01", "date_before": "2025-12-31"},
        {"q": "potash"},
        {"q": "Coale"},
        {"sort": "-title"},
    ],
)
def test_each_release_filter_finds_the_release(client, seed, query):
    response = client.get("/releases/", query)
    assert response.status_code == 200
    assert EVENT_URL in response.text
    assert response.context["paginator"].count == 1


@pytest.mark.parametrize(
    "query",
    [
        {"country": "US"},
        {"nationality": "FR"},
        {"imposed_by": "BY"},
        {"date_after": "2026-01-01"},
        {"date_before": "2025-12-12"},
        {"q": "Venezuela"},
    ],
)
def test_release_filters_that_match_nothing(client, seed, query):
    response = client.get("/releases/", query)
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    assert "No releases match" in response.text


def test_each_country_involved_leads_to_the_release(client, seed):
    countries = client.get("/countries/")
    for code in ["BY", "US", "JP", "LT", "PL", "GB", "AU"]:
        assert f'href="/countries/{code}/"' in countries.text
        page = client.get(f"/countries/{code}/")
        assert page.status_code == 200
        assert EVENT_URL in page.text, code


def test_the_release_page_shows_what_was_traded(client, seed):
    response = client.get(EVENT_URL)
    assert response.status_code == 200
    text = response.text
    assert "123 reported, 4 documented" in text
    assert "13 December 2025" in text
    assert "John Coale" in text
    for name in ["Ales Bialiatski", "Maria Kolesnikova", "Viktor Babariko", "Vladimir Labkovich"]:
        assert name in text
    for country in ["Japan", "Lithuania", "Poland", "United Kingdom", "Australia"]:
        assert country in text
    assert "Belarusian potash sector (Belaruskali)" in text
    assert "USD 2,500,000,000–2,800,000,000" in text  # a figure, with what it measures
    assert "Belarus&#x27;s potash export revenue" in text
    assert "Linked to this release: reported as linked" in text
    assert "Robert Cunningham" in text and "Boris Bondarev" in text
    assert 'href="/prisoners/ales-bialiatski/"' in text


def test_a_person_page_shows_names_in_every_script(client, seed):
    response = client.get("/prisoners/maria-kolesnikova/")
    assert response.status_code == 200
    assert "Марыя Калеснікава" in response.text
    assert "Maryia Kalesnikava" in response.text
    assert "Мария Колесникова" in response.text
    assert "Belarus" in response.text
    assert EVENT_URL in response.text
    assert "Boris Bondarev" in response.text


def test_the_country_page_shows_counts_over_time(client, seed):
    response = client.get("/countries/BY/")
    assert "1,227" in response.text
    assert "Maria Kolesnikova" in response.text
    assert "Belarusian potash sector" in response.text


def test_a_lower_case_country_code_redirects(client, seed):
    response = client.get("/countries/by/")
    assert response.status_code == 301
    assert response["Location"] == "/countries/BY/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"nationality": "BY"}, 4),
        ({"nationality": "US"}, 0),
        ({"event": "belarus-release-2025-12-13"}, 4),
        ({"status": "released"}, 4),
        ({"status": "detained"}, 0),
        ({"q": "kolesnikova"}, 1),
        ({"q": "Калеснікава"}, 1),
        ({"q": "Kalesnikava"}, 1),
        ({"sort": "-name"}, 4),
    ],
)
def test_people_filters(client, seed, query, expected):
    response = client.get("/prisoners/", query)
    assert response.status_code == 200
    assert response.context["paginator"].count == expected


def test_people_sort_by_surname_both_ways(client, seed):
    by_surname = ["Viktor Babariko", "Ales Bialiatski", "Maria Kolesnikova", "Vladimir Labkovich"]
    names = [p.name for p in client.get("/prisoners/").context["object_list"]]
    assert names == by_surname
    names = [p.name for p in client.get("/prisoners/", {"sort": "-name"}).context["object_list"]]
    assert names == by_surname[::-1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 1),
        ({"imposed_by": "US"}, 1),
        ({"imposed_by": "GB"}, 0),
        ({"target_country": "BY"}, 1),
        ({"kind": "eased"}, 1),
        ({"kind": "lifted"}, 0),
        ({"date_after": "2025-12-13"}, 1),
        ({"date_before": "2025-12-12"}, 0),
    ],
)
def test_concession_filters(client, seed, query, expected):
    response = client.get("/concessions/", query)
    assert response.status_code == 200
    assert response.context["paginator"].count == expected


def test_releases_are_newest_first_and_sortable_by_title(client, make_event):
    make_event(title="B older", date=datetime.date(2020, 1, 1))
    make_event(title="A newer", date=datetime.date(2024, 1, 1))
    make_event(title="C newest", date=datetime.date(2025, 1, 1))
    titles = [e.title for e in client.get("/releases/").context["object_list"]]
    assert titles == ["C newest", "A newer", "B older"]
    titles = [e.title for e in client.get("/releases/", {"sort": "title"}).context["object_list"]]
    assert titles == ["A newer", "B older", "C newest"]


def test_archives_link_to_the_previous_and_next_period_with_events(client, make_event):
    make_event(date=datetime.date(2019, 5, 2))
    make_event(date=datetime.date(2021, 3, 9))
    make_event(date=datetime.date(2021, 7, 1))
    make_event(date=datetime.date(2023, 1, 15))
    year = client.get("/releases/2021/")
    assert year.context["paginator"].count == 2
    assert 'href="/releases/2019/"' in year.text and 'href="/releases/2023/"' in year.text
    month = client.get("/releases/2021/03/")
    assert month.context["paginator"].count == 1
    assert 'href="/releases/2019/5/"' in month.text and 'href="/releases/2021/7/"' in month.text
    assert client.get("/releases/2020/").status_code == 404


def test_pages_of_fifty_keep_the_filters(client, make_event):
    for day in range(1, 56):
        make_event(date=datetime.date(2024, 1, 1) + datetime.timedelta(days=day))
    first = client.get("/releases/", {"country": "BY"})
    assert len(first.context["object_list"]) == 50
    assert "country=BY&amp;page=2" in first.text
    second = client.get("/releases/", {"country": "BY", "page": 2})
    assert len(second.context["object_list"]) == 5
    assert "55 results" in second.text


def test_pages_hold_everyone_once_in_order_to_the_last(client, make_prisoner):
    """Later pages are found by primary key, the second half from the end (tracker.pagination)."""
    people = [make_prisoner(name=f"Person {n % 70:02d}") for n in range(173)]  # namesakes
    by_name = [person.pk for person in sorted(people, key=lambda p: (p.name, p.pk))]
    for query, expected in [({}, by_name), ({"sort": "-name"}, by_name[::-1])]:
        shown = []
        for page in range(1, 5):
            response = client.get("/prisoners/", {**query, "page": page})
            shown += [person.pk for person in response.context["object_list"]]
        assert shown == expected, query
    assert client.get("/prisoners/", {"page": 5}).status_code == 404


def test_counts_follow_a_change_at_once(client, make_event):
    make_event()
    assert client.get("/").context["figures"]["events"] == 1
    assert "1 result" in client.get("/releases/").text
    make_event()
    assert client.get("/").context["figures"]["events"] == 2
    assert "2 results" in client.get("/releases/").text


def test_long_lists_on_record_pages_show_the_first_fifty(
    client, make_event, make_prisoner, make_release
):
    for day in range(51):
        event = make_event(date=datetime.date(2024, 1, 1) + datetime.timedelta(days=day))
    for _ in range(51):
        make_release(event, make_prisoner())
    country = client.get("/countries/BY/").text
    assert "The latest 50 are shown." in country and 'href="/releases/?country=BY"' in country
    assert "50 of 51 are shown." in country
    release = client.get(event.get_absolute_url())
    assert len(release.context["freed"]) == 50
    assert "The first 50 are shown: the documented first, by name." in release.text


def test_the_feed_lists_public_releases(client, seed, make_event):
    make_event(title="Secret negotiation", visibility=Visibility.RESTRICTED)
    response = client.get("/releases/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Belarus frees 123 political prisoners" in response.text
    assert "123 reported freed, 4 documented by name." in response.text
    assert "Secret negotiation" not in response.text


def test_restricted_records_stay_off_public_pages(
    client, seed, make_event, make_prisoner, make_release
):
    """Nowhere: no page, feed, file or download of the registry, in any language, shows a
    restricted event or person, even one freed in a public release."""
    hidden_event = make_event(
        title="Unconfirmed release", slug="unconfirmed-release", visibility=Visibility.RESTRICTED
    )
    hidden_person = make_prisoner(
        name="Hidden Person", slug="hidden-person", visibility=Visibility.RESTRICTED
    )
    make_release(ReleaseEvent.objects.get(slug="belarus-release-2025-12-13"), hidden_person)
    for url, status in every_response():
        response = client.get(url)
        assert response.status_code == status, url
        text = response.getvalue().decode("utf-8-sig", errors="replace")
        assert "Unconfirmed release" not in text and "unconfirmed-release" not in text, url
        assert "Hidden Person" not in text and "hidden-person" not in text, url
    assert client.get(hidden_event.get_absolute_url()).status_code == 404
    assert client.get(hidden_person.get_absolute_url()).status_code == 404
    assert client.get("/").context["figures"]["events"] == 1


def test_pages_are_semantic_and_self_contained(client, seed):
    for url in ["/", "/releases/", EVENT_URL, "/prisoners/", "/countries/BY/", "/concessions/"]:
        text = client.get(url).text
        assert '<html lang="en">' in text
        assert len(re.findall(r"<h1[ >]", text)) == 1, f"{url}: one main heading"
        assert "http://" not in text.replace("http://testserver", "")
        assert '<link rel="stylesheet" href="/static/css/site.css">' in text


def test_release_filter_form_has_labels_and_keeps_values(client, seed):
    text = client.get("/releases/", {"country": "BY", "date_after": "2025-01-01"}).text
    assert '<label for="id_country">' in text
    assert '<option value="BY" selected>Belarus (1)</option>' in text
    assert 'value="2025-01-01"' in text


def test_event_slug_that_shadows_another_page_is_refused():
    event = ReleaseEvent(slug="2025")
    with pytest.raises(Exception) as error:
        event.clean()
    assert "address of another page" in str(error.value)

"""Bad input gets a clear message and a 4xx, never a 500."""

import pytest

from tests.public_pages import DOWNLOAD_PAGES, paths

pytestmark = pytest.mark.django_db

LISTS = ["/releases/", "/prisoners/", "/concessions/"]


@pytest.mark.parametrize(
    ("url", "query", "message"),
    [
        ("/releases/", {"country": "XX"}, "Unknown country code “XX”"),
        ("/releases/", {"nationality": "Narnia"}, "Unknown country code “NARNIA”"),
        ("/releases/", {"imposed_by": "1"}, "Unknown country code"),
        ("/releases/", {"date_after": "2025-13-45"}, "Enter a date as YYYY-MM-DD"),
        ("/releases/", {"date_before": "yesterday"}, "Enter a date as YYYY-MM-DD"),
        (
            "/releases/",
            {"date_after": "2025-12-31", "date_before": "2025-01-01"},
            "The start date (2025-12-31) is after the end date (2025-01-01).",
        ),
        ("/releases/", {"sort": "password"}, "Select a valid choice"),
        ("/releases/", {"q": "x" * 5000}, "Search for at most 200 characters."),
        ("/prisoners/", {"nationality": "ZZ"}, "Unknown country code"),
        ("/prisoners/", {"status": "vanished"}, "Select a valid choice"),
        ("/prisoners/", {"q": "я" * 5000}, "Search for at most 200 characters."),
        ("/concessions/", {"kind": "bribe"}, "Select a valid choice"),
        ("/concessions/", {"target_country": "??"}, "Unknown country code"),
        ("/concessions/", {"date_after": "13/12/2025"}, "Enter a date as YYYY-MM-DD"),
    ],
)
def test_invalid_filters_show_the_form_with_the_error(client, seed, url, query, message):
    response = client.get(url, query)
    assert response.status_code == 400
    assert message in response.text
    assert "<form" in response.text


@pytest.mark.parametrize("url", LISTS)
def test_a_page_number_that_is_not_a_number(client, seed, url):
    response = client.get(url, {"page": "abc"})
    assert response.status_code == 400
    assert "A page number must be a whole number" in response.text


@pytest.mark.parametrize("url", LISTS)
def test_a_page_past_the_end(client, seed, url):
    response = client.get(url, {"page": "99999"})
    assert response.status_code == 404
    assert "There is no page 99999: this list has 1." in response.text


@pytest.mark.parametrize("url", paths(DOWNLOAD_PAGES))
def test_an_unknown_download_format(client, seed, url):
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 400
    assert (
        "Unknown download format “xlsx”. Use format=json, format=csv or format=ftm."
        in response.text
    )


def test_an_invalid_filter_in_a_download_is_a_400_not_a_file(client, seed):
    response = client.get("/releases/", {"country": "XX", "format": "json"})
    assert response.status_code == 400
    assert "Unknown country code" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/releases/no-such-release/",
        "/prisoners/no-such-person/",
        "/countries/XX/",
        "/countries/toolong/",
        "/releases/1999/",
        "/releases/2025/13/",
        "/releases/2025/0/",
        "/releases/99999/",
        "/nowhere/",
    ],
)
def test_unknown_addresses_give_the_sites_404_page(client, seed, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Release tracker" in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"q": "'; DROP TABLE releases_releaseevent; --"},
        {"q": "%_\\"},
        {"q": "\x00"},
        {"country": "\x00"},
        {"page": "-1"},
        {"page": "1e9"},
        {"date_after": "0000-00-00"},
        {"date_after": "9999-12-31"},
    ],
)
def test_hostile_queries_never_cause_a_server_error(client, seed, query):
    for url in LISTS:
        assert client.get(url, query).status_code < 500

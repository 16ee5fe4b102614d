"""The rough edges a visitor or an editor met: feeds by publication time and per country,
country and release choices in the filters, people by surname, the admin's country search,
share previews, favicons and help texts."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from prisoners.models import Prisoner
from releases.models import ReleaseEvent
from tracker import services
from tracker.models import Visibility

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def publish(event, user, visibility=Visibility.PUBLIC):
    """Publish (or restrict) `event` as an editor would, at the version stored."""
    done, refused = services.set_visibility(
        [event], visibility, user=user, seen_versions={event.pk: event.version}
    )
    assert done == [event] and not refused


def test_the_feed_lists_releases_by_when_they_became_public(
    client, seed, make_event, make_source, admin_user
):
    source = make_source()
    old_news = make_event(
        title="Entered late",
        date=datetime.date(2020, 1, 1),
        sources=[source],
        visibility=Visibility.RESTRICTED,
    )
    make_event(title="Recent release", date=datetime.date(2025, 11, 1), sources=[source])
    assert old_news.published_at is None
    publish(old_news, admin_user)
    old_news.refresh_from_db()
    assert old_news.published_at is not None
    titles = feed_titles(client, "/releases/feed/")
    assert titles[0].startswith("Entered late")  # published last, though it happened first
    # Restricting and publishing again keeps the first publication time.
    first = old_news.published_at
    publish(old_news, admin_user, Visibility.RESTRICTED)
    publish(old_news, admin_user)
    old_news.refresh_from_db()
    assert old_news.published_at == first


def test_a_country_has_its_own_feed(client, seed, make_event, make_source):
    source = make_source()
    make_event(title="Lithuanian deal", releasing="RU", counterparts=["LT"], sources=[source])
    make_event(
        title="Hidden LT deal", releasing="LT", sources=[source], visibility=Visibility.RESTRICTED
    )
    make_event(title="Elsewhere", releasing="VE", sources=[source])
    titles = feed_titles(client, "/countries/LT/feed/")
    # The seed's release freed Lithuanians (reported nationality) and the new one negotiated.
    assert any(t.startswith("Lithuanian deal") for t in titles)
    assert any(t.startswith("Belarus frees 123") for t in titles)
    assert not any(t.startswith(("Hidden", "Elsewhere")) for t in titles)
    assert client.get("/countries/ZZ/feed/").status_code == 404
    page = client.get("/countries/LT/").content.decode()
    assert 'href="/countries/LT/feed/"' in page


def test_country_filters_offer_only_countries_with_public_records_with_counts(
    client, seed, make_event, make_source
):
    make_event(
        title="Secret", releasing="VE", sources=[make_source()], visibility=Visibility.RESTRICTED
    )
    html = client.get("/releases/").content.decode()
    releasing = html.split('name="country"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([A-Z]{2})"', releasing) == ["BY"]
    assert ">Belarus (1)</option>" in releasing
    assert "Antarctica" not in html and "Bouvet" not in html
    assert "Venezuela" not in releasing  # its only release is restricted
    nationality = html.split('name="nationality"')[1].split("</select>")[0]
    assert ">Lithuania (1)</option>" in nationality
    people = client.get("/prisoners/").content.decode()
    assert ">Belarus (4)</option>" in people.split('name="nationality"')[1]
    # A code the list does not offer still works in the URL, and stays selected.
    response = client.get("/releases/", {"country": "VE"})
    assert response.status_code == 200
    assert '<option value="VE" selected>' in response.content.decode()


def test_freed_in_is_chosen_by_the_release_title(client, seed, make_event, make_source):
    make_event(title="Quiet release", sources=[make_source()])  # names no one: not offered
    html = client.get("/prisoners/").content.decode()
    select = html.split('name="event"')[1].split("</select>")[0]
    assert (
        '<option value="belarus-release-2025-12-13">Belarus frees 123 political prisoners '
        "after talks with the United States (13 December 2025)</option>"
    ) in select
    assert "Quiet release" not in select
    response = client.get("/prisoners/", {"event": "belarus-release-2025-12-13"})
    assert len(response.context["object_list"]) == 4
    response = client.get("/prisoners/", {"event": "no-such-release"})
    assert response.status_code == 400
    assert "Choose one from the list" in response.content.decode()


def test_people_without_a_recorded_surname_sort_by_the_whole_name(client, seed, make_prisoner):
    make_prisoner(name="Anna Zed")  # no surname recorded: listed under A
    make_prisoner(name="Ihar Losik", surname="Losik")
    names = [p.name for p in client.get("/prisoners/").context["object_list"]]
    assert names == [
        "Anna Zed",
        "Viktor Babariko",
        "Ales Bialiatski",
        "Maria Kolesnikova",
        "Vladimir Labkovich",
        "Ihar Losik",
    ]
    assert Prisoner.objects.get(name="Ihar Losik").sort_name == "losik ihar"


@pytest.mark.parametrize(
    ("term", "first"),
    [
        ("US", "United States"),
        ("LT", "Lithuania"),
        ("Britain", "United Kingdom"),
        ("UK", "United Kingdom"),
        ("usa", "United States"),
        ("lith", "Lithuania"),
        ("Russia", "Russian Federation"),
    ],
)
def test_the_admin_country_search_ranks_the_obvious_country_first(admin_client, term, first):
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": term,
            "app_label": "releases",
            "model_name": "releaseevent",
            "field_name": "releasing_country",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == first


def test_every_public_page_has_share_previews(client, seed):
    for url in ("/", "/releases/belarus-release-2025-12-13/", "/about/", "/data/"):
        html = client.get(url).content.decode()
        for prop in ("og:title", "og:description", "og:url", "og:image"):
            assert f'property="{prop}"' in html, (url, prop)
        assert 'name="twitter:card" content="summary_large_image"' in html
        image = re.search(r'property="og:image" content="([^"]+)"', html)[1]
        assert image.startswith("http://testserver/")
    html = client.get("/releases/belarus-release-2025-12-13/").content.decode()
    assert 'property="og:title" content="Belarus frees 123 political prisoners' in html
    assert client.get("/static/share-card.png").status_code == 200


def test_public_and_admin_pages_name_a_favicon_that_exists(client, admin_client):
    for page in (client.get("/"), admin_client.get("/admin/")):
        icon = re.search(r'<link rel="icon" href="([^"]+)"', page.content.decode())[1]
        assert client.get(icon).status_code == 200


def test_slug_help_texts_read_whole_in_the_admin(admin_client, seed):
    event = ReleaseEvent.objects.get()
    html = admin_client.get(f"/admin/releases/releaseevent/{event.pk}/change/").content.decode()
    assert "/releases//." not in html
    assert "/releases/belarus-release-2025-12-13/" in html
    person = Prisoner.objects.get(slug="maria-kolesnikova")
    html = admin_client.get(f"/admin/prisoners/prisoner/{person.pk}/change/").content.decode()
    assert "The web address: /prisoners/slug/" in html

"""The page cache keys a page by the query parameters it knows (tracker.views.CachedPageMixin):
a parameter no page reads (`?utm_source=...`) neither changes the page nor costs a rendering."""

import django_filters
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_filters.views import FilterView

from releases.models import ReleaseEvent
from releases.views import HomeView
from tracker.views import CachedPageMixin, filterset_parameters


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True


def rendered(response):
    """Whether the page was rendered for this request, rather than served from the cache."""
    return bool(response.templates)


@pytest.mark.django_db
def test_unknown_parameters_are_served_from_one_rendering(client, page_cache, make_event):
    make_event(title="Freed by Belarus", releasing="BY")
    first = client.get("/releases/", {"utm_source": "newsletter"})
    assert first.status_code == 200 and rendered(first)
    for query in (
        {},
        {"utm_source": "other"},
        {"utm_source": "x", "utm_medium": "y", "fbclid": "z"},
        {"nonsense": "🙂" * 50},
    ):
        again = client.get("/releases/", query)
        assert again.status_code == 200
        assert not rendered(again), f"{query} rendered the page again"
        assert again.content == first.content
    detail = make_event(title="Another release").get_absolute_url()
    assert rendered(client.get(detail, {"ref": "a"}))
    assert not rendered(client.get(detail, {"ref": "b"}))
    assert rendered(client.get("/", {"utm_campaign": "a"}))
    assert not rendered(client.get("/", {"utm_campaign": "b"}))


@pytest.mark.django_db
def test_the_page_ignores_unknown_parameters(client, make_event):
    """Its links (download links, next page) carry the filters, never the unknown parameters,
    so that the page kept for one visitor shows nothing of another's query."""
    make_event(title="Freed by Belarus", releasing="BY")
    page = client.get("/releases/", {"country": "BY", "utm_source": "newsletter-42"})
    assert page.status_code == 200
    assert "Freed by Belarus" in page.text
    assert "country=BY" in page.text, "the downloads carry the filter"
    assert "newsletter-42" not in page.text and "utm_source" not in page.text
    assert page.context["query_without_page"] == "country=BY"


@pytest.mark.django_db
def test_order_repeats_and_empty_values_share_one_page(client, page_cache, make_event):
    make_event(title="Freed by Belarus", releasing="BY")
    make_event(title="Freed by Russia", releasing="RU")
    first = client.get("/releases/?country=BY&sort=title")
    assert rendered(first) and "Freed by Belarus" in first.text
    assert "Freed by Russia" not in first.text
    for query in (
        "sort=title&country=BY",
        "country=BY&sort=title&sort=title",
        # A filter reads the last value it is given, as the form always has.
        "country=RU&sort=title&country=BY",
        "country=BY&sort=title&q=&date_after=",
        "utm_source=x&sort=title&country=BY",
    ):
        again = client.get(f"/releases/?{query}")
        assert not rendered(again), f"?{query} rendered the page again"
        assert again.content == first.content
    # The last value is the one read, empty or not.
    cleared = client.get("/releases/?country=BY&country=&sort=title")
    assert "Freed by Russia" in cleared.text and "Freed by Belarus" in cleared.text


@pytest.mark.django_db
def test_different_known_parameters_get_different_pages(
    client, page_cache, make_event, make_prisoner
):
    make_event(title="Aardvark release", releasing="BY", summary="Potash")
    make_event(title="Zebra release", releasing="RU")
    make_prisoner(name="Freed Person", status="released")
    make_prisoner(name="Held Person", status="detained")

    def titles(query):
        response = client.get("/releases/", query)
        assert response.status_code == 200 and rendered(response), f"{query} was not rendered"
        return [title for title in ("Aardvark release", "Zebra release") if title in response.text]

    assert titles({}) == ["Aardvark release", "Zebra release"]
    assert titles({"country": "RU"}) == ["Zebra release"]
    assert titles({"q": "potash"}) == ["Aardvark release"]
    by_title = client.get("/releases/", {"sort": "title"})
    by_title_reversed = client.get("/releases/", {"sort": "-title"})
    assert rendered(by_title) and rendered(by_title_reversed), "two orders, two renderings"
    assert by_title.text.index("Aardvark release") < by_title.text.index("Zebra release")
    reversed_text = by_title_reversed.text
    assert reversed_text.index("Zebra release") < reversed_text.index("Aardvark release")

    def people(query):
        response = client.get("/prisoners/", query)
        assert response.status_code == 200 and rendered(response), f"{query} was not rendered"
        return [name for name in ("Freed Person", "Held Person") if name in response.text]

    assert people({"status": "released"}) == ["Freed Person"]
    assert people({"status": "detained"}) == ["Held Person"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("country=XX", 400, "Unknown country code"),
        ("date_after=2025-13-45", 400, "Enter a date as YYYY-MM-DD"),
        ("date_after=2025-12-31&date_before=2025-01-01", 400, "is after the end date"),
        ("sort=bogus", 400, "Select a valid choice"),
        ("q=" + "x" * 201, 400, "Search for at most 200 characters"),
        ("page=abc", 400, "A page number must be a whole number"),
        ("page=99", 404, "There is no page 99"),
        ("format=xml", 400, "Unknown download format"),
        ("format=", 400, "Unknown download format"),
    ],
)
def test_a_malformed_value_is_refused_with_or_without_unknown_parameters(
    client, page_cache, make_event, query, status, message
):
    make_event()
    for url in (f"/releases/?{query}", f"/releases/?utm_source=x&{query}&fbclid=y"):
        response = client.get(url)
        assert response.status_code == status, url
        assert message in response.text, url


@pytest.mark.django_db
def test_each_language_has_its_own_page(page_cache, make_event):
    """The same URL in two languages is rendered once in each (the language is read from the
    URL prefix or the browser; here it is set directly)."""
    make_event()
    view = HomeView.as_view()

    def queries(language):
        with translation.override(language), CaptureQueriesContext(connection) as captured:
            response = view(RequestFactory().get("/", {"utm_source": language}))
            assert response.status_code == 200
        return len(captured)

    assert queries("en") > 0
    assert queries("en") == 0, "served from the cache"
    assert queries("ru") > 0, "another language is rendered afresh"
    assert queries("ru") == 0


class _SeveralValuesFilter(django_filters.FilterSet):
    """Filters whose widgets read several values, or several inputs (none of the site's yet)."""

    status = django_filters.MultipleChoiceFilter(choices=[("a", "A"), ("b", "B")])
    date = django_filters.DateFromToRangeFilter()
    q = django_filters.CharFilter()

    class Meta:
        model = ReleaseEvent
        fields = []


class _SeveralValuesView(CachedPageMixin, FilterView):
    filterset_class = _SeveralValuesFilter
    paginate_by = 10


def test_the_known_parameters_are_those_the_widgets_read():
    assert filterset_parameters(_SeveralValuesFilter) == {
        "status": True,
        "date_after": False,
        "date_before": False,
        "q": False,
    }
    view = _SeveralValuesView()
    view.setup(
        RequestFactory().get(
            "/?utm_source=x&status=b&q=one&status=a&status=b&date_before=2025-01-01&q=two&page=2"
        )
    )
    assert view.known_query().urlencode() == (
        "date_before=2025-01-01&page=2&q=two&status=a&status=b"
    )


def test_the_file_cache_stays_near_its_size(tmp_path):
    """Production's cache in files (tracker.cache.FileCache) lists its folder every hundredth
    write, not at every one, and still removes files once it holds more than MAX_ENTRIES."""
    from tracker.cache import CULL_EVERY, FileCache

    most = 4 * CULL_EVERY
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": most}})
    for number in range(10 * CULL_EVERY):
        cache.set(f"page {number}", "<html>", 60)
    files = list(tmp_path.glob("*.djcache"))
    assert most / 2 <= len(files) <= most + CULL_EVERY
    assert cache.get(f"page {10 * CULL_EVERY - 1}") == "<html>", "the latest write is kept"

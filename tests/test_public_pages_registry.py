"""tests/public_pages.py lists every public URL pattern of the URLconf, with a working example."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation

from tests.public_pages import FEED, FILE, HTML, LANGUAGES, NOT_PUBLIC, PAGES


def url_names(patterns, namespace=None):
    """The full name ("namespace:name") of every pattern, through includes and i18n_patterns,
    or the pattern itself when it has no name."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace if namespace is None else f"{namespace}:{entry.namespace}"
            yield from url_names(entry.url_patterns, inner if entry.namespace else namespace)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"unnamed pattern {entry.pattern}"
            yield name if namespace is None else f"{namespace}:{name}"


def is_excluded(name):
    return name in NOT_PUBLIC or name.split(":")[0] in NOT_PUBLIC


def test_every_public_url_pattern_has_an_entry():
    public = {name for name in url_names(get_resolver().url_patterns) if not is_excluded(name)}
    listed = {page.name for page in PAGES}
    assert public - listed == set(), "public URL patterns missing from tests/public_pages.py"
    assert listed - public == set(), "entries of tests/public_pages.py the URLconf does not have"


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_each_example_is_a_path_of_its_pattern_in_every_language(page):
    for code, prefix in LANGUAGES.items():
        with translation.override(code):  # the prefix a request in that language would have
            assert resolve(prefix + page.path()).view_name == page.name, prefix


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_each_example_is_a_page_of_the_seed(client, seed, page):
    response = client.get(page.path())
    assert response.status_code == 200
    content_type = {HTML: "text/html", FEED: "application/atom+xml", FILE: "application/"}
    assert response["Content-Type"].startswith(content_type[page.kind])

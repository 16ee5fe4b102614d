"""Every public page of the site, once: the URL name, an example from the seed, what it is.

Every check that walks pages reads this list (security headers, fuzzing, query counts,
downloads, languages, the browser's layout and markup, the production server, leaks of
restricted records). tests/test_public_pages_registry.py walks the URLconf and fails when a
public URL pattern has no entry here, so a new page joins every check by itself.

Examples are templates: `{event}`, `{person}`, ... are filled from SEED (fixtures/december_2025)
or, by a test that builds its own data, from its own records.
"""

from dataclasses import dataclass

from django.conf import settings

# Named records of the seed, one of each kind a URL names.
SEED = {
    "event": "belarus-release-2025-12-13",
    "person": "maria-kolesnikova",
    "measure": "belarusian-potash-sector-belaruskali",
    "entity": "belarusian-potash-sector",
    "country": "BY",
    "year": "2025",
    "month": "12",
}

HTML, FEED, FILE = "html", "feed", "file"
DOWNLOAD_FORMATS = ("json", "csv", "ftm")


@dataclass(frozen=True)
class Page:
    name: str  # the URL's name, as reverse() knows it
    example: str  # a path of that URL, with {placeholders} for records
    kind: str = HTML  # HTML (a page), FEED (Atom) or FILE (a download of its own)
    downloads: bool = False  # the page's records at ?format=json, csv and ftm

    def path(self, records=SEED):
        return self.example.format(**records)


PAGES = [
    Page("home", "/"),
    Page("releases:list", "/releases/", downloads=True),
    Page("releases:year", "/releases/{year}/", downloads=True),
    Page("releases:month", "/releases/{year}/{month}/", downloads=True),
    Page("releases:detail", "/releases/{event}/", downloads=True),
    Page("releases:feed", "/releases/feed/", kind=FEED),
    Page("prisoners:list", "/prisoners/", downloads=True),
    Page("prisoners:detail", "/prisoners/{person}/", downloads=True),
    Page("concessions:list", "/concessions/", downloads=True),
    Page("concessions:detail", "/concessions/{measure}/", downloads=True),
    Page("entities:list", "/entities/", downloads=True),
    Page("entities:detail", "/entities/{entity}/", downloads=True),
    Page("countries:list", "/countries/", downloads=True),
    Page("countries:detail", "/countries/{country}/", downloads=True),
    Page("countries:feed", "/countries/{country}/feed/", kind=FEED),
    Page("about", "/about/"),
    Page("data", "/data/"),
    Page("data-json", "/data/release-tracker-dataset.json", kind=FILE),
    Page("data-zip", "/data/release-tracker-dataset.zip", kind=FILE),
]

# URL patterns that are not public pages, each with the reason.
NOT_PUBLIC = {
    "admin": "the admin (namespace): staff only, behind the login",
    "admin-import": "the admin's fixture import: staff only",
}

# Responses beside the pages themselves that every visitor may get, with their status: a
# filtered list, a filter's error message, the 404 page.
VARIANTS = [
    ("/releases/?country={country}&nationality=LT", 200),
    ("/prisoners/?nationality={country}&event={event}", 200),
    ("/countries/US/", 200),  # a country as the counterpart of a release
    ("/releases/?date_after=yesterday", 400),
    ("/no-such-page/", 404),
    ("/releases/never-existed/", 404),
]

# English at the site's own addresses, the other languages under their prefix.
LANGUAGES = {
    code: "" if code == settings.LANGUAGE_CODE else f"/{code}" for code, _name in settings.LANGUAGES
}
LANGUAGE_PREFIXES = list(LANGUAGES.values())

HTML_PAGES = [page for page in PAGES if page.kind == HTML]
DOWNLOAD_PAGES = [page for page in PAGES if page.downloads]


def paths(pages=PAGES, records=SEED):
    return [page.path(records) for page in pages]


def downloads(pages=DOWNLOAD_PAGES, records=SEED, formats=DOWNLOAD_FORMATS):
    """Each page's downloads: its path with ?format=..."""
    return [f"{page.path(records)}?format={fmt}" for page in pages for fmt in formats]


def every_response(records=SEED):
    """What a visitor can fetch, with its status: pages, feeds, files and variants in every
    language, and the downloads (the same file in every language: tests/test_i18n.py)."""
    found = [(path, 200) for path in paths(records=records)]
    found += [(example.format(**records), status) for example, status in VARIANTS]
    every_language = [
        (prefix + path, status) for prefix in LANGUAGE_PREFIXES for path, status in found
    ]
    return every_language + [(path, 200) for path in downloads(records=records)]

"""Time every public page and the name search in-process with Django's test client.

Run by bench/run.py in a child process whose environment names the database:
    python -m bench.pages --repeat 20 --out pages.json
Each URL is requested twice to warm up, then `repeat` times as visitors get it (the page kept in
the cache), `repeat` times uncached (as the first request after a change to any record, every
figure computed afresh), and once more uncached for its query count. URLs use typical filters
and records picked from the data (the largest release, a late page, a person freed in it).
"""

import argparse
import json
import math
import os
import statistics
import time
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from prisoners.models import Prisoner  # noqa: E402
from releases.models import ReleaseEvent, SanctionsConcession  # noqa: E402
from tracker.figures import invalidate  # noqa: E402

WARM_UP = 2
PAGE_SIZE = 50


def last_page(count):
    return max(1, math.ceil(count / PAGE_SIZE))


def middle(pages):
    """The page that costs most: halfway, where neither end of the list is near."""
    return max(1, pages // 2)


def page_urls():
    """(label, URL) of every public page, with typical filters and records from the data."""
    events = ReleaseEvent.objects.public()
    largest = events.annotate(freed=Count("releases")).order_by("-freed", "pk").first()
    typical = events.order_by("pk")[events.count() // 2]
    busiest = (
        events.values("date__year", "date__month")
        .annotate(n=Count("pk"))
        .order_by("-n", "date__year", "date__month")
        .first()
    )
    year, month = busiest["date__year"], busiest["date__month"]
    person = Prisoner.objects.public().filter(releases__event=largest).order_by("pk").first()
    people_pages = last_page(Prisoner.objects.public().count())
    event_pages = last_page(events.count())
    concession_pages = last_page(SanctionsConcession.objects.public().count())
    return [
        ("home", "/"),
        ("releases", "/releases/"),
        ("releases, last page", f"/releases/?page={event_pages}"),
        ("releases by country", "/releases/?country=BY"),
        ("releases by nationality", "/releases/?nationality=LT"),
        ("releases by sanctioning state", "/releases/?imposed_by=US"),
        ("releases in a date range", "/releases/?date_after=2020-01-01&date_before=2021-12-31"),
        ("releases, text search", "/releases/?q=talks"),
        ("releases by title, middle page", f"/releases/?sort=title&page={middle(event_pages)}"),
        ("year archive", f"/releases/{year}/"),
        ("month archive", f"/releases/{year}/{month}/"),
        ("largest release", largest.get_absolute_url()),
        ("a typical release", typical.get_absolute_url()),
        ("people", "/prisoners/"),
        ("people, middle page", f"/prisoners/?page={middle(people_pages)}"),
        ("people, last page", f"/prisoners/?page={people_pages}"),
        ("people by nationality", "/prisoners/?nationality=LT"),
        ("people by nationality and status", "/prisoners/?nationality=BY&status=detained"),
        ("people freed in a release", f"/prisoners/?event={largest.slug}"),
        ("people by detention date", "/prisoners/?sort=-detained"),
        (
            "people by detention date, late page",
            f"/prisoners/?sort=-detained&page={people_pages * 3 // 4 or 1}",
        ),
        ("a person", person.get_absolute_url()),
        ("concessions", "/concessions/"),
        ("concessions filtered", "/concessions/?imposed_by=US&kind=licence"),
        ("concessions, last page", f"/concessions/?page={concession_pages}"),
        ("concessions by target", "/concessions/?sort=target"),
        ("countries", "/countries/"),
        ("country: Belarus", "/countries/BY/"),
        ("country: Lithuania", "/countries/LT/"),
        ("feed", "/releases/feed/"),
    ]


def search_urls():
    """Name searches: one person's name in several spellings, a typo, a surname, a first name."""
    person = (
        Prisoner.objects.public()
        .filter(nationalities__code="BY")
        .exclude(other_names="")
        .order_by("pk")
        .first()
    )
    russian_latin = person.other_names_list[0]
    surname = person.name.split()[-1]
    typo = person.name[:-2] + person.name[-1] + person.name[-2]
    return [
        ("search: Latin name", person.name),
        ("search: original script", person.name_native),
        ("search: Russian spelling", russian_latin),
        ("search: with a typo", typo),
        ("search: surname only", surname),
        ("search: first name only", person.name.split()[0]),
    ]


def get(client, url, *, uncached):
    """One request: its response, body and milliseconds. `uncached`: as the first request after
    a change to any record, with no page or figure cached (tracker.figures)."""
    if uncached:
        invalidate()
    started = time.perf_counter()
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content, (time.perf_counter() - started) * 1000


def measure(client, label, url, repeat):
    """Served: as most visitors get the page, kept in the cache; uncached: rendered afresh, with
    its query count."""
    for _ in range(WARM_UP):
        client.get(url)
    served = sorted(get(client, url, uncached=False)[2] for _ in range(repeat))
    uncached = sorted(get(client, url, uncached=True)[2] for _ in range(repeat))
    with CaptureQueriesContext(connection) as queries:
        response, content, _ms = get(client, url, uncached=True)
    return {
        "label": label,
        "url": url,
        "status": response.status_code,
        "bytes": len(content),
        "median_ms": round(statistics.median(served), 1),
        "p95_ms": round(served[math.ceil(0.95 * len(served)) - 1], 1),
        "uncached_median_ms": round(statistics.median(uncached), 1),
        "uncached_p95_ms": round(uncached[math.ceil(0.95 * len(uncached)) - 1], 1),
        "queries": len(queries),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    client = Client()
    pages = [measure(client, label, url, args.repeat) for label, url in page_urls()]
    searches = [
        measure(client, label, "/prisoners/?" + urlencode({"q": query}), args.repeat)
        for label, query in search_urls()
    ]
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"pages": pages, "search": searches}, out, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()

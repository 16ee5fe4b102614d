"""Time every kind of public page, on its first request and as served, in-process with Django's
test client.

Run by bench/run.py in a child process whose environment names the database:
    python -m bench.pages --repeat 20 --out pages.json

For each kind of page (the people list at a new page number, a name search for a new word, a
country's page, ...) the benchmark makes `repeat` different URLs from the data, each with its
own filter, page, search word or record, and requests each once, right after a change to the
records (tracker.figures.invalidate(): no page and no figure cached): its first request. Then
the first of those URLs is requested `repeat` times more as visitors get it, kept in the cache
(served), and once more uncached for its query count. URLs are drawn with a fixed seed, so a
run on PostgreSQL and one on SQLite ask for the same pages.
"""

import argparse
import json
import math
import os
import random
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
from releases.models import ReleaseEvent, SanctionedEntity, SanctionsConcession  # noqa: E402
from tracker.figures import invalidate  # noqa: E402
from tracker.models import Country  # noqa: E402

PAGE_SIZE = 50
SEARCH = "search"  # the kind of page whose targets are those of the name search


def pages(count):
    return max(1, math.ceil(count / PAGE_SIZE))


class Sampler:
    """Records and values drawn from the data with a fixed seed."""

    def __init__(self, n, seed):
        self.n = n
        self.random = random.Random(seed)

    def pick(self, values):
        values = list(values)
        return [values[self.random.randrange(len(values))] for _ in range(self.n)]

    def pages(self, count):
        """Page numbers after the first (whose count the list's first page may have cached)."""
        return [self.random.randint(min(2, pages(count)), pages(count)) for _ in range(self.n)]

    def date_ranges(self, first=1995, last=2025):
        ranges = []
        for _ in range(self.n):
            year = self.random.randint(first, last - 1)
            start = f"{year}-{self.random.randint(1, 12):02d}-{self.random.randint(1, 28):02d}"
            end = f"{year + self.random.randint(0, 3)}-{self.random.randint(1, 12):02d}-28"
            ranges.append((start, max(start, end)))
        return ranges


def spellings(person, rnd):
    """A name as visitors type it: in full, in the original script, another spelling, a typo,
    the surname alone."""
    name = person.name
    choices = [name, name.split()[-1], name[:-2] + name[-1] + name[-2]]
    if person.name_native:
        choices.append(person.name_native)
    choices.extend(person.other_names_list[:1])
    return rnd.choice(choices)


def page_kinds(n, seed):
    """(label, [URL, ...]) for each kind of public page: n URLs each, all different where the
    kind allows (the home page and the countries listing have one URL: each request of it
    follows a change)."""
    sample = Sampler(n, seed)
    events = ReleaseEvent.objects.public()
    event_count = events.count()
    people = Prisoner.objects.public()
    people_count = people.count()
    concessions = SanctionsConcession.objects.public()
    slugs = list(events.values_list("slug", flat=True))
    largest = list(
        events.annotate(freed=Count("releases"))
        .order_by("-freed", "pk")
        .values_list("slug", flat=True)[: max(n, 20)]
    )
    months = list(
        events.filter(date__isnull=False)
        .values_list("date__year", "date__month")
        .distinct()
        .order_by("date__year", "date__month")
    )
    codes = list(Country.objects.values_list("code", flat=True))
    involved = sorted(
        set(events.values_list("releasing_country__code", flat=True))
        | set(people.values_list("nationalities__code", flat=True).distinct()) - {None}
    )
    person_ids = list(people.values_list("pk", flat=True))
    chosen = Prisoner.objects.in_bulk(sample.pick(person_ids))
    persons = [chosen[pk] for pk in sample.pick(chosen)]
    searched = Prisoner.objects.in_bulk(sample.pick(person_ids))
    searches = [spellings(searched[pk], sample.random) for pk in sample.pick(searched)]
    statuses = ["detained", "released", "unknown"]
    entities = list(SanctionedEntity.objects.public().values_list("slug", flat=True))
    return [
        ("home", ["/"] * n),
        ("releases, a new page", [f"/releases/?page={p}" for p in sample.pages(event_count)]),
        (
            "releases, a new date filter",
            [
                "/releases/?" + urlencode({"date_after": a, "date_before": b})
                for a, b in sample.date_ranges()
            ],
        ),
        (
            "releases by country, nationality or sanctioning state",
            [
                f"/releases/?{key}={code}"
                for key, code in zip(
                    sample.pick(["country", "nationality", "imposed_by"]),
                    sample.pick(involved),
                    strict=True,
                )
            ],
        ),
        (
            "releases, a text search",
            [
                "/releases/?" + urlencode({"q": word})
                for word in sample.pick(["talks", "pardon", "exchange", "envoy", "deal", "visit"])
            ],
        ),
        (
            "releases by title, a new page",
            [f"/releases/?sort=title&page={p}" for p in sample.pages(event_count)],
        ),
        ("year or month archive", [f"/releases/{y}/{m}/" for y, m in sample.pick(months)]),
        ("a release", [f"/releases/{slug}/" for slug in sample.pick(slugs)]),
        ("the largest releases", [f"/releases/{slug}/" for slug in sample.pick(largest)]),
        ("people, a new page", [f"/prisoners/?page={p}" for p in sample.pages(people_count)]),
        (
            "people by detention date, a new page",
            [f"/prisoners/?sort=-detained&page={p}" for p in sample.pages(people_count)],
        ),
        (
            "people by nationality and status",
            [
                "/prisoners/?" + urlencode({"nationality": code, "status": status})
                for code, status in zip(sample.pick(involved), sample.pick(statuses), strict=True)
            ],
        ),
        (
            "people freed in a release",
            [f"/prisoners/?event={slug}" for slug in sample.pick(largest)],
        ),
        (
            SEARCH + ": a new name, spelling or typo",
            ["/prisoners/?" + urlencode({"q": query}) for query in searches],
        ),
        ("a person", [person.get_absolute_url() for person in persons]),
        (
            "concessions, a new filter or page",
            [
                "/concessions/?"
                + urlencode({"imposed_by": code, "page": 1} if i % 2 else {"page": page})
                for i, (code, page) in enumerate(
                    zip(
                        sample.pick(["US", "GB", "LT", "PL", "DE", "FR"]),
                        sample.pages(concessions.count()),
                        strict=True,
                    )
                )
            ],
        ),
        (
            "a concession",
            [
                f"/concessions/{slug}/"
                for slug in sample.pick(concessions.values_list("slug", flat=True))
            ],
        ),
        ("entities", ["/entities/?" + urlencode({"country": c}) for c in sample.pick(codes)]),
        ("countries", ["/countries/"] * n),
        ("a country", [f"/countries/{code}/" for code in sample.pick(involved)]),
        ("feed", ["/releases/feed/"] * n),
    ] + (
        [("an entity", [f"/entities/{slug}/" for slug in sample.pick(entities)])]
        if entities
        else []  # the synthetic data has none
    )


def get(client, url, *, first):
    """One request: its response and milliseconds. `first`: right after a change to the
    records, with no page or figure cached (tracker.figures)."""
    if first:
        invalidate()
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response, (time.perf_counter() - started) * 1000


def percentile(values, share):
    values = sorted(values)
    return round(values[math.ceil(share * len(values)) - 1], 1)


def measure(client, label, urls, repeat):
    """First requests of `urls`, each once; then the first URL as served, from the cache."""
    client.get(urls[0])  # warm up: the process's first request of this view
    first, statuses = [], set()
    for url in urls:
        response, ms = get(client, url, first=True)
        first.append(ms)
        statuses.add(response.status_code)
    served = [get(client, urls[0], first=False)[1] for _ in range(repeat)]
    with CaptureQueriesContext(connection) as queries:
        get(client, urls[0], first=True)
    return {
        "label": label,
        "url": urls[0],
        "urls": len(set(urls)),
        "statuses": sorted(statuses),
        "first_median_ms": round(statistics.median(first), 1),
        "first_p95_ms": percentile(first, 0.95),
        "median_ms": round(statistics.median(served), 1),
        "p95_ms": percentile(served, 0.95),
        "queries": len(queries),
        "search": label.startswith(SEARCH),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    client = Client()
    results = [
        measure(client, label, urls, args.repeat)
        for label, urls in page_kinds(args.repeat, args.seed)
    ]
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"pages": results}, out, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()

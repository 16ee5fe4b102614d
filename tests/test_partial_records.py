"""Issue 12, the tracker and prisoners half: the record as the sources give it.

Sources with partial or unknown dates and a key that survives a corrected date; detention dates
known to the month; counts that are lower bounds ("more than 1,100") or approximate.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template import Context, Template

from prisoners.models import CountQualifier, Prisoner, PrisonerCount
from tracker.dates import DatePrecision
from tracker.imports import import_fixture
from tracker.models import Source, Visibility

pytestmark = pytest.mark.django_db

JUNE_2020 = datetime.date(2020, 6, 1)


# --- Sources: a slug for a key, a partial date -------------------------------------------------


def test_a_source_gets_a_slug_from_its_title_and_shows_its_date_as_given():
    source = Source(
        title="Viasna monthly report",
        publisher="Viasna",
        published_on=datetime.date(2025, 12, 17),
        published_on_precision=DatePrecision.MONTH,
    )
    source.full_clean()
    source.save()
    assert source.slug == "viasna-monthly-report"
    assert source.published_on == datetime.date(2025, 12, 1)  # the start of its month
    assert str(source) == "Viasna monthly report (Viasna, December 2025)"
    assert source.natural_key() == ("viasna-monthly-report",)

    second = Source(title="Viasna monthly report", published_on=None)
    second.full_clean()  # a blank date is an unknown one
    second.save()
    assert (second.slug, second.published_on_precision) == ("viasna-monthly-report-2", "unknown")
    assert str(second) == "Viasna monthly report (date unknown)"


def test_a_corrected_date_keeps_the_key_and_the_old_key_still_finds_the_source(make_source):
    source = make_source(title="Annual report", published_on=datetime.date(2025, 3, 14))
    key = source.natural_key()
    source.published_on_precision = DatePrecision.MONTH
    source.full_clean()
    source.save()
    assert source.natural_key() == key
    assert Source.objects.get_by_natural_key(*key) == source
    # The key of fixtures written before: the date now lies within the source's month.
    assert Source.objects.get_by_natural_key("Annual report", "2025-03-14") == source
    with pytest.raises(Source.DoesNotExist):
        Source.objects.get_by_natural_key("Annual report", "2024-03-14")


def test_a_date_given_as_unknown_is_refused():
    source = Source(
        title="T", published_on=datetime.date(2025, 1, 1), published_on_precision="unknown"
    )
    with pytest.raises(ValidationError, match="not unknown"):
        source.full_clean()


# A fixture as downloaded before sources had slugs: sources referred to by (title, date).
OLD_FIXTURE = [
    {
        "model": "tracker.source",
        "fields": {
            "title": "Old article",
            "published_on": "2025-12-15",
            "author": "",
            "publisher": "Old Times",
            "url": "",
            "quote": "",
        },
    },
    {
        "model": "prisoners.prisoner",
        "fields": {
            "name": "Old Person",
            "slug": "old-person",
            "nationalities": [["BY"]],
            "detained_on": "2020-06-12",
            "status": "released",
            "visibility": "public",
            "created_at": "2025-12-20T00:00:00Z",
            "updated_at": "2025-12-20T00:00:00Z",
            "sources": [["Old article", "2025-12-15"]],
        },
    },
]


def test_a_fixture_written_before_slugs_still_loads_with_loaddata(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps(OLD_FIXTURE))
    call_command("loaddata", str(path), verbosity=0)
    source = Source.objects.get()
    assert source.slug == "old-article"
    person = Prisoner.objects.get()
    assert list(person.sources.all()) == [source]
    assert person.detained_on_precision == "day"

    # Loaded again over the stored records: the same source, its slug kept.
    Source.objects.filter(pk=source.pk).update(slug="renamed")
    call_command("loaddata", str(path), verbosity=0)
    assert list(Source.objects.values_list("pk", "slug")) == [(source.pk, "renamed")]


def test_a_fixture_written_before_slugs_still_imports():
    report = import_fixture(OLD_FIXTURE)
    assert report.count("created") == 2
    source = Source.objects.get()
    assert source.slug == "old-article"
    assert list(Prisoner.objects.get().sources.all()) == [source]
    # Imported again: nothing new, the source found by its old key.
    report = import_fixture(OLD_FIXTURE)
    assert report.count("created") == 0
    assert Source.objects.count() == 1


def test_the_seed_refers_to_sources_by_slug(seed):
    records = json.loads(Path("fixtures/december_2025.json").read_text(encoding="utf-8"))
    references = [
        key
        for record in records
        for name, value in record["fields"].items()
        if name in ("sources", "supporting_sources", "contradicting_sources")
        for key in value
    ]
    assert references and all(len(key) == 1 for key in references)
    slugs = set(Source.objects.values_list("slug", flat=True))
    assert {key[0] for key in references} <= slugs
    assert set(Source.objects.values_list("published_on_precision", flat=True)) == {"day"}


# --- Detention dates ----------------------------------------------------------------------------


def test_a_detention_month_is_shown_as_a_month(client, make_prisoner, make_source):
    person = make_prisoner(
        name="Arrested In June",
        detained_on=JUNE_2020,
        detained_on_precision=DatePrecision.MONTH,
        sources=[make_source()],
    )
    page = client.get(person.get_absolute_url()).text
    assert '<time datetime="2020-06">June 2020</time>' in page
    listing = client.get("/prisoners/").text
    assert '<time datetime="2020-06">June 2020</time>' in listing
    assert "counts as the first day of that month" in listing


def test_an_unknown_detention_date_says_so(client, make_prisoner):
    person = make_prisoner()
    person.full_clean()
    assert person.detained_on_precision == "unknown"
    assert "not recorded" in client.get(person.get_absolute_url()).text


def test_the_detention_filter_takes_a_month_as_its_first_day(client, make_prisoner):
    make_prisoner(name="June", detained_on=JUNE_2020, detained_on_precision="month")
    make_prisoner(name="Late May", detained_on=datetime.date(2020, 5, 31))
    make_prisoner(name="Unknown")
    found = client.get("/prisoners/", {"detained_after": "2020-06-01"}).context["object_list"]
    assert [person.name for person in found] == ["June"]
    found = client.get("/prisoners/", {"detained_before": "2020-06-15"}).context["object_list"]
    assert [person.name for person in found] == ["June", "Late May"]
    response = client.get(
        "/prisoners/", {"detained_after": "2020-07-01", "detained_before": "2020-06-01"}
    )
    assert response.status_code == 400
    assert "is after the end date" in response.text
    found = client.get("/prisoners/", {"sort": "detained"}).context["object_list"]
    dated = [person.name for person in found if person.detained_on]
    assert dated == ["Late May", "June"]


# --- Counts -------------------------------------------------------------------------------------


def test_counts_read_as_their_sources_give_them(make_count):
    exact = make_count(as_of=datetime.date(2025, 12, 18), count=1227)
    at_least = make_count(
        as_of=datetime.date(2026, 1, 1), count=1100, qualifier=CountQualifier.AT_LEAST
    )
    about = make_count(as_of=datetime.date(2026, 2, 1), count=1200, qualifier="about")
    assert [exact.display, at_least.display, about.display] == [
        "1,227",
        "at least 1,100",
        "about 1,200",
    ]
    rendered = Template(
        "{% load prisoner_counts %}{{ count|count_display }} / "
        "{% count_with_qualifier 1100 'at_least' %}"
    ).render(Context({"count": about}))
    assert rendered == "about 1,200 / at least 1,100"


def test_one_count_per_country_date_and_counter(make_count):
    make_count(as_of=datetime.date(2025, 12, 1), counted_by="Viasna")
    make_count(as_of=datetime.date(2025, 12, 1), counted_by="Another register")
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError, in its own transaction
        from django.db import transaction

        with transaction.atomic():
            make_count(as_of=datetime.date(2025, 12, 1), counted_by="Viasna")
    count = PrisonerCount.objects.get(counted_by="Viasna")
    assert count.natural_key() == ("BY", "2025-12-01", "Viasna")
    assert PrisonerCount.objects.get_by_natural_key("BY", "2025-12-01", "Viasna") == count


def test_a_count_needs_at_least_a_year():
    count = PrisonerCount(country_id=1, as_of=datetime.date(2025, 12, 18), count=5)
    count.as_of_precision = "unknown"
    with pytest.raises(ValidationError):
        count.full_clean()
    count.as_of_precision = "year"
    count.full_clean(exclude=["country"])
    assert (count.as_of, count.as_of_display) == (datetime.date(2025, 1, 1), "2025")


def test_the_count_table_include_reads_at_least(make_count):
    country_counts = [
        make_count(as_of=datetime.date(2025, 12, 18), count=1227),
        make_count(
            as_of=datetime.date(2026, 1, 1),
            as_of_precision="month",
            count=1100,
            qualifier="at_least",
            counted_by="Viasna",
        ),
    ]
    html = Template('{% include "prisoners/includes/count_table.html" %}').render(
        Context({"country": country_counts[0].country, "counts": country_counts})
    )
    assert "at least 1,100" in html and "1,227" in html and "Viasna" in html
    assert '<time datetime="2026-01">January 2026</time>' in html


def test_the_country_chart_draws_a_lower_bound_as_one(client, seed, make_count):
    make_count(
        as_of=datetime.date(2026, 1, 15), count=1100, qualifier="at_least", counted_by="Viasna"
    )
    page = client.get("/countries/BY/").text
    assert "chart-point-bound" in page and "chart-line-bound" in page
    assert "≥ 1,100" in page
    assert "to at least 1,100 as of 15 January 2026" in page
    assert "lower bounds" in page


def test_a_restricted_record_never_shows_through_a_source(client, make_prisoner, make_source):
    source = make_source(title="Public report")
    make_prisoner(name="Hidden", visibility=Visibility.RESTRICTED, sources=[source])
    response = client.get("/prisoners/", {"format": "csv"})
    assert b"Hidden" not in b"".join(response.streaming_content)


def test_a_source_added_through_the_admin_gets_its_slug_and_partial_date(staff_client):
    response = staff_client.post(
        "/admin/tracker/source/add/",
        {
            "title": "Human rights situation in Belarus",
            "slug": "",
            "author": "",
            "publisher": "Viasna",
            "published_on": "2025-11-20",
            "published_on_precision": "month",
            "url": "",
            "quote": "",
        },
    )
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.slug == "human-rights-situation-in-belarus"
    assert (source.published_on, source.published_on_display) == (
        datetime.date(2025, 11, 1),
        "November 2025",
    )

"""The service that writes many records at once (tracker.services.write_in_bulk), as the
importer's pass 2 calls it: it writes a batch at a time, and a write that breaks a rule, in any
batch, leaves nothing of any batch behind."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prisoners.models import Prisoner
from releases.models import Release, ReleaseStatus
from tracker import services
from tracker.imports import import_fixture
from tracker.models import Source, Visibility
from tracker.services import BulkRow

pytestmark = pytest.mark.django_db


def new_row(instance, where, *, references=None, links=None):
    """A row for a record new to the database; its `reference` gets the primary key."""
    return BulkRow(where, instance, references or {}, links or {}, SimpleNamespace(pk=None))


def person(slug, **fields):
    fields.setdefault("visibility", Visibility.RESTRICTED)
    return Prisoner(name=slug.replace("-", " ").title(), slug=slug, **fields)


def written_records():
    """Every record and history entry the writes below could leave."""
    return {
        model._meta.label: model._default_manager.count()
        for model in [Source, Prisoner, Release, Source.history.model, Prisoner.history.model]
    }


def test_a_write_that_breaks_a_rule_in_its_last_batch_leaves_no_batch_behind(
    make_event, django_user_model
):
    """Two people freed in an event that reported one: the rule across stored records refuses
    it after the last batch, and the people written in the first batch are gone with it."""
    user = django_user_model.objects.create_user("importer")
    event = make_event(reported_count=1)
    before = written_records()
    people = [new_row(person(slug), f"Record {n}") for n, slug in enumerate(["ana-a", "ben-b"])]
    releases = [
        new_row(
            Release(event=event, status=ReleaseStatus.REPORTED, visibility=Visibility.RESTRICTED),
            f"Record {n + 3}",
            references={Release._meta.get_field("prisoner"): row.reference},
        )
        for n, row in enumerate(people)
    ]

    def batches():
        yield {Prisoner: people}
        assert Prisoner.objects.filter(slug__in=["ana-a", "ben-b"]).count() == 2  # written
        yield {Release: releases}

    with pytest.raises(ValidationError) as refused:
        services.write_in_bulk(batches(), user=user, reason="import")

    assert refused.value.messages == [
        f"{event}: 2 people are listed as freed, but only 1 was reported. Raise the reported "
        "count or remove people."
    ]
    assert written_records() == before


def test_a_write_that_publishes_a_record_without_a_source_writes_nothing(django_user_model):
    user = django_user_model.objects.create_user("importer")
    source = new_row(
        Source(title="Viasna", slug="viasna", published_on=datetime.date(2025, 12, 13)),
        "Record 1",
    )
    sources = Prisoner._meta.get_field("sources")
    people = [
        new_row(
            person("ana-a", visibility=Visibility.PUBLIC),
            "Record 2",
            links={sources: [source.reference]},
        ),
        new_row(person("ben-b", visibility=Visibility.PUBLIC), "Record 3", links={sources: []}),
    ]
    before = written_records()

    with pytest.raises(ValidationError) as refused:
        services.write_in_bulk(
            iter([{Prisoner: people, Source: [source]}]), user=user, reason="import"
        )

    assert refused.value.messages == [
        "Record 3: a public record must cite at least one source. Add its sources to the file, "
        "or keep new records restricted."
    ]
    assert written_records() == before


def test_a_record_the_database_refuses_is_named_and_nothing_is_written(make_prisoner):
    make_prisoner(slug="ana-a")
    before = written_records()
    batches = [{Prisoner: [new_row(person("ben-b"), "Record 1")]}]
    batches.append({Prisoner: [new_row(person("ana-a"), "Record 2")]})

    with pytest.raises(ValidationError) as refused:
        services.write_in_bulk(iter(batches), user=None, reason="import")

    assert refused.value.messages == [
        "Record 2: slug: Another person already uses this slug. Choose a different one."
    ]
    assert written_records() == before


def test_a_stored_record_gets_its_next_version_its_links_and_a_history_entry(
    make_prisoner, make_source, django_user_model
):
    user = django_user_model.objects.create_user("importer")
    first, second = make_source(), make_source()
    stored = make_prisoner(name="Ana A", slug="ana-a", sources=[first])
    changed = Prisoner.objects.get(pk=stored.pk)
    changed.charges = "Article 342"
    row = BulkRow(
        "Record 1",
        changed,
        {},
        {Prisoner._meta.get_field("sources"): [SimpleNamespace(pk=second.pk)]},
        SimpleNamespace(pk=stored.pk),
        stored={"charges": "", "visibility": stored.visibility},
    )

    services.write_in_bulk(iter([{Prisoner: [row]}]), user=user, reason="import")

    stored.refresh_from_db()
    assert (stored.charges, stored.version) == ("Article 342", 2)
    assert list(stored.sources.all()) == [second]  # the list as given: the caller merged or not
    entry = stored.history.latest()
    assert (entry.history_user, entry.history_change_reason, entry.version) == (user, "import", 2)
    assert [link.source_id for link in entry.sources.all()] == [second.pk]


def people_with_a_source(count):
    """A file of one source and `count` new public people citing it."""
    source = {
        "model": "tracker.source",
        "fields": {"title": "Viasna register", "slug": "viasna-register", "published_on": None},
    }
    people = [
        {
            "model": "prisoners.prisoner",
            "fields": {
                "name": f"Person {n}",
                "slug": f"person-{n}",
                "visibility": "public",
                "nationalities": [["BY"]],
                "sources": [["viasna-register"]],
            },
        }
        for n in range(count)
    ]
    return [source, *people]


def test_the_queries_of_an_import_do_not_grow_with_its_records(django_user_model):
    """The rows go to the database in bulk, the history and its links too: a statement per
    model and relation, not per record. (PostgreSQL takes each in one statement; SQLite splits
    a statement at its limit of parameters, about 20 people's rows.)"""
    user = django_user_model.objects.create_user("importer")
    queries = {}
    for count in (5, 505):
        with CaptureQueriesContext(connection) as captured:
            import_fixture(people_with_a_source(count), user=user, dry_run=True, restrict_new=False)
        queries[count] = len(captured)

    assert queries[505] - queries[5] < 500 / 10
    if connection.vendor == "postgresql":
        assert queries[505] == queries[5]
    assert not Prisoner.objects.exists()  # a dry run

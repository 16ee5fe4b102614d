"""The data migrations carry records made before a change over to today's models.

Both checks share one trip back and forth through the migrations of `releases`: back to 0005,
records in the old shape of events (before issue 12's event facts), forward to 0008, records in
the old shape of concessions (before issue 13's ledger), forward to the latest. Each migration
step renders every model state: a trip costs seconds on SQLite and more on PostgreSQL, so it is
made once for the module.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from releases.models import Release, ReleaseEvent, SanctionsConcession

pytestmark = pytest.mark.django_db


def _migrate_releases_to(name):
    """Migrates `releases` to `name` (the latest of every other app), and returns the models
    as they were then."""
    executor = MigrationExecutor(connection)
    targets = [
        *(node for node in executor.loader.graph.leaf_nodes() if node[0] != "releases"),
        ("releases", name),
    ]
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _record_old_event_facts(old):
    """Before 0006: the nationalities reported, destinations and intermediary of an event were
    fields of the event; a person freed had no status."""
    country = old.get_model("tracker", "Country").objects.get
    Source = old.get_model("tracker", "Source")
    source = Source(title="Old source", published_on=datetime.date(2025, 1, 2))
    if any(field.name == "slug" for field in Source._meta.fields):
        source.slug = "old-source"
    source.save()
    event = old.get_model("releases", "ReleaseEvent").objects.create(
        title="Old release",
        slug="old-release",
        date=datetime.date(2025, 1, 1),
        releasing_country=country(code="BY"),
        intermediary="John Coale, US special envoy",
        visibility="public",
    )
    event.sources.set([source])
    event.reported_nationalities.set([country(code="LT"), country(code="PL")])
    event.destinations.set([country(code="LT")])
    person = old.get_model("prisoners", "Prisoner").objects.create(name="Old Person", slug="old")
    old.get_model("releases", "Release").objects.create(event=event, prisoner=person)


def _record_old_concessions(old):
    """Before 0009: a concession belonged to one event, named its instrument, and carried its
    value in dollars. The old source and release are those recorded before 0006."""
    country = old.get_model("tracker", "Country").objects.get
    source = old.get_model("tracker", "Source").objects.get(slug="old-source")
    event = old.get_model("releases", "ReleaseEvent").objects.get(slug="old-release")
    Concession = old.get_model("releases", "SanctionsConcession")
    common = {
        "event": event,
        "imposed_by": country(code="US"),
        "kind": "eased",
        "visibility": "public",
    }
    valued = Concession.objects.create(
        target="Belarusian potash sector (Belaruskali)",
        instrument="GL 11",
        value_min_usd=2_500_000_000,
        value_max_usd=2_800_000_000,
        value_note="Potash exports per year before sanctions",
        target_remains_listed=True,
        announced_on=datetime.date(2025, 1, 3),
        **common,
    )
    valued.sources.set([source])
    # Its audit history as the old model wrote it.
    old.get_model("releases", "HistoricalSanctionsConcession").objects.create(
        id=valued.pk,
        event_id=event.pk,
        imposed_by_id=valued.imposed_by_id,
        target=valued.target,
        instrument="GL 11",
        kind="eased",
        visibility="public",
        version=1,
        created_at=valued.created_at,
        updated_at=valued.updated_at,
        history_date=valued.updated_at,
        history_type="+",
    )
    Concession.objects.create(target="Belarusian potash sector (Belaruskali)", **common)


@pytest.fixture(scope="module")
def old_records_migrated(django_db_setup, django_db_blocker):
    """Old records carried through the real migrations, outside any test's transaction (SQLite
    cannot alter tables in one). Afterwards the database is emptied and given back what the
    migrations had put in it, as a `serialized_rollback` test does."""
    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is None:  # no test of the run asked the database to be serialized
            contents = connection.creation.serialize_db_to_string()
        try:
            _record_old_event_facts(_migrate_releases_to("0005_version_slug_not_blank"))
            _record_old_concessions(_migrate_releases_to("0008_remove_replaced_event_fields"))
            _migrate_to_latest()
            yield
        finally:
            _migrate_to_latest()
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(contents)


def test_the_migration_carries_the_old_fields_over(old_records_migrated):
    """Nationalities, destinations and the intermediary of events recorded before the change
    become records of their own; people freed recorded then are confirmed."""
    event = ReleaseEvent.objects.get(slug="old-release")
    assert sorted(event.nationality_reports.values_list("country__code", "source__title")) == [
        ("LT", "Old source"),
        ("PL", "Old source"),
    ]
    leg = event.route_legs.get()
    assert (leg.from_country.code, leg.to_country.code, leg.visibility) == ("BY", "LT", "public")
    assert list(leg.sources.values_list("title", flat=True)) == ["Old source"]
    envoy = event.participants.get()
    assert (envoy.name, envoy.role) == ("John Coale, US special envoy", "envoy")
    assert Release.objects.get(event=event).status == "confirmed"


def test_the_migration_carries_the_concessions_over(old_records_migrated):
    first = SanctionsConcession.objects.get(slug="belarusian-potash-sector-belaruskali")
    second = SanctionsConcession.objects.get(slug="belarusian-potash-sector-belaruskali-2")
    assert first.identifier == "GL 11" and first.delists is False
    assert first.announced_on_precision == "day" and first.issued_on_precision == "unknown"
    assert second.announced_on_precision == "unknown" and second.delists is None
    link = first.links.get()
    assert (link.event.slug, link.basis, link.visibility) == ("old-release", "reported", "public")
    assert list(link.sources.values_list("slug", flat=True)) == ["old-source"]
    figure = first.figures.get()
    assert figure.measure == "Potash exports per year before sanctions"
    assert (figure.low, figure.high, figure.currency) == (2_500_000_000, 2_800_000_000, "USD")
    assert not second.figures.exists()
    # The concession's history survives, with its slug.
    assert first.history.filter(slug=first.slug, identifier="GL 11").exists()

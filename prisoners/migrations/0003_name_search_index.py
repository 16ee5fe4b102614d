"""Fill the name search key of existing people; on PostgreSQL, index it with pg_trgm."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from prisoners import search

INDEX = "prisoners_prisoner_search_key_trgm"


def fill_search_keys(apps, schema_editor):
    Prisoner = apps.get_model("prisoners", "Prisoner")
    people = list(Prisoner.objects.only("name", "name_native", "other_names"))
    for person in people:
        person.search_key = search.search_key(person.name, person.name_native, person.other_names)
    Prisoner.objects.bulk_update(people, ["search_key"], batch_size=2000)


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON prisoners_prisoner USING gin (search_key gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("prisoners", "0002_history_permissions_search_key")]

    operations = [
        TrigramExtension(),  # does nothing on other databases
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]

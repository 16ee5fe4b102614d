"""On SQLite, index the words of the name search keys with FTS5 (prisoners.search_index); on
PostgreSQL the pg_trgm index of migration 0003 serves."""

from django.db import migrations

from prisoners import search_index


def create(apps, schema_editor):
    search_index.ensure_sqlite_index(schema_editor.connection)


def drop(apps, schema_editor):
    search_index.drop_sqlite_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("prisoners", "0006_partial_dates_count_qualifier")]

    operations = [migrations.RunPython(create, drop)]

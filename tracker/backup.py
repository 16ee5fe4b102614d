"""Backups of the whole database as a fixture, and their restore into a new, migrated database.

A backup holds every row of every installed app, except what `migrate` recreates (content types,
permissions) and what is only transient or refers to rows by content type id (sessions, the
admin's log). It keeps primary keys: the audit history (django-simple-history) refers to its
record by primary key, in a plain integer column, as does a history entry of a deleted record;
with new keys the history would detach from the records it tells about. References into what
`migrate` recreates (a group's permissions) are natural keys, since their ids differ between
databases. Restoring therefore needs a database that holds only what `migrate` put in it.

Rows are written one per line, in chunks, with many-to-many fields prefetched: memory stays flat
and no query is made per row. The whole backup is read inside one transaction, and on
PostgreSQL in one snapshot (REPEATABLE READ), so it is consistent while the site keeps running.
"""

import bz2
import datetime
import gzip
import json
import lzma
import os
from contextlib import contextmanager
from itertools import islice

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Prefetch

EXCLUDED = ("contenttypes", "auth.permission", "sessions", "admin.logentry")
# Rows that `migrate` itself creates in an empty database; a restore replaces them.
FILLED_BY_MIGRATIONS = ("tracker.country", "auth.group")
# Recreated by `migrate` with new ids in every database: referred to by natural key.
RECREATED = (ContentType, Permission)

CHUNK_SIZE = 2000
COMPRESSION = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def backed_up_models():
    """The models a backup holds, those another refers to by natural key first."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        if model._meta.app_label not in EXCLUDED and model._meta.label_lower not in EXCLUDED
    ]
    return serializers.sort_dependencies([(None, chosen)], allow_cycles=True)


def open_backup(path, mode):
    """The file at `path`, text mode, compressed as its extension says (.gz, .bz2, .xz).

    A file opened for writing is created readable by its owner only (0600) before anything is
    written to it: a backup holds password hashes, 2FA secrets and confidential cases, and a
    chmod afterwards would leave a moment in which anyone on the host could open it.
    """
    opener = COMPRESSION.get(path.suffix, open)
    if mode == "w":
        path.unlink(missing_ok=True)  # an existing file would keep its own mode
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return opener(path, mode + "t", encoding="utf-8")


@contextmanager
def snapshot():
    """A read-only transaction that sees the whole database as it was when it began."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _related_rows(model):
    """The rows a many-to-many field lists; a permission's natural key names its content type."""
    queryset = model._base_manager.order_by("pk")
    return queryset.select_related("content_type") if model is Permission else queryset


def _records(model):
    """The model's rows as fixture dicts, in primary key order, a chunk at a time."""
    relations = [
        *model._meta.fields,
        *(
            field
            for field in model._meta.many_to_many
            if field.remote_field.through._meta.auto_created
        ),
    ]
    natural = any(field.related_model in RECREATED for field in relations)
    queryset = model._base_manager.order_by("pk").prefetch_related(
        *(
            Prefetch(field.name, queryset=_related_rows(field.related_model))
            for field in relations
            if field.many_to_many
        )
    )
    joins = [field.name for field in model._meta.fields if field.related_model in RECREATED]
    if joins:
        queryset = queryset.select_related(*joins)
    serializer = serializers.get_serializer("python")()
    rows = queryset.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield from serializer.serialize(chunk, use_natural_foreign_keys=natural)


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder rounds datetimes to the millisecond; a backup keeps their microseconds,
    so that a restored database is the one that was backed up."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return f"{text.removesuffix('+00:00')}Z" if text.endswith("+00:00") else text
        return super().default(o)


def write_backup(stream):
    """Write the whole database to `stream` as a JSON fixture; return the number of records."""
    count = 0
    stream.write("[")
    with snapshot():
        for model in backed_up_models():
            for record in _records(model):
                stream.write(",\n" if count else "\n")
                stream.write(json.dumps(record, cls=ExactJSONEncoder, ensure_ascii=False))
                count += 1
    stream.write("\n]\n")
    return count


def unexpected_rows():
    """Labels of the models that hold rows a freshly migrated database would not hold."""
    return [
        model._meta.label
        for model in backed_up_models()
        if model._meta.label_lower not in FILLED_BY_MIGRATIONS
        if model._base_manager.exists()
    ]


def clear_backed_up_tables():
    """Empty every table a backup fills, the rows `migrate` made included; no signals are sent,
    so nothing is written to the audit history."""
    tables = set()
    for model in backed_up_models():
        tables.add(model._meta.db_table)
        tables.update(
            field.remote_field.through._meta.db_table
            for field in model._meta.many_to_many
            if field.remote_field.through._meta.auto_created
        )
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables), reset_sequences=True, allow_cascade=True
    )
    connection.ops.execute_sql_flush(statements)

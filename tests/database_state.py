"""The database's state, to show what an import changed: every row, or the records as a
fixture states them. And a state of its own for each Hypothesis example."""

import contextlib
import copy
import functools
import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from tracker.imports.match import SITE_FIELDS


def every_row():
    """Every row of every table (records, links, history, users, sessions): a full dump."""
    return {
        model._meta.label: sorted(map(repr, model._base_manager.values_list()))
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
    }


def records(labels):
    """The records of these models as a fixture states them: natural keys, no ids, without
    the fields the site sets itself (SITE_FIELDS)."""
    found = {}
    for label in sorted(labels):
        rows = serializers.serialize(
            "python",
            apps.get_model(label)._base_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        for row in rows:
            row.pop("pk", None)
            for name in SITE_FIELDS:
                row["fields"].pop(name, None)
        found[label] = sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)
    return found


def models_of(fixture):
    """The labels of the models a fixture's records name."""
    return {
        record["model"]
        for record in fixture
        if isinstance(record, dict) and isinstance(record.get("model"), str)
    }


def as_loaddata_leaves_it(fixture, labels, then=None):
    """`records(labels)` after `loaddata` of the fixture into the current state (and `then()`),
    which is then restored: the outcome the fixture describes."""
    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        path = Path(folder) / "fixture.json"
        path.write_text(json.dumps(fixture))
        call_command("loaddata", str(path), verbosity=0)
        if then is not None:
            then()
        outcome = records(labels)
        transaction.set_rollback(True)
    return outcome


# Any valid value for a field the site sets: the importer never takes it from a file, and
# `records()` leaves it out of the comparison.
SITE_VALUES = {"created_at": "2000-01-01T00:00:00Z", "updated_at": "2000-01-01T00:00:00Z"}


def as_the_importer_reads_it(records, labels):
    """The file as the importer reads it, for loaddata: a many-to-many field given as null is
    left out (its links stay as they are); the fields the site sets are not the file's."""
    records = copy.deepcopy(records)
    for record in records:
        if not (isinstance(record, dict) and record.get("model") in labels):
            continue
        fields = record.get("fields")
        if not isinstance(fields, dict):
            continue
        model = apps.get_model(record["model"])
        for field in model._meta.many_to_many:
            if field.name in fields and fields[field.name] is None:
                del fields[field.name]
        for field in model._meta.concrete_fields:
            if field.name in SITE_FIELDS:
                fields.pop(field.name, None)
                if field.name in SITE_VALUES:
                    fields[field.name] = SITE_VALUES[field.name]
    return records


def saved_as_the_admin_saves(labels):
    """Each record cleaned and saved as the admin would: clean() reads a blank date as
    unknown, pre_save fills in derived fields. The importer validates the same way."""
    for label in labels:
        for record in apps.get_model(label)._base_manager.all():
            record.clean()
            record.save()


def outcome_of_loaddata(records, labels):
    """What the file says the records are (loaddata of it into the current state, saved as
    the admin saves), or the reason that refuses it."""
    try:
        fixture = as_the_importer_reads_it(records, labels)
        saved = functools.partial(saved_as_the_admin_saves, labels)
        return as_loaddata_leaves_it(fixture, labels, then=saved), None
    except Exception as error:  # noqa: BLE001 (any refusal: the importer must refuse it too)
        return None, error


@contextlib.contextmanager
def state_of_its_own():
    """A database state and cache for one Hypothesis example: whatever it writes is rolled
    back, so each example starts from the same state and a failure reproduces."""
    with transaction.atomic():
        cache.clear()
        yield
        transaction.set_rollback(True)
    cache.clear()

"""Importing a JSON fixture (the format the site downloads) all-or-nothing, with a preview.

Unlike `loaddata`, every record is validated as the admin would validate it (`full_clean`),
saved normally so that the audit history records who imported it, and any problem is reported
in plain words naming the record; nothing is changed unless the whole file is good.

Records refer to one another by natural key, so a record must come after the records it refers
to, or they must already be in the database: `dumpdata` and the site's downloads write them in
that order. Like `tracker.downloads`, this module works from model metadata and imports no app.
"""

import json
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import transaction

IMPORTABLE_APPS = ("tracker", "prisoners", "releases")
# Fields the import sets itself, or that follow from others: never reported as changes.
UNCOMPARED_FIELDS = {"created_at", "updated_at", "search_key"}


class ImportFailed(Exception):
    """The file cannot be imported; the message says where and why, in plain words."""


@dataclass
class ImportedRecord:
    label: str
    key: str
    action: str  # "created", "changed" or "unchanged"
    changed_fields: list = field(default_factory=list)


@dataclass
class ImportReport:
    records: list = field(default_factory=list)

    def count(self, action):
        return sum(1 for record in self.records if record.action == action)

    @property
    def by_model(self):
        """{model label: Counter of actions}, for the preview's summary table."""
        summary = {}
        for record in self.records:
            summary.setdefault(record.label, Counter())[record.action] += 1
        return summary


def importable_models():
    return {
        model._meta.label_lower: model
        for app_label in IMPORTABLE_APPS
        for model in apps.get_app_config(app_label).get_models()
        if hasattr(model, "natural_key")
    }


def read_fixture(raw):
    """The records of a fixture file's bytes or text, or ImportFailed saying what is wrong."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFailed(f"The file is not UTF-8 text (byte {error.start}).") from error
    try:
        records = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from error
    if not isinstance(records, list):
        raise ImportFailed("The file is not a fixture: it should be a JSON list of records.")
    return records


def _describe(index, record):
    label = record.get("model", "?") if isinstance(record, dict) else "?"
    fields = record.get("fields", {}) if isinstance(record, dict) else {}
    name = next(
        (
            str(fields[key])
            for key in ("slug", "code", "title", "target", "name")
            if isinstance(fields, dict) and fields.get(key)
        ),
        "",
    )
    return f"Record {index} ({label}{f' “{name}”' if name else ''})"


def _format_key(value):
    if not isinstance(value, list):
        return str(value)
    return " / ".join("undated" if part is None else str(part) for part in value)


def _check_references(model, fields, where):
    """Every natural-key reference must resolve: say which one does not, in plain words."""
    for model_field in [*model._meta.fields, *model._meta.many_to_many]:
        related = model_field.related_model
        if related is None or model_field.name not in fields or fields[model_field.name] is None:
            continue
        values = fields[model_field.name]
        keys = values if model_field.many_to_many else [values]
        if not isinstance(keys, list):
            raise ImportFailed(f"{where}: “{model_field.name}” should be a list.")
        for key in keys:
            if not isinstance(key, list) or not hasattr(related, "natural_key"):
                continue
            try:
                related._default_manager.get_by_natural_key(*key)
            except (ObjectDoesNotExist, TypeError, ValueError, ValidationError):
                raise ImportFailed(
                    f"{where}: {model_field.verbose_name} refers to "
                    f"{related._meta.verbose_name} “{_format_key(key)}”, which is neither "
                    "earlier in the file nor in the database."
                ) from None


def _snapshot(instance):
    values = {
        model_field.name: model_field.value_from_object(instance)
        for model_field in instance._meta.concrete_fields
        if not model_field.primary_key and model_field.name not in UNCOMPARED_FIELDS
    }
    for model_field in instance._meta.many_to_many:
        values[model_field.name] = set(
            getattr(instance, model_field.name).values_list("pk", flat=True)
        )
    return values


def _import_record(index, record, models, *, user, restrict_new):
    where = _describe(index, record)
    if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
        raise ImportFailed(f"{where} is not a fixture record: it needs “model” and “fields”.")
    label = str(record.get("model", "")).lower()
    model = models.get(label)
    if model is None:
        known = ", ".join(sorted(models))
        raise ImportFailed(f"{where}: unknown model “{label}”. The file may hold: {known}.")
    record = {"model": label, "fields": record["fields"]}  # a numeric "pk" is never trusted
    _check_references(model, record["fields"], where)
    try:
        (deserialized,) = serializers.deserialize("python", [record])
    except (serializers.base.DeserializationError, FieldDoesNotExist) as error:
        raise ImportFailed(f"{where}: {error}") from None

    instance = deserialized.object
    existing = model._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    before = _snapshot(existing) if existing else None
    instance._state.adding = existing is None
    if existing is None and restrict_new and hasattr(instance, "visibility"):
        instance.visibility = "restricted"
    try:
        instance.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
        raise ImportFailed(f"{where}: {problems}") from None
    instance._history_user = user
    instance.save()
    for name, values in (deserialized.m2m_data or {}).items():
        getattr(instance, name).set(values)

    key = _format_key(list(instance.natural_key()))
    if before is None:
        return ImportedRecord(label, key, "created")
    after = _snapshot(instance)
    changed = [name for name, value in after.items() if before.get(name) != value]
    return ImportedRecord(label, key, "changed" if changed else "unchanged", changed)


def import_fixture(records, *, user=None, dry_run=False, restrict_new=False, progress=None):
    """Import fixture records in one transaction; with `dry_run`, report and roll back.

    `restrict_new` keeps new records restricted until an editor publishes them.
    `progress(done, total)` is called after each record.
    """
    models = importable_models()
    report = ImportReport()
    with transaction.atomic():
        for index, record in enumerate(records, start=1):
            report.records.append(
                _import_record(index, record, models, user=user, restrict_new=restrict_new)
            )
            if progress:
                progress(index, len(records))
        if dry_run:
            transaction.set_rollback(True)
    return report

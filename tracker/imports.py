"""Importing a JSON fixture (the format the site downloads) all-or-nothing, with a preview.

Unlike `loaddata`, every record is validated as the admin would validate it, the audit history
records who imported it, and any problem is reported in plain words naming the record; nothing
is changed unless the whole file is good.

Records refer to one another by natural key, so a record must come after the records it refers
to, or they must already be in the database: `dumpdata` and the site's downloads write them in
that order. Like `tracker.downloads`, this module works from model metadata and imports no app.

It runs in two passes, so that a file of 100,000 people takes a few queries per model rather
than a dozen per record (as `loaddata` does):
1. Read: each record in turn is checked, its references resolved through a dictionary of the
   natural keys seen so far (the database is asked once per key it holds), validated in Python
   (`full_clean`, without the checks that need the database) and compared with the stored
   record. This is where nearly every problem is found, and it is the preview.
2. Write: model by model, parents first, new records are inserted and changed ones updated in
   bulk, with their many-to-many links and their history (one entry each, by the importing
   user). The database enforces uniqueness and the other constraints; if it refuses a batch,
   its records are written one at a time to find the first one refused, and Django's
   validation says why in the usual words.
`pre_save` receivers run as for `save()` (they keep derived fields current); `post_save` and
`m2m_changed` do not: the history is written here, and cached figures are refreshed once.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tracker.figures import invalidate

IMPORTABLE_APPS = ("tracker", "prisoners", "releases")
# Fields the import sets itself, or that follow from others: never reported as changes.
UNCOMPARED_FIELDS = {"created_at", "updated_at", "search_key"}
BATCH_SIZE = 1000


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
    if not isinstance(value, list | tuple):
        return str(value)
    return " / ".join("undated" if part is None else str(part) for part in value)


def _problems(error):
    """A ValidationError in plain words: "field: message; other message"."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
        for name, messages in error.message_dict.items()
    )


class _Reference:
    """A record referred to by natural key: in the database, or to be written by this import.

    Its `pk` is known once the record is written; until then `natural_key()` lets the records
    that refer to it compute their own natural keys (a release's is its event's and person's).
    """

    __slots__ = ("key", "pk")

    def __init__(self, key, pk=None):
        self.key, self.pk = key, pk

    def natural_key(self):
        return self.key


@dataclass
class _Pending:
    """A record to write: where it is in the file, its instance, references and links."""

    where: str
    instance: object
    references: dict  # foreign key field -> _Reference
    links: dict  # many-to-many field -> [_Reference]
    reference: _Reference  # how other records refer to this one
    stored: dict = None  # the compared values of the stored record it changes, if any

    @property
    def needs_writing(self):
        return self.stored is None or bool(
            _differences(self.stored, _Import.snapshot(self.instance, self.links))
        )


def _differences(before, after):
    """The names of the compared fields whose values differ."""
    return [name for name, value in after.items() if before.get(name) != value]


def _relation_fields(model):
    return [f for f in model._meta.concrete_fields if f.is_relation and not f.primary_key]


def _link_fields(model):
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def _history_model(model):
    """The model's historical model (django-simple-history), or None."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


class _Import:
    def __init__(self, *, user, restrict_new):
        self.models = importable_models()
        self.user, self.restrict_new = user, restrict_new
        self.report = ImportReport()
        self.keys = defaultdict(dict)  # model -> {natural key: _Reference}
        self.pending = defaultdict(dict)  # model -> {natural key: _Pending}, in file order
        self.stored = {}  # model -> whether its table held records before the import

    # --- Pass 1: read, resolve, validate, compare -----------------------------------------

    def reference(self, model, key, where, field):
        """The record of `model` with natural key `key` (or primary key, if not a list),
        earlier in the file or stored."""
        natural = isinstance(key, list)
        memo = tuple(key) if natural else ("pk", key)
        if memo not in self.keys[model]:
            manager = model._default_manager
            try:
                stored = manager.get_by_natural_key(*key) if natural else manager.get(pk=key)
            except (ObjectDoesNotExist, TypeError, ValueError, ValidationError):
                raise ImportFailed(
                    f"{where}: {field.verbose_name} refers to "
                    f"{model._meta.verbose_name} “{_format_key(key)}”, which is neither "
                    "earlier in the file nor in the database."
                ) from None
            self.keys[model][memo] = _Reference(memo if natural else None, stored.pk)
        return self.keys[model][memo]

    def read(self, index, record):
        where = _describe(index, record)
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise ImportFailed(f"{where} is not a fixture record: it needs “model” and “fields”.")
        label = str(record.get("model", "")).lower()
        model = self.models.get(label)
        if model is None:
            known = ", ".join(sorted(self.models))
            raise ImportFailed(f"{where}: unknown model “{label}”. The file may hold: {known}.")
        values = record["fields"]  # a numeric "pk" is never trusted
        instance, references, links = self.build(model, values, where)

        key = tuple(instance.natural_key())
        earlier = self.pending[model].get(key)
        existing = self.stored_record(model, key)
        if existing is not None:
            # Fields the file leaves out (a download has no internal notes) keep their values.
            for model_field in model._meta.concrete_fields:
                if model_field.name not in values:
                    setattr(instance, model_field.attname, getattr(existing, model_field.attname))
        elif self.restrict_new and hasattr(instance, "visibility"):
            instance.visibility = "restricted"
        try:
            # References are resolved above; uniqueness and constraints are the database's.
            instance.full_clean(
                exclude=[f.name for f in _relation_fields(model)],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            raise ImportFailed(f"{where}: {_problems(error)}") from None
        cleaned_key = tuple(instance.natural_key())  # clean() may have made a slug
        instance._state.fields_cache.clear()  # the _Reference stand-ins served natural_key()
        if cleaned_key != key:
            if cleaned_key in self.pending[model]:
                raise ImportFailed(
                    f"{where}: it would get the key “{_format_key(cleaned_key)}” of "
                    f"{self.pending[model][cleaned_key].where}. Give it its own."
                )
            key = cleaned_key

        pending = _Pending(where, instance, references, links, _Reference(key))
        if earlier is not None:  # the same record twice in the file: the later one wins
            pending.reference, pending.stored = earlier.reference, earlier.stored
            before = self.snapshot(earlier.instance, earlier.links)
        else:
            pending.stored = None if existing is None else self.snapshot(existing)
            before = pending.stored
        if existing is not None:
            pending.reference.pk = instance.pk = existing.pk
        self.keys[model][key] = pending.reference
        self.pending[model][key] = pending

        formatted = _format_key(list(key))
        if before is None:
            return ImportedRecord(label, formatted, "created")
        changed = _differences(before, self.snapshot(instance, links))
        return ImportedRecord(label, formatted, "changed" if changed else "unchanged", changed)

    def build(self, model, values, where):
        """An unsaved instance of the record, its foreign keys and its many-to-many links."""
        for name in values:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist as error:
                raise ImportFailed(f"{where}: {error}") from None
        instance, references, links = model(), {}, {}
        for model_field in model._meta.concrete_fields:
            if model_field.primary_key or model_field.name not in values:
                continue
            value = values[model_field.name]
            if not model_field.is_relation:
                try:
                    setattr(instance, model_field.attname, model_field.to_python(value))
                except ValidationError as error:
                    raise ImportFailed(f"{where}: {model_field.name}: {_problems(error)}") from None
            elif value is None:
                setattr(instance, model_field.attname, None)
            else:
                reference = self.reference(model_field.related_model, value, where, model_field)
                references[model_field] = reference
                setattr(instance, model_field.attname, reference.pk)
                if reference.key is not None:
                    model_field.set_cached_value(instance, reference)
        for model_field in _link_fields(model):
            keys = values.get(model_field.name)
            if keys is None:
                continue
            if not isinstance(keys, list):
                raise ImportFailed(f"{where}: “{model_field.name}” should be a list.")
            links[model_field] = [
                self.reference(model_field.related_model, key, where, model_field) for key in keys
            ]
        missing = [
            f.name
            for f in _relation_fields(model)
            if not f.null and f not in references and getattr(instance, f.attname) is None
        ]
        if missing:
            raise ImportFailed(
                f"{where}: " + "; ".join(f"{name}: This field cannot be null." for name in missing)
            )
        return instance, references, links

    def stored_record(self, model, key):
        if model not in self.stored:
            self.stored[model] = model._default_manager.exists()
        if not self.stored[model]:
            return None
        try:
            return model._default_manager.get_by_natural_key(*key)
        except ObjectDoesNotExist:
            return None

    @staticmethod
    def snapshot(instance, links=None):
        """The compared values of a record; its links as the file gives them, or as stored."""
        values = {
            model_field.name: model_field.value_from_object(instance)
            for model_field in instance._meta.concrete_fields
            if not model_field.primary_key and model_field.name not in UNCOMPARED_FIELDS
        }
        for model_field in _link_fields(type(instance)):
            if links is None:
                related = getattr(instance, model_field.name).values_list("pk", flat=True)
                values[model_field.name] = set(related)
            elif model_field in links:  # links the file leaves out stay as they are
                values[model_field.name] = {reference.pk for reference in links[model_field]}
        return values

    # --- Pass 2: write ---------------------------------------------------------------------

    def write(self):
        models = serializers.sort_dependencies([(None, list(self.pending))])
        for model in models:
            records = [pending for pending in self.pending[model].values() if pending.needs_writing]
            for pending in records:
                for model_field, reference in pending.references.items():
                    setattr(pending.instance, model_field.attname, reference.pk)
                pending.instance._history_user = self.user
                # As save() would: receivers keep derived fields (a search key) current.
                pre_save.send(
                    sender=model,
                    instance=pending.instance,
                    raw=False,
                    using=model._default_manager.db,
                    update_fields=None,
                )
            new = [pending for pending in records if pending.stored is None]
            changed = [pending for pending in records if pending.stored is not None]
            self.insert(model, new)
            self.update(model, changed)
            self.write_links(model, records)
            self.write_history(model, new, changed)

    def insert(self, model, records):
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            try:
                with transaction.atomic():
                    model._default_manager.bulk_create([pending.instance for pending in batch])
            except DatabaseError:
                self.write_one_by_one(batch, lambda instance: instance.save_base(raw=True))
            for pending in batch:
                pending.reference.pk = pending.instance.pk

    def update(self, model, records):
        now = timezone.now()
        names = [
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name != "created_at"
        ]
        for pending in records:
            if hasattr(pending.instance, "updated_at"):
                pending.instance.updated_at = now
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            try:
                with transaction.atomic():
                    model._default_manager.bulk_update(
                        [pending.instance for pending in batch], names
                    )
            except DatabaseError:
                self.write_one_by_one(
                    batch, lambda instance: instance.save_base(raw=True, update_fields=names)
                )

    @staticmethod
    def write_one_by_one(batch, write):
        """The database refused a batch: write its records one by one, and say which one it
        refuses and why, in Django's words where validation knows them."""
        for pending in batch:
            try:
                with transaction.atomic():
                    write(pending.instance)
            except DatabaseError as error:
                try:
                    pending.instance.validate_unique()
                    pending.instance.validate_constraints()
                except ValidationError as invalid:
                    problem = _problems(invalid)
                else:
                    problem = f"the database refused it ({str(error).strip()})"
                raise ImportFailed(f"{pending.where}: {problem}") from None

    def write_links(self, model, records):
        """Many-to-many links as the file gives them: added and removed as needed."""
        for model_field in _link_fields(model):
            through = model_field.remote_field.through
            source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
            wanted = {
                pending.instance.pk: {reference.pk for reference in pending.links[model_field]}
                for pending in records
                if model_field in pending.links
            }
            stored = defaultdict(set)
            owners = [pending.instance.pk for pending in records if pending.stored is not None]
            for start in range(0, len(owners), BATCH_SIZE):
                rows = through._default_manager.filter(
                    **{f"{source}__in": owners[start : start + BATCH_SIZE]}
                ).values_list(f"{source}_id", f"{target}_id")
                for owner, linked in rows:
                    stored[owner].add(linked)
            for owner, links in wanted.items():
                if stored[owner] - links:
                    through._default_manager.filter(
                        **{f"{source}_id": owner, f"{target}_id__in": stored[owner] - links}
                    ).delete()
            through._default_manager.bulk_create(
                [
                    through(**{f"{source}_id": owner, f"{target}_id": linked})
                    for owner, links in wanted.items()
                    for linked in sorted(links - stored[owner])
                ],
                batch_size=BATCH_SIZE,
            )

    def write_history(self, model, new, changed):
        """One history entry a record, with its many-to-many links as they now stand."""
        history_model = _history_model(model)
        if history_model is None:
            return
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        entries = []
        for records, update in ((new, False), (changed, True)):
            instances = [pending.instance for pending in records]
            for start in range(0, len(instances), BATCH_SIZE):
                entries += manager.bulk_history_create(
                    instances[start : start + BATCH_SIZE], update=update, default_user=self.user
                )
        for model_field in history_model._history_m2m_fields:
            link_history = HistoricalRecords.m2m_models[model_field]
            through = model_field.remote_field.through
            source = model_field.m2m_field_name()
            by_owner = defaultdict(list)
            owners = [getattr(entry, model._meta.pk.attname) for entry in entries]
            for start in range(0, len(owners), BATCH_SIZE):
                for row in through._default_manager.filter(
                    **{f"{source}__in": owners[start : start + BATCH_SIZE]}
                ):
                    by_owner[getattr(row, f"{source}_id")].append(row)
            link_history._default_manager.bulk_create(
                [
                    link_history(
                        history=entry,
                        **{f.attname: getattr(row, f.attname) for f in through._meta.fields},
                    )
                    for entry in entries
                    for row in by_owner[getattr(entry, model._meta.pk.attname)]
                ],
                batch_size=BATCH_SIZE,
            )


def import_fixture(records, *, user=None, dry_run=False, restrict_new=False, progress=None):
    """Import fixture records in one transaction; with `dry_run`, report and roll back.

    `restrict_new` keeps new records restricted until an editor publishes them.
    `progress(done, total)` is called after each record is read.
    """
    job = _Import(user=user, restrict_new=restrict_new)
    with transaction.atomic():
        for index, record in enumerate(records, start=1):
            job.report.records.append(job.read(index, record))
            if progress:
                progress(index, len(records))
        job.write()
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        invalidate()
    return job.report

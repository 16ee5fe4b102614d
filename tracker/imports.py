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

An import never publishes, restricts or reverts without the editor saying so:
- a stored record keeps its visibility whatever the file says (every download says "public"),
  unless `apply_visibility`; new records are restricted unless `restrict_new` is off;
- a stored record changed here after the file's own `updated_at` for it is a conflict: it is
  kept as it is here unless the editor takes the file's version of it;
- the preview's fingerprint (what it read of each stored record, and the keys it would create)
  is checked again on confirmation, so that a confirmation applies exactly what was previewed.
Fields the site sets (`SITE_FIELDS`) are never taken from a file. A model with a `version`
field (a lost-update counter) gets version 1 for a new record and the stored version + 1 for
an updated one; the import itself never compares it.
"""

import hashlib
import inspect
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tracker import services
from tracker.figures import invalidate
from tracker.models import Visibility

IMPORTABLE_APPS = ("tracker", "prisoners", "releases")
# Fields the site sets itself, or that follow from others: never read from a file (a file may
# carry them, as downloads do) and never reported as changes.
SITE_FIELDS = {"created_at", "updated_at", "search_key", "sort_name", "version", "published_at"}
BATCH_SIZE = 1000
# Each possible duplicate is a name search; past this many new people the preview says so.
MAX_DUPLICATE_CHECKS = 1000
# Python's own errors on values of the wrong shape (a dict for a date, a list for a number).
MALFORMED = (TypeError, ValueError, AttributeError, LookupError, ArithmeticError, RecursionError)


# Record formats of earlier versions of the tracker, so that a colleague whose copy has not been
# upgraded can still send its downloads: {model label: function(fields) -> [records]}. Each app
# registers its own (in its AppConfig.ready()); the function returns the record in today's
# format, followed by the records its old fields become, or None if the record is not in an old
# format.
FORMAT_UPGRADES = {}


def upgraded(record):
    """The record in today's format, and the records its old fields become."""
    label = record.get("model") if isinstance(record, dict) else None
    fields = record.get("fields") if isinstance(record, dict) else None
    upgrade = FORMAT_UPGRADES.get(label.lower()) if isinstance(label, str) else None
    if upgrade is None or not isinstance(fields, dict):
        return [record]
    return upgrade(dict(fields)) or [record]


class ImportFailed(Exception):
    """The file cannot be imported; the message says where and why, in plain words."""


class PreviewOutdated(ImportFailed):
    """The database changed between the preview and the confirmation."""


@dataclass
class Conflict:
    """A stored record changed here after the file's version of it: (field, here, in the file)."""

    tag: str  # "label key": how the editor chooses the file's version of this record
    fields: list
    taken: bool  # True: the file's version is written; False: the record stays as it is here


@dataclass
class ImportedRecord:
    label: str
    key: str
    action: str  # "created", "changed", "unchanged" or "kept" (a conflict, kept as it is here)
    changed_fields: list = field(default_factory=list)
    conflict: Conflict = None
    kept_visibility: tuple = None  # (here, in the file) when the file's visibility is not applied

    @property
    def tag(self):
        return f"{self.label} {self.key}"


@dataclass
class ImportReport:
    records: list = field(default_factory=list)
    # {"label key": what the preview read of it}: compared again when the import is confirmed
    fingerprint: dict = field(default_factory=dict)
    # [(new person's key, name, [possible duplicates])]
    possible_duplicates: list = field(default_factory=list)
    unchecked_duplicates: int = 0

    @property
    def conflicts(self):
        return [record for record in self.records if record.conflict]

    @property
    def kept_visibility(self):
        return [record for record in self.records if record.kept_visibility]

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


def check_size(size):
    """ImportFailed if a file of `size` bytes is over the limit (settings.IMPORT_MAX_BYTES)."""
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFailed(
            f"The file is {_size(size)}; the limit is {_size(settings.IMPORT_MAX_BYTES)} "
            "(DJANGO_IMPORT_MAX_MB). Nothing was read."
        )


def _size(size):
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size:,} bytes"


def read_fixture(raw):
    """The records of a fixture file's bytes or text, or ImportFailed saying what is wrong."""
    check_size(len(raw))
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
    except RecursionError:
        raise ImportFailed("The file is not a fixture: its values are nested too deeply.") from None
    except ValueError as error:  # a number of more than 4,300 digits
        raise ImportFailed(f"The file cannot be read: {error}.") from None
    if not isinstance(records, list):
        raise ImportFailed("The file is not a fixture: it should be a JSON list of records.")
    if len(records) > settings.IMPORT_MAX_RECORDS:
        raise ImportFailed(
            f"The file holds {len(records):,} records; the limit is "
            f"{settings.IMPORT_MAX_RECORDS:,} (DJANGO_IMPORT_MAX_RECORDS). Split it."
        )
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
    return f"Record {index} ({str(label)[:100]}{f' “{name[:100]}”' if name else ''})"


def _format_key(value):
    if not isinstance(value, list | tuple):
        return str(value)
    return " / ".join("undated" if part is None else str(part) for part in value)


def _is_key(value):
    """A natural key (a list of plain values) or a primary key: what a reference may be."""
    plain = str | int | float | None
    if isinstance(value, list):
        return bool(value) and all(
            isinstance(part, plain) and not isinstance(part, bool) for part in value
        )
    return isinstance(value, str | int) and not isinstance(value, bool)


def _missing_key_fields(model, instance):
    """The names of the fields the model's natural key is made of that have no value, going by
    the parameters of `get_by_natural_key` (a country's code, `country_code`, is `country`)."""
    names = inspect.signature(model._default_manager.get_by_natural_key).parameters
    missing = []
    for name in names:
        for candidate in (name, name.split("_")[0]):
            try:
                model_field = model._meta.get_field(candidate)
            except FieldDoesNotExist:
                continue
            if getattr(instance, model_field.attname, None) in (None, ""):
                missing.append(model_field.name)
            break
    return missing


def _lower_first(text):
    return text[:1].lower() + text[1:]


def _shown(model_field, value):
    """A compared value as the preview shows it: related records by name, not by id."""
    if value is None or value == "" or value == set():
        return "(empty)"
    if model_field.is_relation:
        ids = value if isinstance(value, set) else {value}
        related = model_field.related_model._default_manager.filter(pk__in=ids)
        return ", ".join(sorted(str(record) for record in related))
    return str(value)


def _fingerprint_value(instance, snapshot):
    """What the preview read of a stored record: when it last changed, or all its values."""
    updated_at = getattr(instance, "updated_at", None)
    if updated_at is not None:
        return updated_at.isoformat()
    values = sorted(
        (name, sorted(value) if isinstance(value, set) else value)
        for name, value in snapshot.items()
    )
    return hashlib.sha256(repr(values).encode()).hexdigest()


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
    def __init__(
        self,
        *,
        user,
        restrict_new,
        apply_visibility=False,
        take_file_version=(),
        overwrite_newer=False,
        check_duplicates=False,
    ):
        self.models = importable_models()
        self.user, self.restrict_new = user, restrict_new
        self.apply_visibility, self.overwrite_newer = apply_visibility, overwrite_newer
        self.take_file_version = set(take_file_version)
        self.check_duplicates = check_duplicates
        self.report = ImportReport()
        self.keys = defaultdict(dict)  # model -> {natural key: _Reference}
        self.pending = defaultdict(dict)  # model -> {natural key: _Pending}, in file order
        self.stored = {}  # model -> whether its table held records before the import
        self.new_people = []  # (key, instance) of new records that may duplicate stored ones

    # --- Pass 1: read, resolve, validate, compare -----------------------------------------

    def reference(self, model, key, where, field):
        """The record of `model` with natural key `key` (or primary key, if not a list),
        earlier in the file or stored."""
        if not _is_key(key):
            raise ImportFailed(
                f"{where}: {field.verbose_name} should be the key of a {model._meta.verbose_name} "
                f'(a list such as ["BY"]), not {type(key).__name__} {str(key)[:50]}.'
            )
        natural = isinstance(key, list)
        memo = tuple(key) if natural else ("pk", key)
        if memo not in self.keys[model]:
            manager = model._default_manager
            try:
                stored = manager.get_by_natural_key(*key) if natural else manager.get(pk=key)
            except (ObjectDoesNotExist, *MALFORMED, ValidationError):
                raise ImportFailed(
                    f"{where}: {field.verbose_name} refers to "
                    f"{model._meta.verbose_name} “{_format_key(key)}”, which is neither "
                    "earlier in the file nor in the database."
                ) from None
            self.keys[model][memo] = _Reference(memo if natural else None, stored.pk)
        return self.keys[model][memo]

    def read(self, index, record):
        where = _describe(index, record)
        try:
            return self.read_record(where, record)
        except MALFORMED as error:
            # Caught per record, so that the message names it: a value of a shape no field
            # expects (a list for a date, a dict for a name) or too deeply nested.
            problem = "values nested too deeply" if isinstance(error, RecursionError) else error
            raise ImportFailed(f"{where} cannot be read: {problem}.") from None

    def read_record(self, where, record):
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise ImportFailed(f"{where} is not a fixture record: it needs “model” and “fields”.")
        label = str(record.get("model", "")).lower()
        model = self.models.get(label)
        if model is None:
            known = ", ".join(sorted(self.models))
            raise ImportFailed(
                f"{where}: unknown model “{label[:100]}”. The file may hold: {known}."
            )
        values = record["fields"]  # a numeric "pk" is never trusted
        instance, references, links = self.build(model, values, where)
        key = self.natural_key(model, instance, where)
        if key in self.pending[model]:
            raise ImportFailed(
                f"{self.pending[model][key].where} and {_lower_first(where)} are both "
                f"{model._meta.verbose_name} “{_format_key(key)}”: a file may hold a record "
                "only once. Remove one of them."
            )
        existing = self.stored_record(model, key)
        kept_visibility = None
        if existing is not None:
            # Fields the file leaves out (a download has no internal notes) keep their values,
            # required foreign keys included; so do the fields the site sets.
            for model_field in model._meta.concrete_fields:
                if model_field.name not in values or model_field.name in SITE_FIELDS:
                    setattr(instance, model_field.attname, getattr(existing, model_field.attname))
            if (
                hasattr(instance, "visibility")
                and not self.apply_visibility
                and instance.visibility != existing.visibility
            ):
                kept_visibility = (existing.visibility, instance.visibility)
                instance.visibility = existing.visibility
        else:
            if self.restrict_new and hasattr(instance, "visibility"):
                instance.visibility = "restricted"
            if hasattr(instance, "version"):
                instance.version = 1
        missing = [
            f.name
            for f in _relation_fields(model)
            if not f.null and f not in references and getattr(instance, f.attname) is None
        ]
        if missing:
            raise ImportFailed(
                f"{where}: " + "; ".join(f"{name}: This field cannot be null." for name in missing)
            )
        try:
            # References are resolved above; uniqueness and constraints are the database's.
            instance.full_clean(
                exclude=[f.name for f in _relation_fields(model)],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            raise ImportFailed(f"{where}: {_problems(error)}") from None
        cleaned_key = self.natural_key(model, instance, where)  # clean() may have made a slug
        instance._state.fields_cache.clear()  # the _Reference stand-ins served natural_key()
        # The key the file's other records may use for it: a source written before sources
        # had slugs is referred to by its old key (title, date), a person without a slug by ("",)
        aliases = [key] if cleaned_key != key and all(key) else []
        if cleaned_key != key:
            if cleaned_key in self.pending[model]:
                raise ImportFailed(
                    f"{where}: it would get the key “{_format_key(cleaned_key)}” of "
                    f"{self.pending[model][cleaned_key].where}. Give it its own."
                )
            key = cleaned_key
        formatted = _format_key(list(key))
        tag = f"{label} {formatted}"

        pending = _Pending(where, instance, references, links, _Reference(key))
        imported = ImportedRecord(label, formatted, "created", kept_visibility=kept_visibility)
        if existing is None:
            self.report.fingerprint[tag] = "new"
            # Only people stored before the import can be duplicated (self.stored: see above).
            duplicable = self.check_duplicates and self.stored[model]
            if duplicable and hasattr(instance, "possible_duplicates"):
                self.new_people.append((formatted, instance))
        else:
            pending.stored = self.snapshot(existing)
            self.report.fingerprint[tag] = _fingerprint_value(existing, pending.stored)
            pending.reference.pk = instance.pk = existing.pk
            imported.changed_fields = _differences(pending.stored, self.snapshot(instance, links))
            imported.action = "changed" if imported.changed_fields else "unchanged"
            imported.conflict = self.conflict(model, existing, values, imported, pending, where)
            if imported.conflict and not imported.conflict.taken:
                # Kept as it is here: nothing of the file's version is written.
                pending.instance, pending.references, pending.links = existing, {}, {}
                imported.action = "kept"
        self.keys[model][key] = pending.reference
        for alias in aliases:
            self.keys[model].setdefault(alias, pending.reference)
        self.pending[model][key] = pending
        return imported

    def natural_key(self, model, instance, where):
        try:
            return tuple(instance.natural_key())
        except MALFORMED:
            missing = _missing_key_fields(model, instance)
            raise ImportFailed(
                f"{where}: its key cannot be made without "
                + (" and ".join(missing) if missing else "all the fields of its key")
                + f": a {model._meta.verbose_name} needs "
                + ("them" if len(missing) > 1 else "it")
                + " to be told apart from others."
            ) from None

    def conflict(self, model, existing, values, imported, pending, where):
        """A Conflict if the stored record changed after the file's version of it (its
        `updated_at`) and the file would change it; None otherwise."""
        if not imported.changed_fields or "updated_at" not in values:
            return None
        stored_at = getattr(existing, "updated_at", None)
        if stored_at is None:
            return None
        try:
            file_at = model._meta.get_field("updated_at").to_python(values["updated_at"])
        except ValidationError as error:
            raise ImportFailed(f"{where}: updated_at: {_problems(error)}") from None
        if file_at is None:
            return None
        if timezone.is_naive(file_at):
            file_at = timezone.make_aware(file_at, timezone.get_default_timezone())
        # Downloads write times to the millisecond: a record changed within the same
        # millisecond as the file's version of it is that version.
        if stored_at.replace(microsecond=stored_at.microsecond // 1000 * 1000) <= file_at:
            return None
        in_file = self.snapshot(pending.instance, pending.links)
        fields = [
            (
                name,
                _shown(model._meta.get_field(name), pending.stored[name]),
                _shown(model._meta.get_field(name), in_file[name]),
            )
            for name in imported.changed_fields
        ]
        taken = self.overwrite_newer or imported.tag in self.take_file_version
        return Conflict(imported.tag, fields, taken)

    def build(self, model, values, where):
        """An unsaved instance of the record, its foreign keys and its many-to-many links."""
        for name in values:
            if name in SITE_FIELDS:
                continue
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist as error:
                raise ImportFailed(f"{where}: {str(error)[:200]}") from None
        instance, references, links = model(), {}, {}
        for model_field in model._meta.concrete_fields:
            if (
                model_field.primary_key
                or model_field.name in SITE_FIELDS
                or model_field.name not in values
            ):
                continue
            value = values[model_field.name]
            if not model_field.is_relation:
                if isinstance(value, dict | list):
                    raise ImportFailed(
                        f"{where}: {model_field.name}: expected a single value, "
                        f"not a {'list' if isinstance(value, list) else 'JSON object'}."
                    )
                try:
                    setattr(instance, model_field.attname, model_field.to_python(value))
                except ValidationError as error:
                    raise ImportFailed(f"{where}: {model_field.name}: {_problems(error)}") from None
                except MALFORMED:
                    raise ImportFailed(
                        f"{where}: {model_field.name}: “{str(value)[:50]}” is not a valid value."
                    ) from None
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
        return instance, references, links

    def find_possible_duplicates(self):
        """New people who may be people already stored under another spelling (the model's
        `possible_duplicates()` hook), up to MAX_DUPLICATE_CHECKS of them."""
        for key, instance in self.new_people[:MAX_DUPLICATE_CHECKS]:
            matches = instance.possible_duplicates()
            if matches:
                self.report.possible_duplicates.append((key, str(instance), matches))
        self.report.unchecked_duplicates = max(len(self.new_people) - MAX_DUPLICATE_CHECKS, 0)

    def stored_record(self, model, key):
        if model not in self.stored:
            self.stored[model] = model._default_manager.exists()
        if not self.stored[model]:
            return None
        try:
            # Locked until the import commits: nothing changes between the check against the
            # preview's fingerprint and the write.
            return model._default_manager.select_for_update().get_by_natural_key(*key)
        except (ObjectDoesNotExist, ValidationError):
            return None

    @staticmethod
    def snapshot(instance, links=None):
        """The compared values of a record; its links as the file gives them, or as stored."""
        values = {
            model_field.name: model_field.value_from_object(instance)
            for model_field in instance._meta.concrete_fields
            if not model_field.primary_key and model_field.name not in SITE_FIELDS
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
        # After every model: a record's sources may be records of another model (the sources
        # a person freed cites), written after it.
        for model in models:
            self.check_published(
                model, [p for p in self.pending[model].values() if p.needs_writing]
            )
        for model in models:
            written = [p for p in self.pending[model].values() if p.needs_writing]
            try:
                services.records_written.send(
                    sender=model, pks=[pending.instance.pk for pending in written]
                )
            except ValidationError as error:
                raise ImportFailed(" ".join(error.messages)) from None

    def check_published(self, model, records):
        """A record the import makes public must cite a source, as anywhere on the site."""
        publishing = {
            pending.instance.pk: pending
            for pending in records
            if getattr(pending.instance, "visibility", None) == Visibility.PUBLIC
            and (pending.stored or {}).get("visibility") != Visibility.PUBLIC
        }
        unsourced = services.unsourced(model, list(publishing))
        if unsourced:
            where = [publishing[pk].where for pk in unsourced]
            more = f" and {len(where) - 5} more" if len(where) > 5 else ""
            raise ImportFailed(
                f"{', '.join(where[:5])}{more}: a public record must cite at least one source. "
                "Add its sources to the file, or keep new records restricted."
            )

    def insert(self, model, records):
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            try:
                with transaction.atomic():
                    model._default_manager.bulk_create([pending.instance for pending in batch])
            except (DatabaseError, *MALFORMED):
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
            if hasattr(pending.instance, "version"):
                pending.instance.version += 1  # from the stored record's version (read())
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            try:
                with transaction.atomic():
                    model._default_manager.bulk_update(
                        [pending.instance for pending in batch], names
                    )
            except (DatabaseError, *MALFORMED):
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
            except (DatabaseError, *MALFORMED) as error:
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


def import_fixture(
    records,
    *,
    user=None,
    dry_run=False,
    restrict_new=True,
    apply_visibility=False,
    take_file_version=(),
    overwrite_newer=False,
    expected_fingerprint=None,
    check_duplicates=False,
    progress=None,
):
    """Import fixture records in one transaction; with `dry_run`, report and roll back.

    `restrict_new` keeps new records restricted until an editor publishes them;
    `apply_visibility` gives stored records the file's visibility (otherwise they keep theirs).
    A stored record changed here after the file's version of it is kept as it is here, unless
    its tag ("label key") is in `take_file_version`, or `overwrite_newer`.
    `expected_fingerprint`: the preview's `report.fingerprint`; if the database no longer reads
    the same, PreviewOutdated is raised and nothing is changed.
    `check_duplicates` lists the new people who may be stored people under another spelling.
    `progress(done, total)` is called after each record is read.
    """
    job = _Import(
        user=user,
        restrict_new=restrict_new,
        apply_visibility=apply_visibility,
        take_file_version=take_file_version,
        overwrite_newer=overwrite_newer,
        check_duplicates=check_duplicates,
    )
    with transaction.atomic():
        for index, record in enumerate(records, start=1):
            for current in upgraded(record):
                job.report.records.append(job.read(index, current))
            if progress:
                progress(index, len(records))
        if expected_fingerprint is not None:
            check_fingerprint(expected_fingerprint, job.report.fingerprint)
        job.find_possible_duplicates()
        job.write()
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        invalidate()
    return job.report


def check_fingerprint(expected, found):
    """PreviewOutdated naming the records that read differently from the preview."""
    changed = [
        tag for tag in sorted(expected.keys() | found.keys()) if expected.get(tag) != found.get(tag)
    ]
    if changed:
        names = ", ".join(f"“{tag}”" for tag in changed[:5])
        more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        raise PreviewOutdated(
            f"{names}{more} changed since the preview; preview again to see what the import "
            "would do now."
        )

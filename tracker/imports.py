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
2. Write: the records are read again (pass 1 keeps only each record's key, so that memory
   does not grow with the file) and, a batch of about BATCH_SIZE at a time, model by model,
   parents first, new records are inserted and changed ones updated in bulk, with their
   many-to-many links and their history (one entry each, by the importing user). The
   database enforces uniqueness and the other constraints; if it refuses a batch, its
   records are written one at a time to find the first one refused, and Django's validation
   says why in the usual words.
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

import codecs
import hashlib
import inspect
import io
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.db.models.signals import pre_save
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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


@dataclass(slots=True)  # one per record of the file: kept small
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
            _(
                "The file is %(size)s; the limit is %(limit)s (DJANGO_IMPORT_MAX_MB). "
                "Nothing was read."
            )
            % {"size": _size(size), "limit": _size(settings.IMPORT_MAX_BYTES)}
        )


def _size(size):
    if size >= 2**20:
        return _("%(size)s MB") % {"size": formats.number_format(size / 2**20, 1)}
    return ngettext("%(size)s byte", "%(size)s bytes", size) % {
        "size": formats.number_format(size, force_grouping=True)
    }


# Bytes read from a fixture file at a time: a file is parsed record by record, never whole.
READ_SIZE = 2**20
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class _NotJSON(Exception):
    """Where and why a fixture file is not valid JSON, as `json.loads` would say it."""

    def __init__(self, msg, line, column):
        super().__init__(msg)
        self.msg, self.line, self.column = msg, line, column


class _RecordReader:
    """The records of a fixture's JSON list, parsed one at a time from a stream of bytes.

    Each record is parsed by Python's own JSON decoder (`raw_decode`), so a broken file gets
    the messages `json.loads` gives, at the line and column of the whole file; only a window
    of the text around the current record is kept in memory.
    """

    def __init__(self, stream):
        self.stream = stream
        self.utf8 = codecs.getincrementaldecoder("utf-8-sig")()
        self.bytes_read = 0
        self.text, self.position, self.at_end = "", 0, False
        # Where self.text starts in the file: characters and lines before it, and the column.
        self.dropped_lines, self.dropped_column = 0, 0
        self.decoder = json.JSONDecoder()

    def read_more(self, at_least=READ_SIZE):
        """Append at least `at_least` characters to the window (fewer at the end of the file),
        dropping the text already parsed."""
        dropped = self.text[: self.position]
        newlines = dropped.count("\n")
        if newlines:
            self.dropped_lines += newlines
            self.dropped_column = len(dropped) - dropped.rfind("\n") - 1
        else:
            self.dropped_column += len(dropped)
        parts, size = [self.text[self.position :]], 0
        self.position = 0
        while size < at_least and not self.at_end:
            data = self.stream.read(READ_SIZE)
            self.at_end = len(data) < READ_SIZE
            try:
                text = self.utf8.decode(data, final=self.at_end)
            except UnicodeDecodeError as error:
                start = self.bytes_read - len(self.utf8.getstate()[0]) + error.start
                raise ImportFailed(
                    _("The file is not UTF-8 text (byte %(byte)s).") % {"byte": start}
                ) from error
            self.bytes_read += len(data)
            parts.append(text)
            size += len(text)
        self.text = "".join(parts)

    def where(self, position):
        """(line, column) in the file of a position in the window, counted from 1."""
        newlines = self.text.count("\n", 0, position)
        if newlines:
            return self.dropped_lines + newlines + 1, position - self.text.rfind("\n", 0, position)
        return self.dropped_lines + 1, self.dropped_column + position + 1

    def fail(self, msg, position):
        raise _NotJSON(msg, *self.where(position))

    def peek(self):
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            self.position = _WHITESPACE.match(self.text, self.position).end()
            if self.position < len(self.text) or self.at_end:
                return self.text[self.position : self.position + 1]
            self.read_more()

    def value(self):
        """The JSON value at the current position. A value cut off by the end of the window
        fails to parse (or might parse short, if a number): the window grows and it is parsed
        again; at the end of the file, its error is the file's."""
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.position)
                if end < len(self.text) or self.at_end:
                    self.position = end
                    return value
            except json.JSONDecodeError as error:
                if self.at_end:
                    self.fail(error.msg, error.pos)
            except (ValueError, RecursionError):
                if self.at_end:
                    raise
            self.read_more(at_least=max(READ_SIZE, len(self.text) - self.position))

    def records(self):
        """Each record of the list in turn; _NotJSON, RecursionError or ValueError if the file
        is not valid JSON, ImportFailed if it is valid but not a list."""
        self.read_more()
        first = self.peek()
        if first != "[":
            # Not a fixture: read whole (it is within the size limit) to say why.
            self.read_more(at_least=float("inf"))
            try:
                json.loads(self.text)
            except json.JSONDecodeError as error:
                raise _NotJSON(error.msg, error.lineno, error.colno) from None
            raise ImportFailed(_("The file is not a fixture: it should be a JSON list of records."))
        self.position += 1
        if self.peek() == "]":
            self.position += 1
        else:
            while True:
                yield self.value()
                following = self.peek()
                self.position += 1
                if following == "]":
                    break
                if following != ",":
                    self.fail("Expecting ',' delimiter", self.position - 1)
                self.peek()
        if self.peek():
            self.fail("Extra data", self.position)


class FixtureFile:
    """The records of a fixture file (its bytes, or the path of the file), parsed afresh each
    time they are iterated, so that the records are never all in memory at once.

    Made by `read_fixture`, which checks the whole file first.
    """

    def __init__(self, source, count):
        self.source, self.count = source, count

    def __len__(self):
        return self.count

    def __iter__(self):
        return _records(self.source)


def _records(source):
    with _opened(source) as stream:
        try:
            yield from _RecordReader(stream).records()
        except _NotJSON as error:
            raise ImportFailed(
                _("The file is not valid JSON: %(problem)s at line %(line)s, column %(column)s.")
                % {"problem": error.msg, "line": error.line, "column": error.column}
            ) from None
        except RecursionError:
            raise ImportFailed(
                _("The file is not a fixture: its values are nested too deeply.")
            ) from None
        except ValueError as error:  # a number of more than 4,300 digits
            raise ImportFailed(
                _("The file cannot be read: %(error)s.") % {"error": error}
            ) from None


def _opened(source):
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    return open(source, "rb")  # noqa: SIM115 (closed by the caller's `with`)


def read_fixture(source):
    """The records of a fixture, from its bytes, its text or its path (a Path): a FixtureFile,
    after reading the whole file once to check it is a JSON list of at most
    IMPORT_MAX_RECORDS records; or ImportFailed saying what is wrong."""
    if isinstance(source, str):  # the text of a file
        source = source.encode()
    if isinstance(source, bytes | bytearray):
        check_size(len(source))
    else:
        check_size(os.stat(source).st_size)
    count = sum(1 for _record in _records(source))
    if count > settings.IMPORT_MAX_RECORDS:
        raise ImportFailed(
            _(
                "The file holds %(count)s records; the limit is %(limit)s "
                "(DJANGO_IMPORT_MAX_RECORDS). Split it."
            )
            % {
                "count": formats.number_format(count, force_grouping=True),
                "limit": formats.number_format(settings.IMPORT_MAX_RECORDS, force_grouping=True),
            }
        )
    return FixtureFile(source, count)


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
    described = f"{str(label)[:100]}{f' “{name[:100]}”' if name else ''}"
    return _("Record %(number)s (%(record)s)") % {"number": index, "record": described}


def _format_key(value):
    if not isinstance(value, list | tuple):
        return str(value)
    return " / ".join(str(_("undated")) if part is None else str(part) for part in value)


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
        # Pass 1 keeps, per record, only its key and where it is in the file; pass 2 reads the
        # file again and writes it in batches, so memory does not grow with its records.
        self.writing = False
        self.keys = defaultdict(dict)  # model -> {natural key: _Reference}
        self.seen = defaultdict(dict)  # pass 1: model -> {natural key: where it is in the file}
        self.pending = defaultdict(dict)  # pass 2: model -> {natural key: _Pending}, a batch
        self.stored = {}  # model -> whether its table held records before the import
        # New records that may duplicate stored ones: (key, instance) of the first
        # MAX_DUPLICATE_CHECKS, and how many there are.
        self.new_people, self.new_people_count = [], 0
        self.written = defaultdict(list)  # pass 2: model -> primary keys of the records written
        self.publishing = defaultdict(dict)  # pass 2: model -> {pk: where} of records made public

    # --- Pass 1: read, resolve, validate, compare -----------------------------------------

    def reference(self, model, key, where, field):
        """The record of `model` with natural key `key` (or primary key, if not a list),
        earlier in the file or stored."""
        if not _is_key(key):
            raise ImportFailed(
                _(
                    "%(where)s: %(field)s should be the key of a %(model)s "
                    '(a list such as ["BY"]), not %(type)s %(value)s.'
                )
                % {
                    "where": where,
                    "field": field.verbose_name,
                    "model": model._meta.verbose_name,
                    "type": type(key).__name__,
                    "value": str(key)[:50],
                }
            )
        natural = isinstance(key, list)
        memo = tuple(key) if natural else ("pk", key)
        if memo not in self.keys[model]:
            manager = model._default_manager
            try:
                stored = manager.get_by_natural_key(*key) if natural else manager.get(pk=key)
            except (ObjectDoesNotExist, *MALFORMED, ValidationError):
                raise ImportFailed(
                    _(
                        "%(where)s: %(field)s refers to %(model)s “%(key)s”, which is neither "
                        "earlier in the file nor in the database."
                    )
                    % {
                        "where": where,
                        "field": field.verbose_name,
                        "model": model._meta.verbose_name,
                        "key": _format_key(key),
                    }
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
            nested = isinstance(error, RecursionError)
            problem = _("values nested too deeply") if nested else error
            raise ImportFailed(
                _("%(where)s cannot be read: %(problem)s.") % {"where": where, "problem": problem}
            ) from None

    def read_record(self, where, record):
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise ImportFailed(
                _("%(where)s is not a fixture record: it needs “model” and “fields”.")
                % {"where": where}
            )
        label = str(record.get("model", "")).lower()
        model = self.models.get(label)
        if model is None:
            known = ", ".join(sorted(self.models))
            raise ImportFailed(
                _("%(where)s: unknown model “%(model)s”. The file may hold: %(known)s.")
                % {"where": where, "model": label[:100], "known": known}
            )
        values = record["fields"]  # a numeric "pk" is never trusted
        instance, references, links = self.build(model, values, where)
        key = self.natural_key(model, instance, where)
        if key in self.seen[model]:
            raise ImportFailed(
                _(
                    "%(first)s and %(second)s are both %(model)s “%(key)s”: a file may hold a "
                    "record only once. Remove one of them."
                )
                % {
                    "first": self.seen[model][key],
                    "second": _lower_first(where),
                    "model": model._meta.verbose_name,
                    "key": _format_key(key),
                }
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
                f"{where}: "
                + "; ".join(
                    _("%(field)s: This field cannot be null.") % {"field": name} for name in missing
                )
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
            if cleaned_key in self.seen[model]:
                raise ImportFailed(
                    _("%(where)s: it would get the key “%(key)s” of %(other)s. Give it its own.")
                    % {
                        "where": where,
                        "key": _format_key(cleaned_key),
                        "other": self.seen[model][cleaned_key],
                    }
                )
            key = cleaned_key
        formatted = _format_key(list(key))
        tag = f"{label} {formatted}"

        pending = _Pending(where, instance, references, links, _Reference(key))
        imported = ImportedRecord(label, formatted, "created", kept_visibility=kept_visibility)
        if existing is None:
            if not self.writing:
                self.report.fingerprint[tag] = "new"
                self.note_possible_duplicate(model, formatted, instance)
        else:
            pending.stored = self.snapshot(existing)
            if not self.writing:
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
        if self.writing:
            self.pending[model][key] = pending
        else:
            self.seen[model][key] = where
        return imported

    def note_possible_duplicate(self, model, key, instance):
        """Keep a new person to compare with the people stored before the import (only they
        can be duplicated: self.stored, see stored_record())."""
        duplicable = self.check_duplicates and self.stored[model]
        if duplicable and hasattr(instance, "possible_duplicates"):
            self.new_people_count += 1
            if len(self.new_people) < MAX_DUPLICATE_CHECKS:
                self.new_people.append((key, instance))

    def natural_key(self, model, instance, where):
        try:
            return tuple(instance.natural_key())
        except MALFORMED:
            missing = _missing_key_fields(model, instance)
            if missing:
                message = ngettext(
                    "%(where)s: its key cannot be made without %(fields)s: a %(model)s needs it "
                    "to be told apart from others.",
                    "%(where)s: its key cannot be made without %(fields)s: a %(model)s needs "
                    "them to be told apart from others.",
                    len(missing),
                )
            else:
                message = _(
                    "%(where)s: its key cannot be made without all the fields of its key: "
                    "a %(model)s needs them to be told apart from others."
                )
            raise ImportFailed(
                message
                % {
                    "where": where,
                    "fields": str(_(" and ")).join(missing),
                    "model": model._meta.verbose_name,
                }
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
                        (
                            _("%(where)s: %(field)s: expected a single value, not a list.")
                            if isinstance(value, list)
                            else _(
                                "%(where)s: %(field)s: expected a single value, not a JSON object."
                            )
                        )
                        % {"where": where, "field": model_field.name}
                    )
                try:
                    setattr(instance, model_field.attname, model_field.to_python(value))
                except ValidationError as error:
                    raise ImportFailed(f"{where}: {model_field.name}: {_problems(error)}") from None
                except MALFORMED:
                    raise ImportFailed(
                        _("%(where)s: %(field)s: “%(value)s” is not a valid value.")
                        % {"where": where, "field": model_field.name, "value": str(value)[:50]}
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
                raise ImportFailed(
                    _("%(where)s: “%(field)s” should be a list.")
                    % {"where": where, "field": model_field.name}
                )
            links[model_field] = [
                self.reference(model_field.related_model, key, where, model_field) for key in keys
            ]
        return instance, references, links

    def find_possible_duplicates(self):
        """New people who may be people already stored under another spelling (the model's
        `possible_duplicates()` hook), up to MAX_DUPLICATE_CHECKS of them."""
        for key, instance in self.new_people:
            matches = instance.possible_duplicates()
            if matches:
                self.report.possible_duplicates.append((key, str(instance), matches))
        self.report.unchecked_duplicates = self.new_people_count - len(self.new_people)
        self.new_people = []

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

    # --- Pass 2: read again, write --------------------------------------------------------

    def write(self, records):
        """Read the records again (pass 1 found them good) and write them a batch at a time:
        a record refers only to records before it in the file, written by then, or stored."""
        self.writing = True
        self.seen.clear()
        self.keys.clear()  # records new to the database get their keys again, with their pks
        for index, record in enumerate(records, start=1):
            for current in upgraded(record):
                self.read(index, current)
            if sum(len(batch) for batch in self.pending.values()) >= BATCH_SIZE:
                self.flush()
        self.flush()
        # After every record: a record's sources may be records of another model (the
        # sources a person freed cites), written after it.
        for model, publishing in self.publishing.items():
            self.check_published(model, publishing)
        for model, pks in self.written.items():
            try:
                services.records_written.send(sender=model, pks=pks)
            except ValidationError as error:
                raise ImportFailed(" ".join(error.messages)) from None

    def flush(self):
        """Write the records read since the last flush, model by model, parents first."""
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
            self.written[model] += [pending.instance.pk for pending in records]
            self.publishing[model].update(
                (pending.instance.pk, pending.where)
                for pending in records
                if getattr(pending.instance, "visibility", None) == Visibility.PUBLIC
                and (pending.stored or {}).get("visibility") != Visibility.PUBLIC
            )
        self.pending.clear()

    @staticmethod
    def check_published(model, publishing):
        """A record the import makes public ({pk: where}) must cite a source, as anywhere on
        the site."""
        unsourced = services.unsourced(model, list(publishing))
        if unsourced:
            where = [publishing[pk] for pk in unsourced]
            more = _(" and %(count)s more") % {"count": len(where) - 5} if len(where) > 5 else ""
            raise ImportFailed(
                _(
                    "%(records)s: a public record must cite at least one source. "
                    "Add its sources to the file, or keep new records restricted."
                )
                % {"records": f"{', '.join(where[:5])}{more}"}
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
                    problem = _("the database refused it (%(error)s)") % {
                        "error": str(error).strip()
                    }
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
        job.write(records)
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
        more = _(" and %(count)s more") % {"count": len(changed) - 5} if len(changed) > 5 else ""
        raise PreviewOutdated(
            _(
                "%(records)s changed since the preview; preview again to see what the import "
                "would do now."
            )
            % {"records": f"{names}{more}"}
        )

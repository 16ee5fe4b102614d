"""Pass 1 of an import: each record of the file resolved, validated and compared with the
record stored under its natural key (the preview)."""

import inspect

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.history import history_model
from tracker.imports.report import (
    Conflict,
    ImportedRecord,
    ImportFailed,
    _describe,
    _fingerprint_value,
    _format_key,
    _lower_first,
    _shown,
)
from tracker.models import Publishable, Versioned, Visibility
from tracker.records import kind_of
from tracker.services import MALFORMED, BulkRow, describe_invalid

# Fields the site sets itself, or that follow from others: never read from a file (a file may
# carry them, as downloads do) and never reported as changes.
SITE_FIELDS = {"created_at", "updated_at", "search_key", "sort_name", "version", "published_at"}
# Each possible duplicate is a name search; past this many new people the preview says so.
MAX_DUPLICATE_CHECKS = 1000


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


class _Pending(BulkRow):
    """A record of the file as pass 1 matched it: where it is in the file, its instance, its
    references and links (`_Reference`s), and the compared values of the stored record it
    changes, if any."""

    @property
    def needs_writing(self):
        return self.stored is None or bool(
            _differences(self.stored, ReadPass.snapshot(self.instance, self.links))
        )


def _differences(before, after):
    """The names of the compared fields whose values differ."""
    return [name for name, value in after.items() if before.get(name) != value]


# The history's change reason of the entries an import writes: a record whose latest entry is
# one of them holds what an import wrote, whatever time the import stamped on it.
IMPORT_REASON = "import"


def _written_by_an_import(record):
    """Whether nothing changed `record` here since an import wrote it (its latest history entry
    is the import's): a record an import stamped with its own time is not "changed here"."""
    historical = history_model(type(record))
    if historical is None:
        return False
    latest = (
        historical._default_manager.filter(**{record._meta.pk.attname: record.pk})
        .order_by("-history_date", "-history_id")
        .values_list("history_change_reason", flat=True)
        .first()
    )
    return latest == IMPORT_REASON


def _changes(model, before, after, names):
    """(field, value stored, value written, links added, links removed) of each changed field,
    as the preview shows them."""
    changes = []
    for name in names:
        model_field = model._meta.get_field(name)
        old, new = before.get(name), after[name]
        added = removed = ""
        if isinstance(new, set):
            added = _shown(model_field, new - (old or set()), empty="")
            removed = _shown(model_field, (old or set()) - new, empty="")
        changes.append((name, _shown(model_field, old), _shown(model_field, new), added, removed))
    return changes


def _relation_fields(model):
    return [f for f in model._meta.concrete_fields if f.is_relation and not f.primary_key]


def _link_fields(model):
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


class ReadPass:
    """Pass 1 of an `_Import`: read, resolve, validate, compare."""

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
                isinstance(instance, Publishable)
                and not self.apply_visibility
                and instance.visibility != existing.visibility
            ):
                kept_visibility = (existing.visibility, instance.visibility)
                instance.visibility = existing.visibility
        else:
            if self.restrict_new and isinstance(instance, Publishable):
                instance.visibility = Visibility.RESTRICTED
            if isinstance(instance, Versioned):
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
            raise ImportFailed(f"{where}: {describe_invalid(error)}") from None
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
            if not self.replace_links:
                # A list adds to the links stored: what is stored stays linked.
                for model_field, references in links.items():
                    listed = {reference.pk for reference in references}
                    references += [
                        _Reference(None, pk)
                        for pk in sorted(pending.stored[model_field.name] - listed)
                    ]
            in_file = self.snapshot(instance, links)
            imported.changed_fields = _differences(pending.stored, in_file)
            imported.action = "changed" if imported.changed_fields else "unchanged"
            if not self.writing:
                imported.changes = _changes(model, pending.stored, in_file, imported.changed_fields)
            imported.conflict = self.conflict(model, existing, values, imported, pending, where)
            if imported.conflict and imported.conflict.choice == "stored":
                # Kept as it is here: nothing of the file's version is written.
                pending.instance, pending.references, pending.links = existing, {}, {}
                imported.action = "kept"
            elif (
                imported.changed_fields
                and getattr(existing, "visibility", None) == Visibility.PUBLIC
                and not self.writing
            ):
                imported.public_change = True
        self.keys[model][key] = pending.reference
        for alias in aliases:
            self.keys[model].setdefault(alias, pending.reference)
        if self.writing:
            self.pending[model][key] = pending
        else:
            self.seen[model][key] = where
        return imported

    def note_possible_duplicate(self, model, key, instance):
        """Keep a new record of a kind with an identity beyond its slug (a person's names, a
        measure's issuer and identifier) to compare with the records stored before the import
        (only they can be duplicated: self.stored, see stored_record())."""
        kind = kind_of(model)
        duplicable = self.check_duplicates and self.stored[model]
        if duplicable and (kind.possible_duplicates or kind.same_record):
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
            raise ImportFailed(f"{where}: updated_at: {describe_invalid(error)}") from None
        if file_at is None:
            return None
        if timezone.is_naive(file_at):
            file_at = timezone.make_aware(file_at, timezone.get_default_timezone())
        # Downloads write times to the millisecond: a record changed within the same
        # millisecond as the file's version of it is that version.
        if stored_at.replace(microsecond=stored_at.microsecond // 1000 * 1000) <= file_at:
            return None
        if _written_by_an_import(existing):
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
        if self.overwrite_newer or imported.tag in self.take_file_version:
            choice = "file"
        elif imported.tag in self.keep_stored:
            choice = "stored"
        else:
            choice = None
        return Conflict(imported.tag, fields, choice)

    def build(self, model, values, where):
        """An unsaved instance of the record, its foreign keys and its many-to-many links."""
        importable = {f.name for f in model._meta.concrete_fields if not f.primary_key}
        importable |= {f.name for f in _link_fields(model)}
        for name in values:
            if name in SITE_FIELDS:
                continue
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist as error:
                raise ImportFailed(f"{where}: {str(error)[:200]}") from None
            if name not in importable:
                # A many-to-many with its own rows (a person freed's sources, with a stance) or
                # a reverse relation: nothing here would write it, so it is refused, not dropped.
                raise ImportFailed(
                    _(
                        "%(where)s: “%(field)s” cannot be imported on a %(model)s: its rows are "
                        "records of their own in the file (see the site's downloads)."
                    )
                    % {"where": where, "field": name, "model": model._meta.verbose_name}
                )
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
                    raise ImportFailed(
                        f"{where}: {model_field.name}: {describe_invalid(error)}"
                    ) from None
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
        """New people who may be people already stored under another spelling (their kind's
        `possible_duplicates`), and new records with the identity of a stored one (their kind's
        `same_record`), up to MAX_DUPLICATE_CHECKS of them."""
        for key, instance in self.new_people:
            kind = kind_of(type(instance))
            if kind.possible_duplicates:
                matches = kind.possible_duplicates(instance)
                if matches:
                    self.report.possible_duplicates.append((key, str(instance), matches))
            if kind.same_record:
                matches = kind.same_record(instance)
                if matches:
                    tag = f"{kind.label} {key}"
                    self.report.same_records.append((tag, str(instance), matches))
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

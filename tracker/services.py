"""Writes that every path takes: the admin's forms, inline rows and actions, history restore,
the importer and the commands. Each is a `@service` (tracker.write_path): nothing else may
write a record.

The importer writes in bulk (tracker.imports) and keeps the same rules: it writes the next
`version` of every record it changes, and calls `check_publishable` before it publishes.

Two rules live here:
- **No lost update.** A writer says which `version` of a record it saw; `check_current` locks
  the row and refuses the write when someone saved the record since, saying who and what.
- **Publishing needs a source.** Every public fact cites where it comes from.
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.models import Visibility
from tracker.records import kind_of
from tracker.write_path import service

BATCH_SIZE = 1000


class StaleRecord(ValidationError):
    """The record changed since the writer saw it. `current` is the record as it is now,
    `changes` what was saved to it meanwhile (changes_since)."""

    def __init__(self, message, *, current, changes=()):
        super().__init__(message, code="stale")
        self.current = current
        self.changes = list(changes)


def changes_since(record, seen_version):
    """What was saved to `record` after `seen_version`: [(who, when, [field labels])], oldest first.

    Read from the audit history; an entry whose author is unknown (a command, a fixture) says
    "someone".
    """
    history = getattr(record, "history", None)
    if history is None:
        return []
    entries = list(
        history.filter(version__gt=seen_version or 0)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = []
    for entry in entries:
        previous = entry.prev_record
        if previous is None:
            fields = []
        else:
            delta = entry.diff_against(previous, foreign_keys_are_objs=False)
            fields = [
                str(record._meta.get_field(change.field).verbose_name)
                for change in delta.changes
                if change.field != "version"
            ]
        who = entry.history_user.get_username() if entry.history_user else _("someone")
        changes.append((who, entry.history_date, fields))
    return changes


def describe_changes(changes):
    """One sentence a change of `changes_since()`: "Boris saved it on 27 Nov 2026, 10:02
    (visibility, sentence)."."""
    sentences = []
    for who, when, fields in changes:
        when = formats.date_format(when, "DATETIME_FORMAT")
        changed = f" ({', '.join(fields)})" if fields else ""
        sentences.append(
            _("%(who)s saved it on %(when)s%(changed)s.")
            % {"who": who, "when": when, "changed": changed}
        )
    return " ".join(sentences)


def stale_message(changes, *, advice):
    """Why a write was refused as stale, who saved what since (`changes_since()`), and what to
    do (`advice`)."""
    parts = (
        _("This record changed after you opened it, so nothing was saved."),
        describe_changes(changes),
        advice,
    )
    return " ".join(str(part) for part in parts if part)


def check_current(record, seen_version):
    """Lock `record`'s row until the transaction ends and return it as stored, or raise
    StaleRecord when it was saved, or deleted, after the writer saw `seen_version`."""
    model = type(record)
    current = model._default_manager.select_for_update().filter(pk=record.pk).first()
    if current is None:
        raise StaleRecord(
            _("This record was deleted after you opened it. Nothing was saved."), current=None
        )
    if seen_version is None or current.version != seen_version:
        changes = changes_since(current, seen_version) if seen_version else []
        advice = _(
            "Your entries are kept below: check them against the record as it is now (open it "
            "in a new tab), then save again."
        )
        raise StaleRecord(stale_message(changes, advice=advice), current=current, changes=changes)
    return current


def publication_problems(record, *, sources=None):
    """Why `record` may not be public, in plain words; empty when it may.

    `sources`: the sources it will cite, when a form is about to change them; by default, those
    stored. Records without a `sources` field (countries) need none.
    """
    if not any(field.name == "sources" for field in record._meta.many_to_many):
        return []
    if sources is None:
        sources = record.sources.all() if record.pk else []
    if not any(True for _source in sources):
        return [_("it cites no source: add at least one before publishing")]
    return []


def becomes_public(record, stored):
    """Whether saving `record` over `stored` (None: a new record) publishes it."""
    public = getattr(record, "visibility", None) == Visibility.PUBLIC
    return public and getattr(stored, "visibility", None) != Visibility.PUBLIC


def unsourced(model, pks):
    """The primary keys among `pks` of records that cite no source: the batch form of
    `publication_problems`, for writers of many records."""
    field = next((f for f in model._meta.many_to_many if f.name == "sources"), None)
    if field is None:
        return []
    through = field.remote_field.through
    cited = through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")})
    found = []
    for start in range(0, len(pks), BATCH_SIZE):
        batch = model._default_manager.filter(pk__in=pks[start : start + BATCH_SIZE])
        found += batch.exclude(Exists(cited)).values_list("pk", flat=True)
    return found


def check_publishable(record, *, sources=None):
    problems = publication_problems(record, sources=sources)
    if problems:
        raise ValidationError(
            _("This record cannot be public: %(problems)s."),
            params={"problems": "; ".join(problems)},
            code="unpublishable",
        )


@service
def save_record(
    record,
    *,
    user,
    seen_version=None,
    update_fields=None,
    sources=None,
    check_sources=True,
    links=None,
):
    """Save `record` as the next version, refusing if it changed since `seen_version`.

    For a new record `seen_version` is ignored. A record that becomes public must be
    publishable, with `sources` when a form is about to change them (see
    `publication_problems`); `check_sources=False` where the caller checked the sources it is
    about to save after the record. `links`: {many-to-many field name: the related records} to
    set with it. The history entry names `user`.
    """
    stored = None
    versioned = kind_of(type(record)).versioned
    if record.pk is not None and not record._state.adding:
        if versioned:
            stored = check_current(record, seen_version)
            record.version = stored.version + 1
            if update_fields is not None:
                update_fields = {*update_fields, "version"}
        else:
            stored = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if check_sources and becomes_public(record, stored):
        check_publishable(record, sources=sources)
    record._history_user = user
    record.save(update_fields=update_fields)
    for name, related in (links or {}).items():
        record._meta.get_field(name).save_form_data(record, related)
    return record


@service
def delete_record(record, *, user, seen_version=None):
    """Delete `record` (and what cascades from it), refusing if it changed since the deleter saw
    `seen_version` (None: no check, as a bulk delete of rows listed without versions)."""
    if seen_version is not None and kind_of(type(record)).versioned:
        check_current(record, seen_version)
    record._history_user = user
    record.delete()


def set_visibility(records, visibility, *, user, seen_versions):
    """Publish or restrict each record, each in its own check: the records it did (a list) and
    the ones it refused, with the reason ({record: message}).

    `seen_versions`: {pk: version} as the editor saw them; a record changed since is refused.
    """
    done, refused = [], {}
    for record in records:
        if record.visibility == visibility:
            continue
        record.visibility = visibility
        fields = ["visibility", "updated_at"]
        if any(field.name == "published_at" for field in record._meta.fields):
            fields.append("published_at")  # stamped on first publication (pre_save)
        try:
            save_record(
                record,
                user=user,
                seen_version=seen_versions.get(record.pk, record.version),
                update_fields=fields,
            )
        except ValidationError as error:
            refused[record] = " ".join(error.messages)
        else:
            done.append(record)
    return done, refused


def check_stored(model, pks):
    """The rules across records that the app of `model` declares (RecordKind.check_stored),
    over the records `pks` as stored: for writers of many records at once (the importer),
    inside their transaction. Raises ValidationError to refuse."""
    kind = kind_of(model)
    if kind is not None and kind.check_stored is not None and pks:
        kind.check_stored(pks)


def refused_message(refused):
    return ngettext(
        "%(count)d record was not changed: %(reasons)s",
        "%(count)d records were not changed: %(reasons)s",
        len(refused),
    ) % {
        "count": len(refused),
        "reasons": " ".join(f"“{record}”: {reason}" for record, reason in refused.items()),
    }

"""Writes that every path takes: the admin's forms, inline rows and actions, history restore,
the importer and the commands. Each is a `@service` (tracker.write_path): nothing else may
write a record.

Writers of many records at once (the importer, tracker.imports) hand them to `write_in_bulk`,
which writes them a batch at a time and keeps the same rules: the next `version` of every record
it changes, a history entry naming the user, a source for every record it publishes, and the
rules across stored records that the record kinds declare.

Two rules live here:
- **No lost update.** A writer says which `version` of a record it saw; `check_current` locks
  the row and refuses the write when someone saved the record since, saying who and what.
- **Publishing needs a source.** Every public fact cites where it comes from.
"""

import functools
import operator
from collections import defaultdict
from dataclasses import dataclass

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_save
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker import figures, history
from tracker.models import Visibility
from tracker.records import kind_of
from tracker.write_path import service

BATCH_SIZE = 1000
# Python's own errors on values of the wrong shape (a dict for a date, a list for a number):
# what reading a record may raise, and what a database adapter may raise for a value it cannot
# send.
MALFORMED = (TypeError, ValueError, AttributeError, LookupError, ArithmeticError, RecursionError)


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


def sources_field(model):
    """The many-to-many field of what `model`'s records cite, or None (countries cite none)."""
    return next((field for field in model._meta.many_to_many if field.name == "sources"), None)


def cites_a_source(model, record="pk"):
    """An expression for a queryset: whether the record of `model` at `record` (a path from the
    queryset's rows) cites a source; always true for a model whose records need none."""
    field = sources_field(model)
    if field is None:
        return Value(True)
    through = field.remote_field.through
    return Exists(through.objects.filter(**{field.m2m_field_name(): OuterRef(record)}))


def source_problems(cites_source):
    """`publication_problems` for a writer that read whether the record cites a source."""
    return [] if cites_source else [_("it cites no source: add at least one before publishing")]


def publication_problems(record, *, sources=None):
    """Why `record` may not be public, in plain words; empty when it may.

    `sources`: the sources it will cite, when a form is about to change them; by default, those
    stored. Records without a `sources` field (countries) need none.
    """
    if sources_field(type(record)) is None:
        return []
    if sources is None:
        sources = record.sources.all() if record.pk else []
    return source_problems(any(True for _source in sources))


def becomes_public(record, stored):
    """Whether saving `record` over `stored` (None: a new record) publishes it."""
    public = getattr(record, "visibility", None) == Visibility.PUBLIC
    return public and getattr(stored, "visibility", None) != Visibility.PUBLIC


def unsourced(model, pks):
    """The primary keys among `pks` of records that cite no source: the batch form of
    `publication_problems`, for writers of many records."""
    if sources_field(model) is None:
        return []
    found = []
    for start in range(0, len(pks), BATCH_SIZE):
        batch = model._default_manager.filter(pk__in=pks[start : start + BATCH_SIZE])
        found += batch.exclude(cites_a_source(model)).values_list("pk", flat=True)
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
    checked=None,
    update_fields=None,
    sources=None,
    check_sources=True,
    links=None,
):
    """Save `record` as the next version, refusing if it changed since `seen_version`.

    For a new record `seen_version` is ignored. `checked`: the record as `check_current`
    returned it for `seen_version` earlier in this transaction (a form's validation), its row
    locked since: it is not read again. A record that becomes public must be publishable, with
    `sources` when a form is about to change them (see `publication_problems`);
    `check_sources=False` where the caller checked the sources it is about to save after the
    record. `links`: {many-to-many field name: the related records} to set with it. The history
    entry names `user`.
    """
    stored = None
    versioned = kind_of(type(record)).versioned
    if record.pk is not None and not record._state.adding:
        if versioned:
            stored = checked or check_current(record, seen_version)
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

    `seen_versions`: {pk: version} as the editor saw them. A record changed since is refused,
    and so is one without a version seen (a request that did not carry it, records selected
    across pages the editor did not see): nothing is changed to it.
    """
    done, refused = [], {}
    for record in records:
        if record.visibility == visibility:
            continue
        seen_version = seen_versions.get(record.pk)
        if seen_version is None:
            refused[record] = _(
                "The page did not say which version of it you saw, so it was not changed: "
                "select it in the list as it is now, and choose again."
            )
            continue
        record.visibility = visibility
        fields = ["visibility", "updated_at"]
        if any(field.name == "published_at" for field in record._meta.fields):
            fields.append("published_at")  # stamped on first publication (pre_save)
        try:
            save_record(record, user=user, seen_version=seen_version, update_fields=fields)
        except ValidationError as error:
            refused[record] = " ".join(error.messages)
        else:
            done.append(record)
    return done, refused


# Records an UPDATE matches at their versions: a condition of one term per version (SQLite nests
# every OR of a condition, and refuses past 1,000 levels).
VERSIONS_A_STATEMENT = 100


def _at_versions(seen):
    """(condition, records) batches: each condition matches its records (of `seen`, {pk:
    version}) each at the version seen, and nothing else."""
    batch, versions = [], set()
    for pk, version in sorted(seen.items(), key=lambda item: (item[1], item[0])):
        full = len(batch) == BATCH_SIZE
        if full or (version not in versions and len(versions) == VERSIONS_A_STATEMENT):
            yield _matching(batch), batch
            batch, versions = [], set()
        batch.append((pk, version))
        versions.add(version)
    if batch:
        yield _matching(batch), batch


def _matching(pairs):
    by_version = defaultdict(list)
    for pk, version in pairs:
        by_version[version].append(pk)
    return functools.reduce(
        operator.or_, (Q(version=version, pk__in=pks) for version, pks in by_version.items())
    )


def _refuse_changed(model, batch, written_at):
    """The UPDATE of `batch` ([(pk, version seen)]), stamped `written_at`, missed some of its
    records: say which changed or went since, and who changed them (the service's transaction
    is undone)."""
    stored = model._base_manager.in_bulk([pk for pk, _version in batch])
    reasons = []
    for pk, version in batch:
        current = stored.get(pk)
        if current is None:
            reasons.append(_("A record you listed was deleted since."))
        elif current.updated_at != written_at:  # not written by this UPDATE
            changes = describe_changes(changes_since(current, version)) or _("It changed.")
            reasons.append(f"“{current}”: {changes}")
    raise ValidationError(
        " ".join(
            [
                _("Records changed after you opened the page, so nothing was published."),
                *reasons,
                _("Check them and publish again."),
            ]
        ),
        code="stale",
    )


@service
def publish_listed(records, *, user, seen_versions):
    """Publish `records`, all or none, each loaded as stored at the version the editor saw
    (`seen_versions`: {(model label, pk): version}).

    In bulk, with the rules a record published alone keeps: a model's records in one UPDATE
    that matches each at the version seen, so that a record changed or deleted since refuses
    them all, as does one that cites no source; a history entry a record naming `user`, with its
    links as they stand; the figures invalidated once. Returns the records, as now stored.
    """
    now = timezone.now()
    by_model = defaultdict(dict)
    for record in records:  # a person freed twice in an event is listed twice
        by_model[type(record)][record.pk] = record
    for model, listed in by_model.items():
        group = list(listed.values())
        seen = {record.pk: seen_versions[(model._meta.label_lower, record.pk)] for record in group}
        links = history.current_links(model, list(seen))
        field = sources_field(model)
        if field in links:  # read for the history: the sources the rule looks at
            cited = links[field]
            unsourced_pks = [pk for pk in seen if not cited.get(pk)]
        else:
            unsourced_pks = unsourced(model, list(seen))
        if unsourced_pks:
            names = ", ".join(f"“{record}”" for record in group if record.pk in unsourced_pks)
            raise ValidationError(
                _("%(records)s cannot be published: %(problems)s."),
                params={"records": names, "problems": "; ".join(source_problems(False))},
                code="unpublishable",
            )
        values = {"visibility": Visibility.PUBLIC, "version": F("version") + 1, "updated_at": now}
        stamps_publication = any(f.name == "published_at" for f in model._meta.concrete_fields)
        if stamps_publication:  # the first publication's time, kept when published again
            values["published_at"] = Coalesce("published_at", Value(now))
        for condition, batch in _at_versions(seen):
            if model._base_manager.filter(condition).update(**values) != len(batch):
                _refuse_changed(model, batch, now)
        for record in group:
            record.visibility, record.version = Visibility.PUBLIC, seen[record.pk] + 1
            record.updated_at = now
            if stamps_publication and record.published_at is None:
                record.published_at = now
        history.write_history(model, changed=group, user=user, date=now, links=links)
    figures.invalidate()  # a queryset's UPDATE sends no signal
    return [record for listed in by_model.values() for record in listed.values()]


def check_stored(model, pks):
    """The rules across records that the app of `model` declares (RecordKind.check_stored),
    over the records `pks` as stored: for writers of many records at once (the importer),
    inside their transaction. Raises ValidationError to refuse."""
    kind = kind_of(model)
    if kind is not None and kind.check_stored is not None and pks:
        kind.check_stored(pks)


def describe_invalid(error):
    """A ValidationError in plain words: "field: message; other message"."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
        for name, messages in error.message_dict.items()
    )


# Records a refusal names for each reason; the message counts the others.
NAMED_A_REASON = 10


def refused_message(refused):
    """ "2 records were not changed: “A”, “B”: why." of {record: why}, the records that share a
    reason named together."""
    by_reason = {}
    for record, reason in refused.items():
        by_reason.setdefault(reason, []).append(f"“{record}”")
    reasons = []
    for reason, names in by_reason.items():
        more = len(names) - NAMED_A_REASON
        named = ", ".join(names[:NAMED_A_REASON])
        if more > 0:
            named += _(" and %(count)s more") % {"count": more}
        reasons.append(f"{named}: {reason}")
    return ngettext(
        "%(count)d record was not changed: %(reasons)s",
        "%(count)d records were not changed: %(reasons)s",
        len(refused),
    ) % {"count": len(refused), "reasons": " ".join(reasons)}


@dataclass(eq=False)
class BulkRow:
    """One record for `write_in_bulk`, as its writer matched it with what is stored.

    - `instance`: the record as it is to be stored (a stored record's with its primary key).
    - `stored`: None for a new record; otherwise the stored values the writer compared it with
      (their "visibility" tells whether this write publishes it).
    - `references` ({foreign key field: stand-in}) and `links` ({many-to-many field: [stand-ins]})
      the records it refers to, which may be new ones of an earlier batch or model: a stand-in is
      anything with a `pk`, read when the row is written. `links` holds the whole list of a
      field after the write (the writer added the stored links to the new ones, or chose to
      replace them); a field left out keeps its links.
    - `reference`: the stand-in the other rows refer to it by; it gets the `pk` of a new record.
    - `where`: how a refusal names it ("Record 12 (prisoners.prisoner “ales-taraschyk”)").
    """

    where: str
    instance: object
    references: dict
    links: dict
    reference: object
    stored: dict = None


@service
def write_in_bulk(batches, *, user, reason):
    """Write many records in one transaction, a batch at a time, and keep every write's rules.

    `batches` yields batches ({model: [BulkRow]}); it may be a generator that reads the next
    batch once the one before is written (memory stays flat) and refers to its new records.
    Each batch is written model by model, parents first: new records inserted and changed ones
    updated in bulk (stamped `updated_at` and given their next `version`), their many-to-many
    links as listed, and one history entry a record naming `user`, with `reason`.
    After the last batch: a record this write publishes must cite a source, and the rules across
    stored records that each kind declares hold (`check_stored`). The cached figures are
    refreshed at commit. A refusal is a ValidationError naming the record; the transaction then
    keeps nothing of the write.
    """
    write = _BulkWrite(user=user, reason=reason)
    for batch in batches:
        write.batch(batch)
    write.check_rules()
    figures.invalidate()  # bulk writes send no post_save


class _BulkWrite:
    """The state of one `write_in_bulk`: what it wrote so far, by model."""

    def __init__(self, *, user, reason):
        self.user, self.reason = user, reason
        self.written = defaultdict(list)  # model -> primary keys of the records written
        self.publishing = defaultdict(dict)  # model -> {pk: where} of the records made public

    def batch(self, rows_by_model):
        for model in serializers.sort_dependencies([(None, list(rows_by_model))]):
            rows = rows_by_model[model]
            for row in rows:
                for model_field, reference in row.references.items():
                    setattr(row.instance, model_field.attname, reference.pk)
                row.instance._history_user = self.user
                # As save() would: receivers keep derived fields (a search key) current.
                pre_save.send(
                    sender=model,
                    instance=row.instance,
                    raw=False,
                    using=model._default_manager.db,
                    update_fields=None,
                )
            new = [row for row in rows if row.stored is None]
            changed = [row for row in rows if row.stored is not None]
            self.insert(model, new)
            self.update(model, changed)
            self.write_links(model, rows)
            self.write_history(model, new, changed)
            self.written[model] += [row.instance.pk for row in rows]
            if kind_of(model).publishable:
                self.publishing[model].update(
                    (row.instance.pk, row.where)
                    for row in rows
                    if row.instance.visibility == Visibility.PUBLIC
                    and (row.stored or {}).get("visibility") != Visibility.PUBLIC
                )

    def check_rules(self):
        # After every batch: a record's sources may be records of another model (the sources a
        # person freed cites), written after it.
        for model, publishing in self.publishing.items():
            self.check_published(model, publishing)
        for model, pks in self.written.items():
            check_stored(model, pks)

    @staticmethod
    def check_published(model, publishing):
        """A record the write makes public ({pk: where}) must cite a source, as anywhere on the
        site."""
        cites_nothing = unsourced(model, list(publishing))
        if cites_nothing:
            where = [publishing[pk] for pk in cites_nothing]
            more = _(" and %(count)s more") % {"count": len(where) - 5} if len(where) > 5 else ""
            raise ValidationError(
                _(
                    "%(records)s: a public record must cite at least one source. "
                    "Add its sources to the file, or keep new records restricted."
                )
                % {"records": f"{', '.join(where[:5])}{more}"},
                code="unpublishable",
            )

    def insert(self, model, rows):
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            try:
                with transaction.atomic():
                    model._default_manager.bulk_create([row.instance for row in batch])
            except (DatabaseError, *MALFORMED):
                self.write_one_by_one(batch, lambda instance: instance.save_base(raw=True))
            for row in batch:
                row.reference.pk = row.instance.pk

    def update(self, model, rows):
        now = timezone.now()
        names = [
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name != "created_at"
        ]
        stamped = "updated_at" in names
        versioned = kind_of(model).versioned
        for row in rows:
            if stamped:
                row.instance.updated_at = now
            if versioned:
                row.instance.version += 1  # from the stored record's version
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            try:
                with transaction.atomic():
                    model._default_manager.bulk_update([row.instance for row in batch], names)
            except (DatabaseError, *MALFORMED):
                self.write_one_by_one(
                    batch, lambda instance: instance.save_base(raw=True, update_fields=names)
                )

    @staticmethod
    def write_one_by_one(batch, write):
        """The database refused a batch: write its records one by one, and say which one it
        refuses and why, in Django's words where validation knows them."""
        for row in batch:
            try:
                with transaction.atomic():
                    write(row.instance)
            except (DatabaseError, *MALFORMED) as error:
                try:
                    row.instance.validate_unique()
                    row.instance.validate_constraints()
                except ValidationError as invalid:
                    problem = describe_invalid(invalid)
                else:
                    problem = _("the database refused it (%(error)s)") % {
                        "error": str(error).strip()
                    }
                raise ValidationError(f"{row.where}: {problem}", code="refused") from None

    @staticmethod
    def write_links(model, rows):
        """Many-to-many links as listed: added and removed as needed."""
        for model_field in model._meta.many_to_many:
            listing = [row for row in rows if model_field in row.links]
            if not listing:
                continue
            through = model_field.remote_field.through
            source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
            wanted = {
                row.instance.pk: {reference.pk for reference in row.links[model_field]}
                for row in listing
            }
            stored = defaultdict(set)
            owners = [row.instance.pk for row in listing if row.stored is not None]
            for start in range(0, len(owners), BATCH_SIZE):
                linked_rows = through._default_manager.filter(
                    **{f"{source}__in": owners[start : start + BATCH_SIZE]}
                ).values_list(f"{source}_id", f"{target}_id")
                for owner, linked in linked_rows:
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
        history.write_history(
            model,
            created=[row.instance for row in new],
            changed=[row.instance for row in changed],
            user=self.user,
            reason=self.reason,
        )

"""What an import found and will do, record by record; the errors it stops with."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class ImportFailed(Exception):
    """The file cannot be imported; the message says where and why, in plain words."""


class PreviewOutdated(ImportFailed):
    """The database changed between the preview and the confirmation."""


def _tags(records):
    names = ", ".join(f"“{record.tag}”" for record in records[:10])
    more = _(" and %(count)s more") % {"count": len(records) - 10} if len(records) > 10 else ""
    return f"{names}{more}"


def check_decided(report, publish_changes, allow_duplicates=False):
    """ImportFailed unless every conflict is decided, every change to a public record was
    agreed (`publish_changes` is True, for all of them, or the tags the editor was shown), and
    no new record repeats a stored one unless `allow_duplicates`."""
    if report.same_records and not allow_duplicates:
        pairs = "; ".join(
            _("“%(new)s” (%(name)s) is the stored %(stored)s")
            % {
                "new": tag,
                "name": name,
                "stored": ", ".join(f"“{record}” ({record.slug})" for record in matches),
            }
            for tag, name, matches in report.same_records[:10]
        )
        raise ImportFailed(
            _(
                "New records would repeat stored ones under another slug: %(pairs)s. Use the "
                "stored record's slug in the file, or say they are other records. Nothing was "
                "imported."
            )
            % {"pairs": pairs}
        )
    if report.unresolved_conflicts:
        raise ImportFailed(
            _(
                "%(records)s changed here since the file's version of them: choose, for each, "
                "the version here or the file's. Nothing was imported."
            )
            % {"records": _tags(report.unresolved_conflicts)}
        )
    public = report.public_changes
    agreed = publish_changes is True or {record.tag for record in public} <= set(
        publish_changes or ()
    )
    if public and not agreed:
        raise ImportFailed(
            _(
                "The import changes records that are public, and these changes would be public "
                "at once: %(records)s. Agree to publish these changes, or leave them out of the "
                "file. Nothing was imported."
            )
            % {"records": _tags(public)}
        )


@dataclass
class Conflict:
    """A stored record changed here after the file's version of it: (field, here, in the file)."""

    tag: str  # "label key": how the editor chooses the file's version of this record
    fields: list
    choice: str = None  # the editor's: "file" (written), "stored" (kept as it is), None: not yet

    @property
    def taken(self):
        return self.choice == "file"


@dataclass(slots=True)  # one per record of the file: kept small
class ImportedRecord:
    label: str
    key: str
    action: str  # "created", "changed", "unchanged" or "kept" (a conflict, kept as it is here)
    changed_fields: list = field(default_factory=list)
    conflict: Conflict = None
    kept_visibility: tuple = None  # (here, in the file) when the file's visibility is not applied
    # [(field, value here, value written, links added, links removed)], for the preview
    changes: list = field(default_factory=list)
    public_change: bool = False  # a record public here that the import would change

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
    # [(new record's tag, name, [stored records with its identity])]: refused unless allowed
    same_records: list = field(default_factory=list)

    @property
    def conflicts(self):
        return [record for record in self.records if record.conflict]

    @property
    def unresolved_conflicts(self):
        """Conflicts the editor has not decided: the import applies nothing until they do."""
        return [record for record in self.records if record.conflict and not record.conflict.choice]

    @property
    def public_changes(self):
        """Records public here that the import would change: they go public at once."""
        return [record for record in self.records if record.public_change]

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


def _lower_first(text):
    return text[:1].lower() + text[1:]


def _shown(model_field, value, empty="(empty)"):
    """A compared value as the preview shows it: related records by name, not by id."""
    if value is None or value == "" or value == set():
        return empty
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

"""The record kinds of the tracker: what each app's models are, declared once, in one place.

Each app that keeps records declares them in its own `records.py` (a list of `RecordKind`),
and its AppConfig, a `RecordsAppConfig`, hands that list over. The machinery of `tracker` (the
write services, the importer, the downloads, the dataset, the cache of figures) reads these
declarations; it imports no app above it and probes no model for attributes. A lower app offers
the hook (a field of `RecordKind`); a higher app fills it for its own models: a person freed
(releases) says that it comes with a person's download (prisoners), not the other way round.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import AppConfig, apps


@dataclass(frozen=True)
class RecordKind:
    """One model of records, and how the machinery treats it.

    - `comes_with`: foreign keys of this record to records whose download brings it along (a
      release event's download carries its people freed: `Release` comes with "event").
    - `part_of`: the foreign key to the record this one is a part of, exported, imported and
      shown wherever that record is (the sources a person freed cites, with their stance).
    - `ftm`: a function of (public queryset, tracker.exports.ftm.Exporter) yielding the records as
      FollowTheMoney entities; None: not in FtM downloads.
    - `upgrade`: a function of a record's fields in an earlier download format returning today's
      records (the record, then the records its old fields become), or None when the fields are
      in today's format already.
    - `possible_duplicates`: a function of an unsaved record returning the stored records it may
      duplicate under another spelling; None where a natural key is all that tells records apart.
    - `same_record`: a function of an unsaved record returning the stored records with its
      identity beyond the slug (a measure's issuer and identifier): an import that would create
      it under a new slug stops unless the editor says it is another record.
    - `check_stored`: a rule across records, run on the primary keys of the records written,
      inside the write's transaction, after every write path; raises ValidationError to refuse.
    - `in_dataset`: whether the whole dataset (/data/) holds its public records on their own;
      False for reference records that come only with what refers to them (sources, countries).
    """

    model: type
    comes_with: tuple = ()
    part_of: str | None = None
    ftm: Callable | None = None
    upgrade: Callable | None = None
    possible_duplicates: Callable | None = None
    same_record: Callable | None = None
    check_stored: Callable | None = None
    in_dataset: bool = True

    @property
    def label(self):
        return self.model._meta.label_lower

    @property
    def publishable(self):
        """Whether its records have a visibility (tracker.models.Publishable)."""
        from tracker.models import Publishable

        return issubclass(self.model, Publishable)

    @property
    def versioned(self):
        """Whether its records count their writes, for the lost-update check."""
        from tracker.models import Versioned

        return issubclass(self.model, Versioned)

    def public(self, queryset=None):
        """The public records of this kind among `queryset` (by default all of them).

        Records with a visibility: their queryset's own `public()`, which holds their parents'
        visibility too (a person freed is public only in a public event). A part: the parts of
        public records (the sources a public person freed cites). Other records have no
        visibility: public with what refers to them (a country, a source) or always (a
        political-prisoner count).
        """
        if queryset is None:
            queryset = self.model._default_manager.all()
        if self.publishable:
            return queryset.public()
        if self.part_of:
            whole = kind_of(self.model._meta.get_field(self.part_of).related_model)
            return queryset.filter(**{f"{self.part_of}__in": whole.public().values("pk")})
        return queryset

    @property
    def sources_field(self):
        """The many-to-many field listing the sources a record cites, or None."""
        return next((f for f in self.model._meta.many_to_many if f.name == "sources"), None)

    @property
    def history_model(self):
        """The model of its audit history (django-simple-history), or None."""
        attribute = getattr(self.model._meta, "simple_history_manager_attribute", None)
        return getattr(self.model, attribute).model if attribute else None


class RecordsAppConfig(AppConfig):
    """An app whose models are records of the tracker: it declares them in `record_kinds()`."""

    def record_kinds(self):
        """The app's RecordKinds; read once, after the models are loaded."""
        raise NotImplementedError(f"{self.name} declares no record kinds")


@functools.cache
def _kinds():
    found = {}
    for config in apps.get_app_configs():
        if isinstance(config, RecordsAppConfig):
            for kind in config.record_kinds():
                found[kind.model] = kind
    return found


def record_kinds():
    """Every declared kind, app by app in INSTALLED_APPS order."""
    return list(_kinds().values())


def kind_of(model):
    """The declared kind of `model`, or None when it keeps no records of the tracker."""
    return _kinds().get(model)


def record_apps():
    """The labels of the apps that keep records."""
    return frozenset(
        config.label for config in apps.get_app_configs() if isinstance(config, RecordsAppConfig)
    )


def children_of(model):
    """(child model, foreign key name) of the records that come with a download of `model`'s
    records."""
    return [
        (kind.model, name)
        for kind in record_kinds()
        for name in kind.comes_with
        if kind.model._meta.get_field(name).related_model is model
    ]


def parts_of(model):
    """(part model, foreign key name) of the records exported as parts of `model`'s records."""
    return [
        (kind.model, kind.part_of)
        for kind in record_kinds()
        if kind.part_of and kind.model._meta.get_field(kind.part_of).related_model is model
    ]

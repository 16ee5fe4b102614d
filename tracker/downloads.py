"""Downloads of public records: a loadable JSON fixture, a spreadsheet-safe CSV, their filenames.

The fixture machinery works from model metadata alone (natural keys, foreign keys, many-to-many
fields, `fixture_children`, `public()`), so this module imports no app of the project.
"""

import csv
import json
import operator
import re
from collections import defaultdict
from functools import reduce
from itertools import islice

from anyascii import anyascii
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

DOWNLOAD_FORMATS = ("json", "csv", "ftm")

# Staff-only fields, and the site's own count of writes to a record: never in any download.
NEVER_EXPORTED = frozenset({"internal_notes", "version"})

# How deep the plan nests subqueries of keys before it reads the keys instead.
MAX_NESTING = 4

# Rows fetched, prefetched and serialized at a time: memory stays flat however large the data.
CHUNK_SIZE = 2000


def _public(queryset):
    """The public part of a queryset, for models whose querysets define `public()`."""
    public = getattr(queryset, "public", None)
    return public() if public else queryset


def _natural_key_fks(model):
    """Forward foreign keys to models with a natural key: serialized as that key."""
    return [
        field
        for field in model._meta.fields
        if field.many_to_one or field.one_to_one
        if hasattr(field.related_model, "natural_key")
    ]


def _natural_key_m2ms(model):
    """Many-to-many fields the serializer writes as lists of natural keys."""
    return [
        field
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
        if hasattr(field.related_model, "natural_key")
    ]


def _natural_key_joins(model):
    """(path, model) of the relations `model.natural_key()` reads, e.g. a release's event."""
    if not getattr(model.natural_key, "dependencies", None):
        return []
    return [(field.name, field.related_model) for field in _natural_key_fks(model)]


def _secret_fields(model, prefix=""):
    return [prefix + field.name for field in model._meta.fields if field.name in NEVER_EXPORTED]


def _joined(queryset, joins):
    """The queryset with `joins` selected, and staff-only columns of every table left unread."""
    if joins:
        queryset = queryset.select_related(*(path for path, _ in joins))
    return queryset.defer(
        *_secret_fields(queryset.model),
        *(secret for path, model in joins for secret in _secret_fields(model, f"{path}__")),
    )


class _FixturePlan:
    """Per model, subqueries of the primary keys to export.

    Each record set is kept as a `values("pk")` subquery and the sets are OR-ed at output time,
    so no query joins across the graph or needs DISTINCT, and planning runs no query at all.
    """

    def __init__(self):
        self.pk_subqueries = defaultdict(list)
        # Records of models linked to themselves (a measure superseding another), by model:
        # their chains are followed by query, once each, while planning.
        self.chained = defaultdict(set)

    def add(self, model, pks, *, root=False, parent_field=None, depth=0):
        """Export `model`'s public records among `pks`, and the records they refer to.

        `parent_field`: the foreign key to the records these were added for (as their children
        or parts), which are in the plan already: not followed back.
        """
        if depth >= MAX_NESTING and not isinstance(pks, list):
            # Deep in the graph (a release's measure's entities' country) the subqueries
            # would nest past what SQLite's parser takes: these few keys are read now.
            pks = [key for row in pks.order_by().distinct() for key in row.values()]
        queryset = _public(model._default_manager.filter(pk__in=pks))
        self.pk_subqueries[model].append(queryset.values("pk"))
        for field in _natural_key_fks(model):
            if field.name != parent_field:
                self.add(field.related_model, queryset.values(field.attname), depth=depth + 1)
        for field in _natural_key_m2ms(model):
            through = field.remote_field.through
            links = through._default_manager.filter(
                **{f"{field.m2m_field_name()}__in": queryset.values("pk")}
            )
            if field.related_model is model:
                self.add_chain(model, field, queryset)
                continue
            self.add(
                field.related_model, links.values(field.m2m_reverse_field_name()), depth=depth + 1
            )
        # Children only of what was asked for: a person's release brings its event, but not
        # the event's other releases. Parts (the sources a release cites, with their stance)
        # come with their record wherever it is exported.
        names = [*getattr(model, "fixture_parts", ())]
        if root:
            names += getattr(model, "fixture_children", ())
        for name in names:
            relation = model._meta.get_field(name)
            children = relation.related_model._default_manager.filter(
                **{f"{relation.field.name}__in": queryset.values("pk")}
            )
            self.add(
                relation.related_model,
                children.values("pk"),
                parent_field=relation.field.name,
                depth=depth + 1,
            )

    def add_chain(self, model, field, owners):
        """The records `owners` link to through `field`, a link of `model` to itself (the
        instruments a measure supersedes), and the records those link to, to the end of the
        chain. Planned as subqueries they would nest without end; so the public links are read
        here, in one query whatever the chain's length, and each record is added once."""
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        public = _public(model._default_manager.all()).values("pk")
        linked = defaultdict(set)
        rows = through._default_manager.filter(
            **{f"{source}__in": public, f"{target}__in": public}
        ).values_list(f"{source}_id", f"{target}_id")
        for owner, other in rows:
            linked[owner].add(other)
        if not linked:
            return
        found, frontier = set(), set(owners.values_list("pk", flat=True))
        while frontier:
            frontier = {other for owner in frontier for other in linked[owner]} - found
            found |= frontier
        new = found - self.chained[model]
        if new:
            self.chained[model] |= new
            self.add(model, sorted(new))

    def querysets(self):
        """One queryset per model, parents before children, fetching no row twice.

        A model linked to itself comes as a list, ordered so that a record comes after the
        records it links to (what `tracker.imports` needs)."""
        models = serializers.sort_dependencies([(None, list(self.pk_subqueries))])
        for model in models:
            condition = reduce(operator.or_, (Q(pk__in=pks) for pks in self.pk_subqueries[model]))
            joins = []
            for field in _natural_key_fks(model):
                joins.append((field.name, field.related_model))
                joins.extend(
                    (f"{field.name}__{path}", target)
                    for path, target in _natural_key_joins(field.related_model)
                )
            queryset = _joined(model._default_manager.filter(condition).order_by("pk"), joins)
            prefetches = [
                Prefetch(
                    field.name,
                    queryset=_public(
                        _joined(
                            field.related_model._default_manager.all(),
                            _natural_key_joins(field.related_model),
                        )
                    ),
                )
                for field in _natural_key_m2ms(model)
            ]
            queryset = queryset.prefetch_related(*prefetches)
            own = [field for field in _natural_key_m2ms(model) if field.related_model is model]
            yield model, (_linked_first(list(queryset), own) if own else queryset)


def _linked_first(records, fields):
    """`records` ordered so that each comes after the records it links to through `fields`
    (prefetched); a cycle, which the data should never hold, keeps the order it has."""
    by_pk = {record.pk: record for record in records}
    ordered, placed, visiting = [], set(), set()

    def place(record):
        if record.pk in placed or record.pk in visiting:
            return
        visiting.add(record.pk)
        for field in fields:
            for linked in getattr(record, field.name).all():
                if linked.pk in by_pk:
                    place(by_pk[linked.pk])
        visiting.discard(record.pk)
        placed.add(record.pk)
        ordered.append(record)

    for record in records:
        place(record)
    return ordered


def _exported_fields(model):
    fields = [*model._meta.local_fields, *model._meta.local_many_to_many]
    return [field.name for field in fields if field.name not in NEVER_EXPORTED]


def _fixture_chunks(plan):
    yield "["
    separator = ""
    for model, queryset in plan.querysets():
        fields = _exported_fields(model)
        rows = iter(queryset) if isinstance(queryset, list) else queryset.iterator(CHUNK_SIZE)
        while batch := list(islice(rows, CHUNK_SIZE)):
            records = serializers.serialize(
                "python",
                batch,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
                fields=fields,
            )
            yield separator + ",\n".join(
                json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False) for record in records
            )
            separator = ",\n"
    yield "]"


def fixture_response(roots, filename):
    """A streamed JSON fixture of `roots` (querysets of public records) and all they refer to.

    It is what `dumpdata --natural-foreign --natural-primary` would write for these records,
    so the file alone loads with `loaddata` into an empty database.
    """
    plan = _FixturePlan()
    for queryset in roots:
        plan.add(queryset.model, queryset.values("pk"), root=True)
    response = StreamingHttpResponse(
        _fixture_chunks(plan), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class SitePath(str):
    """A path on this site ("/prisoners/ales-bialiatski/"): a CSV cell holds it as an absolute
    URL, made from the request (csv_response's `absolute_uri`)."""


def source_text(source):
    """One source as a CSV cell gives it: "Title (Publisher, 2025-12-15) <https://...>".

    The date is ISO 8601 at its precision ("2025-12" for December 2025) or "date unknown"; the
    link is left out when the source is not online.
    """
    when = source.published_on_iso or "date unknown"
    details = ", ".join(part for part in (source.publisher, when) if part)
    text = f"{source.title} ({details})"
    return f"{text} <{source.url}>" if source.url else text


def sources_cell(sources):
    """A record's sources in one CSV cell, " | " between them. `sources` is a prefetched
    relation manager or a list: reading it runs no query when the download prefetched it."""
    records = sources.all() if hasattr(sources, "all") else sources
    return " | ".join(source_text(source) for source in records)


def codes_cell(countries):
    """ISO codes of countries ("BY; LT"), from a prefetched relation or a list."""
    records = countries.all() if hasattr(countries, "all") else countries
    return "; ".join(country.code for country in records)


class _Echo:
    """A file-like object whose write() returns the text, so csv.writer yields lines."""

    def write(self, value):
        return value


# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value, absolute_uri=None):
    if value is None:
        return ""
    if isinstance(value, SitePath) and absolute_uri is not None:
        return absolute_uri(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(header, rows, filename, *, absolute_uri=None):
    """A streamed CSV download; the byte-order mark makes Excel read it as UTF-8.

    `absolute_uri` (the request's `build_absolute_uri`) turns SitePath cells into full links.
    """
    writer = csv.writer(_Echo())
    rows = iter(rows)

    def lines():
        # Downloads are the same file in every language of the site: column names and values
        # (choice labels, country names) are written in English.
        yield "\ufeff"
        with translation.override("en"):
            line = writer.writerow([_csv_cell(value) for value in header])
        yield line
        while True:
            with translation.override("en"):
                row = next(rows, None)
                if row is None:
                    return
                line = writer.writerow([_csv_cell(value, absolute_uri) for value in row])
            yield line

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


_IGNORED_PARAMS = frozenset({"format", "page"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")
MAX_FILENAME_LENGTH = 150


def _safe(text):
    return _DASHES.sub("-", _UNSAFE.sub("-", anyascii(str(text)))).strip("-")


def download_filename(stem, params, extension):
    """A filename naming the page and its filters: releases_country-BY_date_after-2025-01-01.json.

    Filter values are transliterated to ASCII; several values of one filter are joined by "+".
    """
    parts = [_safe(stem)]
    for key in params:
        if key in _IGNORED_PARAMS:
            continue
        values = params.getlist(key) if hasattr(params, "getlist") else params[key]
        if not isinstance(values, list | tuple):
            values = [values]
        safe_values = [safe for value in values if value is not None and (safe := _safe(value))]
        if safe_values:
            parts.append(f"{_safe(key)}-{'+'.join(safe_values)}")
    suffix = f".{_safe(extension)}"
    name = "_".join(parts)[: MAX_FILENAME_LENGTH - len(suffix)].rstrip("-_.+")
    return name + suffix

"""The JSON fixture of public records: what `dumpdata --natural-foreign --natural-primary` would
write for them and every record they refer to, so that the file alone loads with `loaddata`.

It writes the records of one stream (tracker.exports.stream) from model metadata (natural
keys, foreign keys, many-to-many fields), so this module imports no app of the project.
"""

import operator
from functools import cache
from itertools import islice

import orjson
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import CharField, DateTimeField, F, Func, OrderBy
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from tracker.exports.stream import (
    CHUNK_SIZE,
    RecordStream,
    exported_fields,
    exported_links,
    public,
)

# Rows of values fetched at a time from the database (a few hundred bytes each).
ROWS_AT_A_TIME = 10_000


class _AnyValue:
    """What a field of a _Probe holds: any method called on it (isoformat()) gives another."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: _AnyValue()


class _Probe:
    """Stands in for a record while its model's `natural_key()` runs, noting the fields it
    reads (a release's key reads `event.slug` and `prisoner.slug`)."""

    def __init__(self, model, prefix, paths):
        self._model, self._prefix, self._paths = model, prefix, paths

    def __getattr__(self, name):
        try:
            field = self._model._meta.get_field(name)
        except FieldDoesNotExist:
            raise TypeError(
                f"{self._model._meta.label}.natural_key() reads “{name}”, which is not a field: "
                "the download reads a natural key from the fields it is made of."
            ) from None
        if field.many_to_one or field.one_to_one:
            return _Probe(field.related_model, f"{self._prefix}{name}__", self._paths)
        self._paths.append((self._prefix + field.attname, value := _AnyValue()))
        return value

    def natural_key(self):
        return self._model.natural_key(self)


class _Values:
    """A record's fields by name, enough for its model's `natural_key()` to run on."""

    def __init__(self, model):
        self._model = model

    def natural_key(self):
        return self._model.natural_key(self)


@cache
def _natural_key_reader(model):
    """(paths, read): the columns `model.natural_key()` reads ("event__slug", ...), and a
    function that makes the natural key from their values, running the model's own method on
    those values alone, without building a model instance."""
    read_values = []
    key = model.natural_key(_Probe(model, "", read_values))
    paths = list(dict.fromkeys(path for path, _value in read_values))
    if [id(part) for part in key] == [id(value) for _path, value in read_values]:
        # The key is the values themselves, in order (a slug; an event's and a person's).
        return paths, tuple
    steps = [path.split("__") for path in paths]
    known = {}

    def read(values):
        """The key of these values: a key computed is kept (up to CHUNK_SIZE of them) for the
        many records that refer to the same country or event."""
        if (key := known.get(values)) is not None:
            return key
        if len(known) >= CHUNK_SIZE:
            known.clear()
        key = known[values] = make(values)
        return key

    def make(values):
        record = _Values(model)
        for names, value in zip(steps, values, strict=True):
            target = record
            for name in names[:-1]:
                if name not in target.__dict__:
                    related = target._model._meta.get_field(name).related_model
                    setattr(target, name, _Values(related))
                target = target.__dict__[name]
            setattr(target, names[-1], value)
        return tuple(record.natural_key())

    return paths, read


def _ordering(model, prefix):
    """`model`'s default order as seen from a relation to it (`prefix`), ending with its key."""
    order = []
    for item in model._meta.ordering:
        if isinstance(item, str):
            descending = item.startswith("-")
            order.append(f"{'-' if descending else ''}{prefix}{item.lstrip('-')}")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            order.append(item.copy())
            order[-1].expression = F(prefix + item.expression.name)
        elif isinstance(item, F):
            order.append(F(prefix + item.name))
    return [*order, f"{prefix}pk"]


class _RecordWriter:
    """Writes the records of one model as fixture JSON, as `dumpdata --natural-foreign
    --natural-primary` would, from rows read with `values_list()` (no model instances).

    Foreign keys and many-to-many links to models with a natural key are written as that key,
    read in the same query (foreign keys) or in one query a relation whose rows are merged in
    (links, both read in primary-key order): the queries do not grow with the rows.
    """

    def __init__(self, model, stream):
        """`stream`: the RecordStream whose records of `model` to write."""
        self.model, self.stream = model, stream
        self.queryset = stream.records_of(model)
        self.label = str(model._meta)
        self.with_pk = not hasattr(model, "natural_key")
        fields = exported_fields(model)
        self.names = [field.name for field in fields]
        columns = ["pk"]
        # Times are read as text, and written as DjangoJSONEncoder writes them: reading them as
        # datetimes (psycopg's Python loader, which Django uses for time zones) takes longer
        # than the rest of the download.
        self.times, self.annotations = [], {}
        for position, field in enumerate(fields, start=1):
            if isinstance(field, DateTimeField):
                self.times.append(position)
                self.annotations[f"_{field.attname}_text"] = _UTCText(field.attname)
                columns.append(f"_{field.attname}_text")
            else:
                columns.append(field.attname)
        # (position in the row, slice of the row holding its key's values, key reader)
        self.keys = []
        for position, field in enumerate(fields, start=1):
            if field.remote_field and hasattr(field.related_model, "natural_key"):
                paths, read = _natural_key_reader(field.related_model)
                first = len(columns)
                columns += [f"{field.name}__{path}" for path in paths]
                self.keys.append((position, slice(first, len(columns)), read))
        self.columns = columns
        self.links = exported_links(model)

    def rows(self):
        return self.row_queryset().iterator(chunk_size=ROWS_AT_A_TIME)

    def row_queryset(self):
        return self.queryset.annotate(**self.annotations).order_by("pk").values_list(*self.columns)

    def link_queryset(self, field):
        """The rows of `field`'s public links, and the function making a key of their values."""
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        related = field.related_model
        if hasattr(related, "natural_key"):
            paths, read = _natural_key_reader(related)
            columns = [f"{target}__{path}" for path in paths]
        else:
            columns, read = [f"{target}_id"], operator.itemgetter(0)
        return (
            through._default_manager.filter(
                self.stream.owned_by(self.model, f"{source}_id"),
                **{f"{target}__in": public(related._default_manager.all()).values("pk")},
            )
            .order_by(f"{source}_id", *_ordering(related, f"{target}__"))
            .values_list(f"{source}_id", f"{target}_id", *columns)
        ), read

    def link_rows(self, field):
        """(owner pk, linked pk, linked record's key or pk) of `field`'s public links, in order
        of owner, then as the linked model orders its records."""
        rows, read = self.link_queryset(field)
        for owner, linked, *values in rows.iterator(chunk_size=ROWS_AT_A_TIME):
            yield owner, linked, read(tuple(values))

    def records(self):
        """(pk, {model, fields}, {linked pk}) of every record, in order of primary key."""
        links = [(field.name, _Merge(self.link_rows(field))) for field in self.links]
        keys = self.keys
        for row in self.rows():
            values = list(row[1 : len(self.names) + 1])
            for position, columns, read in keys:
                if row[position] is not None:
                    values[position - 1] = read(row[columns])
            for position in self.times:
                if values[position - 1] is not None:
                    values[position - 1] = _json_time(values[position - 1])
            fields = dict(zip(self.names, values, strict=True))
            linked = set()
            for name, merge in links:
                owned = merge.take(row[0])
                fields[name] = [key for _pk, key in owned]
                linked.update(pk for pk, _key in owned)
            record = {"model": self.label}
            if self.with_pk:
                record["pk"] = row[0]
            record["fields"] = fields
            yield row[0], record, linked


class _Merge:
    """Rows of a relation in order of owner, taken owner by owner as the owners are read."""

    def __init__(self, rows):
        self.rows = rows
        self.next = next(rows, None)

    def take(self, owner):
        taken = []
        while self.next is not None and self.next[0] <= owner:
            if self.next[0] == owner:
                taken.append(self.next[1:])
            self.next = next(self.rows, None)
        return taken


def _linked_first(records):
    """`records` (pk, record, linked pks) ordered so that each comes after the records it
    links to; a cycle, which the data should never hold, keeps the order it has."""
    by_pk = {pk: (pk, record, linked) for pk, record, linked in records}
    ordered, placed, visiting = [], set(), set()

    def place(item):
        pk, _record, linked = item
        if pk in placed or pk in visiting:
            return
        visiting.add(pk)
        for other in sorted(linked):
            if other in by_pk:
                place(by_pk[other])
        visiting.discard(pk)
        placed.add(pk)
        ordered.append(item)

    for item in records:
        place(item)
    return ordered


class _UTCText(Func):
    """A time as text in UTC, to the microsecond on PostgreSQL ("2025-12-13T10:00:00.123456"),
    to the millisecond on SQLite ("2025-12-13T10:00:00.123"), which stores no more."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection):
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')",
        )

    def as_sqlite(self, compiler, connection):
        # "%%%%" is "%%" in the SQL, which Django's SQLite backend reads as "%".
        template = "strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%f', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template)


def _json_time(text):
    """A time from _UTCText as DjangoJSONEncoder writes it: to the millisecond, no fraction if
    it has none, "Z" for UTC."""
    seconds, _dot, fraction = text.partition(".")
    if fraction.strip("0"):
        return f"{seconds}.{fraction[:3]}Z"
    return f"{seconds}Z"


def _encode(record):
    """A record as JSON; dates as ISO 8601 ("2025-12-13"), decimals as strings, as
    DjangoJSONEncoder writes them."""
    return orjson.dumps(record, default=_DJANGO_JSON.default)


_DJANGO_JSON = DjangoJSONEncoder()


def record_writers(stream):
    """A _RecordWriter for each model of `stream`, parents before children."""
    for model in stream.models():
        yield _RecordWriter(model, stream)


def _fixture_chunks(stream):
    yield b"["
    separator = b""
    for writer in record_writers(stream):
        records = writer.records()
        if any(field.related_model is writer.model for field in writer.links):
            records = iter(_linked_first(list(records)))
        while batch := list(islice(records, CHUNK_SIZE)):
            yield separator + b",\n".join(_encode(record) for _pk, record, _linked in batch)
            separator = b",\n"
    yield b"]"


def fixture_response(roots, filename):
    """A streamed JSON fixture of `roots` (querysets of public records) and all they refer to.

    It is what `dumpdata --natural-foreign --natural-primary` would write for these records,
    so the file alone loads with `loaddata` into an empty database.
    """
    response = StreamingHttpResponse(
        _fixture_chunks(RecordStream(roots)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

"""FollowTheMoney downloads (`?format=ftm`): the page's public records as FtM entities, one JSON
object a line, for OpenSanctions- and Aleph-style tools.

The entities are written here as plain JSON (`{"id", "schema", "properties": {name: [values]}}`),
without the `followthemoney` library: it pulls in ICU and a few dozen other packages the site does
not need. The tests check every line against the library's own schema (requirements-dev.txt).

Like the rest of the pipeline (tracker.exports.stream) this module imports no app: each app
declares a converter per model (`RecordKind.ftm`, tracker.records), a function of (public
queryset, Exporter) that yields entities; the exporter keeps each entity once per file and lets
converters refer to records by the same ids. The converters of tracker's own records (sources
as articles, countries as territories) are here.
"""

import hashlib
import json
import re

from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

from tracker import dates
from tracker.exports.stream import CHUNK_SIZE
from tracker.records import kind_of

ID_PREFIX = "rt"  # "release tracker": ids of this site's entities
_UNSAFE_ID = re.compile(r"[^a-z0-9-]+")


def entity_id(kind, *key):
    """A stable id made of the record's kind and natural key: "rt-person-ales-bialiatski"."""
    text = "-".join(_UNSAFE_ID.sub("-", str(part).lower()).strip("-") for part in key)
    readable = f"{ID_PREFIX}-{kind}-{text}"
    if len(readable) <= 120:
        return readable
    digest = hashlib.sha1(readable.encode()).hexdigest()
    return f"{ID_PREFIX}-{kind}-{digest}"


def partial_date(value, precision):
    """A partial date as FtM takes it: "2025-12-13", "2025-12", "2025", or None if unknown."""
    return dates.iso(value, precision) or None


def make_entity(schema, entity_id, **properties):
    """An entity dict; empty values are left out and every value is a string in a list."""
    props = {}
    for name, values in properties.items():
        if not isinstance(values, list | tuple | set):
            values = [values]
        cleaned = []
        for value in values:
            if value is None or value == "":
                continue
            text = str(value).strip()
            if text and text not in cleaned:
                cleaned.append(text)
        if cleaned:
            props[name] = cleaned
    return {"id": entity_id, "schema": schema, "properties": props}


class Exporter:
    """Collects the entities of one download, each once."""

    def __init__(self, absolute_uri=None):
        self.absolute_uri = absolute_uri or (lambda path: path)
        self.seen = set()

    def entities(self, roots):
        for queryset in roots:
            kind = kind_of(queryset.model)
            converter = kind.ftm if kind else None
            if converter is None:
                continue
            for entity in converter(queryset, self):
                if entity["id"] in self.seen:
                    continue
                self.seen.add(entity["id"])
                yield entity


def country_code(country):
    """A country as FtM codes it ("by"), or None."""
    return country.code.lower() if country is not None else None


def source_id(source):
    return entity_id("source", source.slug)


def articles(sources):
    """The sources as FtM Articles, which other entities cite as their `proof`."""
    for source in sources:
        yield make_entity(
            "Article",
            source_id(source),
            title=source.title,
            name=source.title,
            author=source.author,
            publisher=source.publisher,
            publishedAt=partial_date(source.published_on, source.published_on_precision),
            sourceUrl=source.url,
            summary=source.quote,
        )


def proof(sources):
    return [source_id(source) for source in sources]


def territory_id(country):
    return entity_id("territory", country.code)


def territory(country):
    return make_entity(
        "Territory", territory_id(country), name=country.name, country=country_code(country)
    )


def countries(queryset, exporter):
    """Countries (the country list) as Territories."""
    for country in queryset.order_by("name", "pk").iterator(chunk_size=CHUNK_SIZE):
        yield territory(country)


def ftm_response(roots, filename, *, absolute_uri=None):
    """A streamed JSON-lines download of the public records of `roots` as FtM entities."""
    exporter = Exporter(absolute_uri)

    def lines():
        # The same file in every language of the site: its links are the English pages'.
        entities = exporter.entities(roots)
        while True:
            with translation.override("en"):
                entity = next(entities, None)
                if entity is None:
                    return
                line = json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n"
            yield line

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

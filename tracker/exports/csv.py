"""CSV downloads: one row a record, spreadsheet-safe, in the same English in every language.

The columns are the apps' (`<app>/exports/csv.py`: a list of (header, function of a record));
the cells that several apps write (a record's sources, countries' codes, a link to a page) are
here.
"""

import csv

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

from tracker.exports.stream import CHUNK_SIZE


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


def table_response(columns, records, filename, *, absolute_uri=None):
    """A streamed CSV of `records`, a row each, with `columns`: (header, function of a record).

    A queryset is read in chunks, each with its prefetches: iterated whole, it would keep
    every record in memory.
    """
    header = [header for header, _value in columns]
    if isinstance(records, QuerySet):
        records = records.iterator(chunk_size=CHUNK_SIZE)
    rows = ([value(record) for _header, value in columns] for record in records)
    return csv_response(header, rows, filename, absolute_uri=absolute_uri)

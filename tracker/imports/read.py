"""Reading a fixture file: record by record from a stream, in today's format."""

import codecs
import functools
import io
import json
import os
import re

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.imports.report import (
    ImportFailed,
)
from tracker.records import record_kinds


def upgraded(record):
    """The record in today's format, and the records its old fields become: a colleague whose
    copy has not been upgraded can still send its downloads (RecordKind.upgrade)."""
    label = record.get("model") if isinstance(record, dict) else None
    fields = record.get("fields") if isinstance(record, dict) else None
    kind = _kinds_by_label().get(label.lower()) if isinstance(label, str) else None
    upgrade = kind.upgrade if kind else None
    if upgrade is None or not isinstance(fields, dict):
        return [record]
    return upgrade(dict(fields)) or [record]


@functools.cache
def _kinds_by_label():
    return {kind.label: kind for kind in record_kinds()}


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

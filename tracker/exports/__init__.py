"""Downloads of public records: one stream, several formats; and what their files are called.

- `stream`: the public records of a download, with what they refer to and what comes with
  them (the apps' record kinds), and the fields every format writes;
- `fixture`: the stream as a loadable JSON fixture (`?format=json`);
- `dataset`: every public record of the tracker as that fixture and one CSV a model (`/data/`);
- `csv`: a page's records as a spreadsheet-safe CSV (`?format=csv`), in the apps' columns;
- `ftm`: a page's records as FollowTheMoney entities (`?format=ftm`), by the apps' converters.

A field added to a model is in the fixture and the dataset at once; a page's CSV column or an
FtM property is added where its app declares them (`<app>/exports/`).
"""

import re

from anyascii import anyascii

DOWNLOAD_FORMATS = ("json", "csv", "ftm")

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

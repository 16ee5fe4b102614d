"""Stream one download to a file, as the server would send it, and report its time and size;
or time PostgreSQL building the same rows as JSON itself (`json_agg`), the floor to compare with.

Run by bench/run.py in a child process, so that the process's peak memory is the download's:
    python -m bench.download "/prisoners/?format=json" people.json
    python -m bench.download --json-agg
"""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from prisoners.models import Prisoner  # noqa: E402
from tracker.exports.fixture import record_writers  # noqa: E402
from tracker.exports.stream import RecordStream  # noqa: E402


def download(url, path):
    started = time.perf_counter()
    response = Client().get(url)
    size = 0
    with open(path, "wb") as out:
        for chunk in response.streaming_content:
            out.write(chunk)
            size += len(chunk)
    seconds = time.perf_counter() - started
    return {"status": response.status_code, "bytes": size, "seconds": seconds}


def json_agg():
    """The rows the download of all people reads (each model's columns with the natural keys of
    what they refer to, and their links), aggregated as JSON text by PostgreSQL and fetched:
    the same queries as the download, with the database doing all the serializing."""
    started = time.perf_counter()
    stream = RecordStream([Prisoner.objects.public()])
    size = 0
    with connection.cursor() as cursor:
        for writer in record_writers(stream):
            querysets = [writer.row_queryset()]
            querysets += [writer.link_queryset(field)[0] for field in writer.links]
            for rows in querysets:
                sql, params = rows.query.sql_with_params()
                cursor.execute(f"SELECT json_agg(t)::text FROM ({sql}) t", params)
                size += len(cursor.fetchone()[0] or "")
    return {"bytes": size, "seconds": time.perf_counter() - started}


def main():
    if sys.argv[1:] == ["--json-agg"]:
        print(json.dumps(json_agg()))
    else:
        print(json.dumps(download(*sys.argv[1:])))


if __name__ == "__main__":
    main()

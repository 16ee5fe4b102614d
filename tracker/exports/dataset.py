"""The whole public dataset in one download (/data/): a loadable JSON fixture, and a zip of the
same records as one CSV file a model, with the licence.

Writing the dataset reads every public record, so it is done once per generation of figures
(tracker.figures: any change to a record starts a new one) and kept as files in
settings.DATASET_DIR, which the page serves as they are. The fixture is written by the
fixture download (tracker.exports.fixture.fixture_response), so the file is what a page's
`?format=json` would give for every public record at once. Like the other downloads, this module
imports no app: it finds the models by their metadata.
"""

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from tracker.backup import snapshot
from tracker.exports.csv import csv_response
from tracker.exports.fixture import fixture_response
from tracker.exports.stream import exported_fields, exported_links
from tracker.figures import cached_figure, figure_key
from tracker.models import Visibility
from tracker.records import record_kinds

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# The Link header every download carries (RFC 8288): the licence, without touching the file.
LICENCE_LINK = f'<{LICENCE_URL}>; rel="license"'

FIXTURE_NAME = "release-tracker-dataset.json"
ZIP_NAME = "release-tracker-dataset.zip"
META_NAME = "meta.json"


def _roots():
    """The public records at the roots of the dataset: every record the public may see,
    whether or not anything refers to it (a political-prisoner count, a person in no
    release). Records of other kinds (sources, countries, the parts of records) come with the
    records that refer to them."""
    return [kind.public() for kind in record_kinds() if kind.in_dataset and not kind.part_of]


def last_public_change():
    """When the public data last changed: the latest save of a public record, or the latest
    time a record that had been public was restricted or deleted. None for an empty tracker."""

    def compute():
        times = []
        for kind in record_kinds():
            if kind.publishable:
                times.append(kind.public().aggregate(latest=Max("updated_at"))["latest"])
            if kind.history_model is None:
                continue
            entries = kind.history_model._default_manager
            if not kind.publishable:
                # Always public (a count): every change of it is a public change.
                times.append(entries.aggregate(latest=Max("history_date"))["latest"])
                continue
            was_public = entries.filter(
                id=OuterRef("id"),
                visibility=Visibility.PUBLIC,
                history_date__lt=OuterRef("history_date"),
            )
            withdrawn = entries.filter(
                Q(history_type="-") | ~Q(visibility=Visibility.PUBLIC), Exists(was_public)
            )
            times.append(withdrawn.aggregate(latest=Max("history_date"))["latest"])
        known = [time for time in times if time is not None]
        return max(known) if known else None

    return cached_figure("last-public-change", compute)


def dataset_dir():
    return Path(settings.DATASET_DIR)


def _generation_folder():
    """The folder of the current generation's files: a new generation, a new folder."""
    digest = hashlib.sha256(figure_key("dataset").encode()).hexdigest()[:16]
    return dataset_dir() / digest


def current():
    """The dataset as of the current generation, written first if need be: a dict with the
    paths of the files, their sizes and SHA-256 checksums, the record counts by model, when it
    was written and when the public data last changed."""
    folder = _generation_folder()
    meta = folder / META_NAME
    if not meta.exists():
        dataset_dir().mkdir(parents=True, exist_ok=True)
        with open(dataset_dir() / ".lock", "w") as lock:
            # One process writes; the others wait, then read what it wrote.
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not meta.exists():
                _write(folder)
                _remove_older(keep=folder)
    info = json.loads(meta.read_text())
    for entry in info["files"].values():
        entry["path"] = folder / entry["name"]
    return info


def _remove_older(keep):
    for child in dataset_dir().iterdir():
        if child.is_dir() and child != keep:
            shutil.rmtree(child, ignore_errors=True)


def _write(folder):
    work = Path(tempfile.mkdtemp(dir=dataset_dir(), prefix=".writing-"))
    try:
        fixture = work / FIXTURE_NAME
        # One moment of the data: a record restricted halfway through the writing must not
        # leave a dangling reference.
        with snapshot():
            fixture_sha = _write_fixture(fixture)
            changed = last_public_change()
        records = json.loads(fixture.read_text(encoding="utf-8"))
        counts = _counts(records)
        archive = work / ZIP_NAME
        _write_zip(archive, fixture, records, counts, changed)
        meta = {
            "generated_at": timezone.now().isoformat(),
            "last_public_change": changed.isoformat() if changed else None,
            "counts": counts,
            "files": {
                "json": _file_entry(fixture, fixture_sha),
                "zip": _file_entry(archive, _sha256(archive)),
            },
        }
        (work / META_NAME).write_text(json.dumps(meta, indent=2))
        os.replace(work, folder)  # the whole folder appears at once
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_fixture(path):
    digest = hashlib.sha256()
    response = fixture_response(_roots(), FIXTURE_NAME)
    with open(path, "wb") as out:
        for chunk in response.streaming_content:
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _file_entry(path, sha):
    return {"name": path.name, "bytes": path.stat().st_size, "sha256": sha}


def _counts(records):
    """{model label: number of records}, in the fixture's order (parents first)."""
    counts = {}
    for record in records:
        counts[record["model"]] = counts.get(record["model"], 0) + 1
    return counts


def _cell(value):
    """A fixture value as one CSV cell: a natural key's parts joined by " / ", a list of keys
    by "; "."""
    if isinstance(value, list):
        if value and all(isinstance(item, list) for item in value):
            return "; ".join(" / ".join(str(part) for part in item) for item in value)
        return " / ".join(str(part) for part in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _csv_bytes(label, records):
    model = apps.get_model(label)
    header = [field.name for field in [*exported_fields(model), *exported_links(model)]]
    rows = ([_cell(record["fields"].get(name)) for name in header] for record in records)
    response = csv_response(header, rows, f"{label}.csv")
    return b"".join(response.streaming_content)


def readme_text(counts, changed):
    lines = [
        "Release tracker: the whole public dataset",
        "",
        f"Licence: {LICENCE_NAME}, {LICENCE_URL}",
        "Reuse it freely, crediting the release tracker and linking to the licence.",
        "",
        f"Last public change: {changed.isoformat() if changed else 'none'}",
        "",
        f"{FIXTURE_NAME}: a Django fixture with natural keys; it loads into an empty copy of",
        f"the tracker with `python manage.py loaddata {FIXTURE_NAME}`.",
        "csv/: the same records, one file a model, UTF-8 with a byte-order mark. A reference",
        "to another record is its natural key (parts joined by ' / ', several by '; ').",
        "",
        "Records:",
        *(f"  {label}: {number}" for label, number in counts.items()),
        "",
    ]
    return "\n".join(lines)


def _write_zip(path, fixture, records, counts, changed):
    by_model = {}
    for record in records:
        by_model.setdefault(record["model"], []).append(record)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme_text(counts, changed))
        archive.writestr("LICENSE.txt", licence_text())
        archive.write(fixture, FIXTURE_NAME)
        for label, rows in by_model.items():
            archive.writestr(f"csv/{label}.csv", _csv_bytes(label, rows))


def licence_text():
    return (
        f"The data of the release tracker is licensed under {LICENCE_NAME}:\n{LICENCE_URL}\n\n"
        "You may copy, redistribute, adapt and build upon it for any purpose, even\n"
        "commercially, if you credit the release tracker, link to the licence and say what\n"
        "you changed. The site's /about/ page says how to cite it.\n"
    )

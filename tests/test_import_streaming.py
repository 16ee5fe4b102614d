"""The importer reads a fixture record by record: what it reads, and what it says of a broken
file, are what `json.loads` of the whole file would give, wherever the file's windows fall."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command

import tracker.imports.read
import tracker.imports.write
from prisoners.models import Prisoner
from releases.models import Release, ReleaseEvent
from tracker.imports import ImportFailed, read_fixture

SEED_TEXT = (settings.BASE_DIR / "fixtures" / "december_2025.json").read_text("utf-8")


@pytest.fixture(params=[7, 64, 4096, 2**20], ids=lambda size: f"read-{size}")
def read_size(request, monkeypatch):
    """Windows of a few bytes put every kind of token across a window's edge."""
    monkeypatch.setattr(tracker.imports.read, "READ_SIZE", request.param)
    return request.param


def whole_file_message(text):
    """What the importer said when it parsed the whole file with json.loads."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return (
            f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        )
    raise AssertionError("valid JSON")


@pytest.mark.parametrize(
    "text",
    [
        SEED_TEXT,
        "[]",
        " \n [ ] \n",
        '[{"a": 1}, {"b": [1, 2.5, null, true, "é\\u00e9"]}]',
        '\n\n  [\n{"a": 12345678901234567890}\n,\n{"b": "x"}\n]\n',
    ],
    ids=["seed", "empty", "empty-spaced", "values", "spaced"],
)
def test_records_are_those_of_the_whole_file(read_size, text):
    records = read_fixture(text.encode())
    assert len(records) == len(json.loads(text))
    assert list(records) == json.loads(text)
    assert list(records) == json.loads(text)  # read again, as the import's second pass does


def _broken_seeds():
    lines = SEED_TEXT.splitlines(keepends=True)
    # The first line from the middle on that ends with a comma: removing it breaks the file.
    middle = next(
        i for i in range(len(lines) // 2, len(lines)) if lines[i - 1].rstrip().endswith(",")
    )
    late = SEED_TEXT.rindex(": false") + 2
    return {
        "cut-in-the-middle": SEED_TEXT[: len(SEED_TEXT) // 2],
        "missing-comma": "".join(lines[:middle]).rstrip().rstrip(",")
        + "\n"
        + "".join(lines[middle:]),
        "bad-token-late": SEED_TEXT[:late] + "flase" + SEED_TEXT[late + len("false") :],
        "extra-data": SEED_TEXT + "\n{}",
        "no-closing-bracket": SEED_TEXT.rstrip().rstrip("]"),
        "trailing-comma": SEED_TEXT.rstrip().rstrip("]") + ",]",
        "open-bracket": "[",
        "two-lists": "[] []",
        "not-json": "{not json",
        "nothing": "",
        "comma-first": "[,{}]",
    }


@pytest.mark.parametrize("name", sorted(_broken_seeds()))
def test_a_broken_file_gets_the_message_of_the_whole_file(read_size, name):
    text = _broken_seeds()[name]
    with pytest.raises(ImportFailed) as raised:
        read_fixture(text.encode())
    assert str(raised.value) == whole_file_message(text)


def test_a_file_that_is_not_utf8_names_the_byte(read_size):
    raw = b'[{"model": "tracker.source", "fields": {"title": "\xc3\xa9"}},' + b"\n" * 100 + b"\xff]"
    with pytest.raises(ImportFailed) as raised:
        read_fixture(raw)
    bad = raw.index(b"\xff")
    assert str(raised.value) == f"The file is not UTF-8 text (byte {bad})."


def test_a_byte_order_mark_is_read_past(read_size):
    assert list(read_fixture(b"\xef\xbb\xbf" + SEED_TEXT.encode())) == json.loads(SEED_TEXT)


@pytest.mark.django_db
def test_the_command_imports_a_file_read_in_small_windows(monkeypatch, tmp_path):
    monkeypatch.setattr(tracker.imports.read, "READ_SIZE", 100)
    monkeypatch.setattr(tracker.imports.write, "BATCH_SIZE", 3)  # many batches in the second pass
    path = tmp_path / "seed.json"
    path.write_text(SEED_TEXT, "utf-8")
    call_command("import_fixture", str(path), verbosity=0)
    event = ReleaseEvent.objects.get()
    assert event.reported_count == 123
    assert set(Release.objects.values_list("prisoner__slug", flat=True)) == set(
        Prisoner.objects.values_list("slug", flat=True)
    )
    assert Release.objects.count() == 4
    assert all(person.history.count() == 1 for person in Prisoner.objects.all())

"""Random and hostile query strings against every public URL, and random fixtures against the
import (admin and command): never a server error (5xx) nor a traceback.

Downloads stream, so a failure would surface only while the body is read, after a 200 went out:
the test reads every body to the end.
"""

import copy
import html
import json
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from prisoners.models import Prisoner
from releases.models import Release, ReleaseEvent
from tracker.models import Source

PUBLIC_URLS = [
    "/",
    "/releases/",
    "/releases/2025/",
    "/releases/2025/12/",
    "/releases/{event}/",
    "/prisoners/",
    "/prisoners/{prisoner}/",
    "/concessions/",
    "/countries/",
    "/countries/BY/",
    "/releases/feed/",
]

# Every GET parameter a public page reads, so that generated queries reach the filters.
PARAMETERS = [
    "country",
    "nationality",
    "imposed_by",
    "target_country",
    "kind",
    "event",
    "status",
    "date_after",
    "date_before",
    "q",
    "sort",
    "page",
    "format",
]

HOSTILE_VALUES = [
    "",
    "json",
    "csv",
    "xml",
    "BY",
    "by",
    "XX",
    "Беларусь",
    "' OR '1'='1' --",
    '"; DROP TABLE prisoners_prisoner; --',
    "<script>alert(1)</script>",
    "\x00",
    "a\x00b",
    "../../etc/passwd",
    "%",
    "\\",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "99999999999999999999999999",
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "２０２５-１２-１３",
    "-date",
    "internal_notes",
    "-__pk",
    "visibility",
    "restricted",
    "x" * 5000,
    "=SUM(A1)",
    "😀" * 50,
    "\u202e\u0000\ufeff",
]

values = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=60),
    st.integers().map(str),
    st.dates().map(str),
)
names = st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=20))
encoded_queries = st.lists(st.tuples(names, values), max_size=8).map(urlencode)
# Query strings no browser would send: broken escapes, stray separators, invalid UTF-8.
raw_queries = st.lists(
    st.one_of(
        st.sampled_from(
            ["%00", "%ff", "%C0%AF", "%E2%80", "%", "%2", "&", "=", "+", ";", "[]", "format=json"]
        ),
        st.sampled_from(PARAMETERS).map(lambda name: name + "="),
        st.text(st.characters(codec="ascii", exclude_characters="#"), max_size=8),
    ),
    max_size=16,
).map("".join)
queries = st.one_of(encoded_queries, raw_queries)


@pytest.fixture
def public_urls(seed):
    event = ReleaseEvent.objects.public().order_by("pk").first()
    prisoner = Prisoner.objects.public().order_by("pk").first()
    return [url.format(event=event.slug, prisoner=prisoner.slug) for url in PUBLIC_URLS]


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(len(PUBLIC_URLS)), ids=PUBLIC_URLS)
# The fixtures are only read, so sharing them across examples is sound.
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries)
@example(query="format=json&country=BY&nationality=XX&page=99999")
@example(query="format=csv&q=%00&date_after=2025-12-13&date_before=2025-01-01")
@example(query="page=-1&sort=internal_notes&status=restricted")
@example(query="&".join(["country=BY"] * 1001))
def test_no_query_string_makes_a_public_page_fail(client, public_urls, index, query):
    response = client.get(f"{public_urls[index]}?{query}")
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code < 500


# --- Imports: any file, through the admin or the command, is imported or refused with a message.

IMPORT_SEED = json.loads((django_settings.BASE_DIR / "fixtures" / "december_2025.json").read_text())
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**30, max_value=10**40),
        st.floats(allow_nan=False),
        st.text(max_size=20),
        st.sampled_from(["", "2025-12-13", "BY", "XX", "public", "restricted", "\x00"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated_fixtures(draw):
    """The seed with a few values replaced by any JSON: a date, a key, a model name, a record."""
    records = copy.deepcopy(IMPORT_SEED)
    indexes = st.integers(min_value=0, max_value=len(records) - 1)
    for index in draw(st.lists(indexes, min_size=1, max_size=3, unique=True)):
        record = records[index]
        target = draw(st.sampled_from(["field", "field", "field", "model", "fields", "record"]))
        if target == "field":
            name = draw(st.sampled_from(sorted(record["fields"])))
            record["fields"][name] = draw(json_values)
        elif target == "record":
            records[index] = draw(json_values)
        else:
            record[target] = draw(json_values)
    return records


def _records_state():
    return [
        sorted(map(str, model.objects.values_list()))
        for model in (Prisoner, ReleaseEvent, Source, Release)
    ]


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=mutated_fixtures())
def test_no_fixture_makes_the_admin_import_fail(editor, records):
    before = _records_state()
    response = editor.post(
        "/admin/import/",
        {"fixture": SimpleUploadedFile("f.json", json.dumps(records).encode())},
    )
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Nothing was changed." in response.text
        assert _records_state() == before
    else:
        # The editor agrees to everything the preview asks (changes to public records, a
        # version for each conflict, duplicates): a file the preview accepted then imports.
        choices = {
            "confirm": "1",
            "publish_changes": "1",
            "allow_duplicates": "1",
            "public_change": re.findall(r'name="public_change" value="([^"]*)"', response.text),
            **{
                html.unescape(name): "file"
                for name in re.findall(r'name="(version [^"]*)" value="file"', response.text)
            },
        }
        choices["public_change"] = [html.unescape(tag) for tag in choices["public_change"]]
        assert editor.post("/admin/import/", choices).status_code == 302


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=mutated_fixtures())
def test_no_fixture_makes_the_import_command_fail(tmp_path, records):
    path = tmp_path / "f.json"
    path.write_text(json.dumps(records))
    before = _records_state()
    try:
        call_command("import_fixture", str(path), verbosity=0)
    except CommandError as error:
        assert "Nothing was changed." in str(error)
        assert _records_state() == before

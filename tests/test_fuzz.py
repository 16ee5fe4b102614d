"""Random and hostile query strings against every public URL, and random fixtures against the
import (admin and command): never a server error (5xx) nor a traceback.

Downloads stream, so a failure would surface only while the body is read, after a 200 went out:
the test reads every body to the end.
"""

import copy
import html
import json
import re
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from tests.database_state import (
    every_row,
    models_of,
    outcome_of_loaddata,
    records,
    state_of_its_own,
)
from tests.public_pages import PAGES, paths

# Every page, feed and file of the registry, with the seed's records.
PUBLIC_URLS = paths(PAGES)

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


@pytest.fixture(scope="class")
def seeded(shared_records):
    """The seed, loaded once for every example of every page of the class: they only read it.
    Class-scoped, so that it is gone before the module's other tests run: the imports below
    start from a database without records."""
    with shared_records():
        call_command("loaddata", "december_2025", verbosity=0)
        yield


@pytest.mark.django_db
class TestQueryStrings:
    @pytest.mark.usefixtures("seeded")
    @pytest.mark.parametrize("url", PUBLIC_URLS)
    @settings(max_examples=20, deadline=None, database=None)
    @given(query=queries)
    @example(query="format=json&country=BY&nationality=XX&page=99999")
    @example(query="format=csv&q=%00&date_after=2025-12-13&date_before=2025-01-01")
    @example(query="page=-1&sort=internal_notes&status=restricted")
    @example(query="&".join(["country=BY"] * 1001))
    def test_no_query_string_makes_a_public_page_fail(self, url, query):
        with state_of_its_own():
            response = Client().get(f"{url}?{query}")
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


# The models of the seed's records: what an import of a mutated seed may write.
LABELS = models_of(IMPORT_SEED)


def assert_imported_as_the_file_says(imported, fixture):
    """`imported`: the records after the import, which has been rolled back since, so that
    loaddata of the same file starts from the same state."""
    event("imported")
    expected, refusal = outcome_of_loaddata(fixture, LABELS)
    assert refusal is None, f"the import took a file that loaddata refuses: {refusal!r}"
    assert imported == expected


def logged_in_editor():
    user = User.objects.create_user("editor-fuzz", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(fixture=mutated_fixtures())
def test_no_fixture_makes_the_admin_import_fail(fixture):
    """Imported exactly as the file says (new records with the file's visibility: "New records
    take the file's visibility" is ticked), or refused with nothing changed."""
    with (
        state_of_its_own(),
        tempfile.TemporaryDirectory() as uploads,
        override_settings(IMPORT_DIR=Path(uploads)),
    ):
        assert not any(records(LABELS).values()), "the example starts without records"
        editor = logged_in_editor()
        before, imported = every_row(), None
        with transaction.atomic():
            response = editor.post(
                "/admin/import/",
                {
                    "fixture": SimpleUploadedFile("f.json", json.dumps(fixture).encode()),
                    "publish_new": "on",
                },
            )
            assert response.status_code in (200, 400)
            if response.status_code == 400:
                assert "Nothing was changed." in response.text
                assert every_row() == before
                event("refused")
            else:
                # The editor agrees to everything the preview asks (changes to public records,
                # a version for each conflict, duplicates): a file the preview accepted imports.
                choices = {
                    "confirm": "1",
                    "publish_changes": "1",
                    "allow_duplicates": "1",
                    "public_change": [
                        html.unescape(tag)
                        for tag in re.findall(
                            r'name="public_change" value="([^"]*)"', response.text
                        )
                    ],
                    **{
                        html.unescape(name): "file"
                        for name in re.findall(
                            r'name="(version [^"]*)" value="file"', response.text
                        )
                    },
                }
                assert editor.post("/admin/import/", choices).status_code == 302
                imported = records(LABELS)
            transaction.set_rollback(True)
        if imported is not None:
            assert_imported_as_the_file_says(imported, fixture)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None)
@given(fixture=mutated_fixtures())
def test_no_fixture_makes_the_import_command_fail(fixture):
    with state_of_its_own(), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.json"
        path.write_text(json.dumps(fixture))
        assert not any(records(LABELS).values()), "the example starts without records"
        before, imported = every_row(), None
        with transaction.atomic():
            try:
                call_command("import_fixture", str(path), "--publish-new", verbosity=0)
            except CommandError as error:
                assert "Nothing was changed." in str(error)
                assert every_row() == before
                event("refused")
            else:
                imported = records(LABELS)
            transaction.set_rollback(True)
        if imported is not None:
            assert_imported_as_the_file_says(imported, fixture)

"""Importing a colleague's JSON fixture: a preview, then all-or-nothing, with plain messages."""

import copy
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from prisoners.models import Prisoner
from releases.models import Release, ReleaseEvent, SanctionsConcession
from tests import database_state
from tests.database_state import every_row, models_of, outcome_of_loaddata, state_of_its_own
from tracker.imports import ImportFailed, import_fixture, read_fixture
from tracker.models import Source, Visibility

pytestmark = pytest.mark.django_db

SEED = json.loads((settings.BASE_DIR / "fixtures" / "december_2025.json").read_text("utf-8"))
MODELS = [Source, Prisoner, ReleaseEvent, Release, SanctionsConcession]


def state():
    """Everything an import could change, to show that a failed one changed nothing."""
    return {
        model._meta.label: sorted(map(str, model.objects.values_list()))
        for model in [*MODELS, *(model.history.model for model in MODELS)]
    }


def upload(client, data, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(
        "/admin/import/",
        {"fixture": SimpleUploadedFile("colleague.json", raw), **fields},
    )


def test_an_editor_previews_then_confirms_an_import(editor):
    before = state()
    preview = upload(editor, SEED)
    assert preview.status_code == 200
    assert "Preview of colleague.json" in preview.text
    assert "ales-bialiatski" in preview.text and "created" in preview.text
    # No option posted (a form sent without its checkboxes): new records stay restricted.
    assert "New records will stay restricted until an editor publishes them." in preview.text
    assert state() == before  # nothing changed yet

    done = editor.post("/admin/import/", {"confirm": "1"}, follow=True)
    assert "Imported colleague.json: 32 created, 0 changed, 0 unchanged, 0 kept" in done.text
    event = ReleaseEvent.objects.get()
    assert event.reported_count == 123 and event.releases.count() == 4
    # New records wait for review, and the history says who imported them.
    assert event.visibility == Visibility.RESTRICTED
    assert event.history.latest().history_user == editor.user


def test_new_records_are_published_with_the_import_only_when_the_editor_asks(editor):
    preview = upload(editor, SEED, publish_new="on")
    assert "those it marks public are published with the import" in preview.text
    editor.post("/admin/import/", {"confirm": "1"}, follow=True)
    event = ReleaseEvent.objects.get()
    assert event.visibility == Visibility.PUBLIC
    assert Prisoner.objects.public().count() == Prisoner.objects.count() == 4


def test_the_preview_shows_what_would_change(editor, seed):
    changed = copy.deepcopy(SEED)
    event = next(r for r in changed if r["model"] == "releases.releaseevent")
    event["fields"]["reported_count"] = 130
    response = upload(editor, changed)
    assert "belarus-release-2025-12-13" in response.text
    assert "changed: reported_count" in response.text
    assert ReleaseEvent.objects.get().reported_count == 123


def broken(mutate):
    records = copy.deepcopy(SEED)
    mutate(records)
    return records


def record_of(records, model, **match):
    return next(
        r
        for r in records
        if r["model"] == model and all(r["fields"].get(k) == v for k, v in match.items())
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "The file is not valid JSON: Expecting property name"),
        (b"\xff\xfe\x00", "The file is not UTF-8 text"),
        ({"model": "x"}, "it should be a JSON list of records"),
        ([1], "Record 1 (?) is not a fixture record"),
        (
            broken(lambda r: r.append({"model": "auth.user", "fields": {"username": "x"}})),
            "Record 33 (auth.user): unknown model “auth.user”",
        ),
        (
            broken(
                lambda r: record_of(r, "prisoners.prisoner", slug="viktor-babariko")[
                    "fields"
                ].update(nationalities=[["XX"]])
            ),
            "Record 5 (prisoners.prisoner “viktor-babariko”): nationalities refers to country "
            "“XX”, which is neither earlier in the file nor in the database.",
        ),
        (
            broken(
                lambda r: record_of(r, "releases.releaseevent")["fields"].update(reported_count=-5)
            ),
            "Record 8 (releases.releaseevent “belarus-release-2025-12-13”): reported_count:",
        ),
        (
            broken(
                lambda r: record_of(r, "releases.concessionfigure", slug="potash-export-revenue")[
                    "fields"
                ].update(low="9000000000")
            ),
            "The low value is above the high value.",
        ),
        (
            broken(
                lambda r: record_of(r, "releases.release", prisoner=["viktor-babariko"])[
                    "fields"
                ].update(event=["no-such-release"])
            ),
            "refers to release event “no-such-release”, which is neither earlier in the file "
            "nor in the database.",
        ),
        (
            broken(lambda r: r.remove(record_of(r, "prisoners.prisoner", slug="ales-bialiatski"))),
            "refers to prisoner “ales-bialiatski”",
        ),
        (
            broken(
                lambda r: record_of(r, "releases.releaseevent")["fields"].update(date="13/12/2025")
            ),
            "Record 8 (releases.releaseevent “belarus-release-2025-12-13”)",
        ),
    ],
)
def test_a_broken_file_names_the_record_and_changes_nothing(editor, data, message):
    before = state()
    response = upload(editor, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was changed." in response.text
    assert state() == before


def test_a_reimport_writes_only_changes_and_keeps_what_the_file_leaves_out(seed, editor):
    person = Prisoner.objects.get(slug="ales-bialiatski")
    Prisoner.objects.filter(pk=person.pk).update(internal_notes="Checked by the editor")
    entries = {p.slug: p.history.count() for p in Prisoner.objects.all()}
    records = copy.deepcopy(SEED)
    fields = record_of(records, "prisoners.prisoner", slug="ales-bialiatski")["fields"]
    fields["nationalities"] = [["BY"], ["LT"]]
    del fields["internal_notes"]
    report = import_fixture(records, user=editor.user, publish_changes=True)
    changed = [(r.key, r.changed_fields) for r in report.records if r.action != "unchanged"]
    assert changed == [("ales-bialiatski", ["nationalities"])]
    person.refresh_from_db()
    assert person.internal_notes == "Checked by the editor"
    assert sorted(person.nationalities.values_list("code", flat=True)) == ["BY", "LT"]
    entry = person.history.latest()
    assert (entry.history_type, entry.history_user) == ("~", editor.user)
    assert sorted(entry.nationalities.values_list("country__code", flat=True)) == ["BY", "LT"]
    entries["ales-bialiatski"] += 1
    assert {p.slug: p.history.count() for p in Prisoner.objects.all()} == entries


def test_the_command_imports_with_a_progress_bar(tmp_path, capsys):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(SEED))
    call_command("import_fixture", str(path))
    out, err = capsys.readouterr()
    assert "32 created, 0 changed, 0 unchanged" in out
    assert "[##############################] 32/32" in err
    assert Prisoner.objects.count() == 4
    assert set(Prisoner.objects.values_list("visibility", flat=True)) == {"restricted"}


def test_the_command_dry_run_and_errors(tmp_path, seed):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(SEED))
    before = state()
    call_command("import_fixture", str(path), "--dry-run", verbosity=0)
    assert state() == before
    path.write_text("[")
    with pytest.raises(CommandError, match="not valid JSON.*Nothing was changed"):
        call_command("import_fixture", str(path), verbosity=0)


SEED_TEXT = json.dumps(SEED)
SEED_MODELS = models_of(SEED)


@hypothesis_settings(max_examples=20, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(SEED_TEXT) - 1),
    position=st.integers(min_value=0, max_value=len(SEED_TEXT) - 1),
    junk=st.text(max_size=5),
)
def test_truncated_or_mutated_fixtures_change_nothing(cut, position, junk):
    """Into the seed, each in a state of its own: refused with no row changed, or, still a
    valid fixture, imported exactly as loaddata of it (saved as the admin saves) leaves it."""
    with state_of_its_own():
        call_command("loaddata", "december_2025", verbosity=0)
        before = every_row()
        for text in (SEED_TEXT[:cut], SEED_TEXT[:position] + junk + SEED_TEXT[position + 1 :]):
            imported = None
            with transaction.atomic():  # each text from the seed alone
                try:
                    records = read_fixture(text)
                    import_fixture(
                        records, restrict_new=False, apply_visibility=True, overwrite_newer=True
                    )
                except ImportFailed:
                    assert every_row() == before
                    event("refused")
                else:
                    imported = database_state.records(SEED_MODELS)
                transaction.set_rollback(True)
            if imported is not None:
                event("imported")
                expected, refusal = outcome_of_loaddata(json.loads(text), SEED_MODELS)
                assert refusal is None, f"imported, but loaddata refuses it: {refusal!r}"
                assert imported == expected

"""Issue 11, for imports: no import loses, reverts, publishes or restricts what staff entered
without the editor saying so, and no file, however malformed, gets a 500 or a traceback."""

import copy
import json
import os
import stat
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from prisoners.models import Prisoner
from releases.models import ReleaseEvent
from tests.admin_forms import submitted_values
from tests.test_import import SEED, record_of, state, upload
from tracker.imports import ImportFailed, import_fixture
from tracker.models import Visibility

pytestmark = pytest.mark.django_db

EVENT = "belarus-release-2025-12-13"


def seed_copy():
    return copy.deepcopy(SEED)


def event_fields(records):
    return record_of(records, "releases.releaseevent")["fields"]


def write(tmp_path, data):
    path = tmp_path / "colleague.json"
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return str(path)


# --- Omitted fields -------------------------------------------------------------------------


def test_a_partial_update_keeps_the_required_foreign_keys_it_leaves_out(seed, editor):
    records = [record_of(seed_copy(), "releases.releaseevent")]
    del records[0]["fields"]["releasing_country"]
    records[0]["fields"]["reported_count"] = 125
    preview = upload(editor, records)
    assert preview.status_code == 200, preview.text
    assert "changed: reported_count" in preview.text
    editor.post(
        "/admin/import/",
        {"confirm": "1", "publish_changes": "1", "public_change": f"releases.releaseevent {EVENT}"},
    )
    event = ReleaseEvent.objects.get()
    assert (event.reported_count, event.releasing_country.code) == (125, "BY")


# --- The same record twice ------------------------------------------------------------------


def test_two_records_with_the_same_key_are_refused_naming_both(seed, editor):
    records = seed_copy()
    second = copy.deepcopy(record_of(records, "releases.releaseevent"))
    second["fields"]["reported_count"] = 1
    records.append(second)
    before = state()
    response = upload(editor, records)
    assert response.status_code == 400
    assert (
        f"Record 8 (releases.releaseevent “{EVENT}”) and record 33 (releases.releaseevent "
        f"“{EVENT}”) are both release event “{EVENT}”"
    ) in response.text
    assert state() == before


# --- Malformed input: a message naming the record, never a 500 or a traceback --------------


def _set(model, **fields):
    def mutate(records):
        record_of(records, model)["fields"].update(fields)
        return records

    return mutate


MALFORMED = [
    (
        _set("tracker.source", published_on="mid-December"),
        "Record 1 (tracker.source",
        "published_on",
    ),
    (_set("prisoners.prisonercount", as_of=None), "Record 7 (prisoners.prisonercount", "as_of"),
    (_set("releases.releaseevent", date=20251213), "Record 8 (releases.releaseevent", "date"),
    (_set("releases.releaseevent", date={"y": 2025}), "Record 8 (releases.releaseevent", "date"),
    (
        _set("releases.releaseevent", releasing_country={"code": "BY"}),
        "Record 8 (releases.releaseevent",
        "releasing country should be the key of a country",
    ),
    (
        _set("prisoners.prisoner", nationalities=[{"code": "BY"}]),
        "Record 3 (prisoners.prisoner",
        "should be the key of a country",
    ),
    (_set("prisoners.prisoner", name=["a", "b"]), "Record 3 (prisoners.prisoner", "name"),
    (_set("releases.releaseevent", title=[[[[[]]]]]), "Record 8 (releases.releaseevent", "title"),
]


@pytest.mark.parametrize(("mutate", "where", "problem"), MALFORMED)
def test_a_malformed_record_is_named_in_the_admin(seed, editor, mutate, where, problem):
    before = state()
    response = upload(editor, mutate(seed_copy()))
    assert response.status_code == 400
    assert where in response.text and problem in response.text
    assert "Nothing was changed." in response.text
    assert state() == before


@pytest.mark.parametrize(("mutate", "where", "problem"), MALFORMED)
def test_a_malformed_record_is_named_by_the_command(seed, tmp_path, mutate, where, problem):
    before = state()
    with pytest.raises(CommandError) as raised:
        call_command("import_fixture", write(tmp_path, mutate(seed_copy())), verbosity=0)
    assert where in str(raised.value) and problem in str(raised.value)
    assert state() == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'[{"model": "tracker.source", "fields": {"title": ' + b"9" * 5000 + b"}}]", "digits"),
    ],
    ids=["deep", "long-number"],
)
def test_unreadable_json_is_a_message(editor, tmp_path, raw, message):
    response = upload(editor, raw)
    assert response.status_code == 400 and message in response.text
    with pytest.raises(CommandError, match=message):
        call_command("import_fixture", write(tmp_path, raw), verbosity=0)


# --- Visibility -----------------------------------------------------------------------------


def test_a_file_never_publishes_a_record_restricted_here(seed, editor):
    ReleaseEvent.objects.update(visibility=Visibility.RESTRICTED)
    Prisoner.objects.filter(slug="ales-bialiatski").update(visibility=Visibility.RESTRICTED)
    records = seed_copy()
    event_fields(records)["reported_count"] = 124  # a real change beside the visibility
    preview = upload(editor, records)
    assert preview.status_code == 200
    assert "Records that keep their visibility" in preview.text
    assert f"releases.releaseevent {EVENT}: stays restricted (the file says public)" in preview.text
    editor.post("/admin/import/", {"confirm": "1"})
    event = ReleaseEvent.objects.get()
    assert (event.reported_count, event.visibility) == (124, Visibility.RESTRICTED)
    assert Prisoner.objects.get(slug="ales-bialiatski").visibility == Visibility.RESTRICTED


def test_a_file_never_restricts_a_public_record(seed, tmp_path):
    records = seed_copy()
    event_fields(records)["visibility"] = "restricted"
    call_command("import_fixture", write(tmp_path, records), verbosity=0)
    assert ReleaseEvent.objects.get().visibility == Visibility.PUBLIC


def test_the_editor_may_apply_the_files_visibility(seed, editor, tmp_path):
    ReleaseEvent.objects.update(visibility=Visibility.RESTRICTED)
    upload(editor, seed_copy(), apply_visibility="on")
    editor.post("/admin/import/", {"confirm": "1"})
    assert ReleaseEvent.objects.get().visibility == Visibility.PUBLIC

    records = seed_copy()
    # A file written after the import above, or the import's change would be newer than it.
    event_fields(records).update(visibility="restricted", updated_at=timezone.now().isoformat())
    call_command(
        "import_fixture",
        write(tmp_path, records),
        "--apply-visibility",
        "--publish-changes",
        verbosity=0,
    )
    assert ReleaseEvent.objects.get().visibility == Visibility.RESTRICTED


def test_the_command_restricts_new_records_unless_told(db, tmp_path):
    call_command("import_fixture", write(tmp_path, seed_copy()), verbosity=0)
    assert set(ReleaseEvent.objects.values_list("visibility", flat=True)) == {"restricted"}
    ReleaseEvent.objects.all().delete()
    call_command("import_fixture", write(tmp_path, seed_copy()), "--publish-new", verbosity=0)
    assert ReleaseEvent.objects.get().visibility == Visibility.PUBLIC


# --- The confirmation applies what the preview showed ---------------------------------------


def test_a_confirmation_after_a_change_here_is_refused(seed, editor):
    records = seed_copy()
    event_fields(records)["reported_count"] = 124
    assert upload(editor, records).status_code == 200
    event = ReleaseEvent.objects.get()
    event.summary = "Corrected by a colleague meanwhile"
    event.save()
    before = state()
    response = editor.post("/admin/import/", {"confirm": "1"})
    assert response.status_code == 409
    assert f"“releases.releaseevent {EVENT}” changed since the preview; preview again" in (
        response.text
    )
    assert state() == before
    # The new preview is on the page, against the records as they are now.
    assert "The file is still here" in response.text
    assert "Corrected by a colleague meanwhile" in response.text


def test_a_confirmation_after_a_record_appeared_is_refused(db, editor, make_event):
    assert upload(editor, seed_copy()).status_code == 200
    make_event(slug=EVENT)
    response = editor.post("/admin/import/", {"confirm": "1"})
    assert response.status_code == 409 and "changed since the preview" in response.text


def test_the_importer_never_takes_the_sites_own_fields_from_a_file(seed):
    records = seed_copy()
    fields = event_fields(records)
    fields.update(version=999, created_at="2001-01-01T00:00:00Z", search_key="forged")
    fields["reported_count"] = 124
    stored_version = ReleaseEvent.objects.get().version
    import_fixture(records, publish_changes=True)
    event = ReleaseEvent.objects.get()
    assert event.reported_count == 124 and event.created_at.year != 2001
    assert event.version == stored_version + 1  # the lost-update counter: the stored one + 1


# --- Changes made here after the file ------------------------------------------------------


def corrected_here(seed):
    """The event corrected here after the seed's version of it (2025-12-20)."""
    event = ReleaseEvent.objects.get()
    event.reported_count = 125
    event.save()
    records = seed_copy()
    event_fields(records)["summary"] = "The file's summary"
    return records


def test_an_old_file_does_not_revert_a_correction_made_since(seed, editor):
    records = corrected_here(seed)
    preview = upload(editor, records)
    assert "Changed here since the file was written" in preview.text
    assert "<td>reported_count</td><td>125</td><td>123</td>" in preview.text
    assert f'name="version releases.releaseevent {EVENT}" value="stored"' in preview.text
    done = editor.post(
        "/admin/import/",
        {"confirm": "1", f"version releases.releaseevent {EVENT}": "stored"},
        follow=True,
    )
    assert "1 kept as they are here" in done.text
    event = ReleaseEvent.objects.get()
    assert event.reported_count == 125 and event.summary != "The file's summary"


def test_the_editor_may_take_the_files_version(seed, editor):
    upload(editor, corrected_here(seed))
    editor.post(
        "/admin/import/",
        {
            "confirm": "1",
            f"version releases.releaseevent {EVENT}": "file",
            "publish_changes": "1",
            "public_change": f"releases.releaseevent {EVENT}",
        },
    )
    event = ReleaseEvent.objects.get()
    assert (event.reported_count, event.summary) == (123, "The file's summary")


def test_the_command_keeps_newer_records_unless_told(seed, tmp_path, capsys):
    path = write(tmp_path, corrected_here(seed))
    call_command("import_fixture", path, "--keep-stored", f"releases.releaseevent {EVENT}")
    assert "Changed here since the file: releases.releaseevent" in capsys.readouterr().out
    assert ReleaseEvent.objects.get().reported_count == 125
    call_command("import_fixture", path, "--overwrite-newer", "--publish-changes", verbosity=0)
    assert ReleaseEvent.objects.get().reported_count == 123


# --- Possible duplicates --------------------------------------------------------------------


def test_the_preview_lists_possible_duplicate_people(seed, editor, tmp_path, capsys):
    records = [
        {
            "model": "prisoners.prisoner",
            "fields": {"name": "Ales Bialatsky", "slug": "ales-bialatsky", "status": "released"},
        }
    ]
    preview = upload(editor, records)
    assert preview.status_code == 200, preview.text
    assert "Possible duplicates" in preview.text
    assert "Ales Bialatsky (ales-bialatsky): may be" in preview.text
    assert "Ales Bialiatski" in preview.text
    call_command("import_fixture", write(tmp_path, records), "--dry-run")
    assert "Possible duplicate: Ales Bialatsky (ales-bialatsky) may be Ales Bialiatski" in (
        capsys.readouterr().out
    )


# --- Limits and the pending uploads -------------------------------------------------------


def test_files_over_the_limits_are_refused(db, editor, settings, tmp_path):
    settings.IMPORT_MAX_RECORDS = 5
    response = upload(editor, seed_copy())
    assert response.status_code == 400
    assert "The file holds 32 records; the limit is 5" in response.text
    with pytest.raises(CommandError, match="The file holds 32 records; the limit is 5"):
        call_command("import_fixture", write(tmp_path, seed_copy()), verbosity=0)
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(editor, seed_copy())
    assert response.status_code == 400
    assert "the limit is 1,000 bytes (DJANGO_IMPORT_MAX_MB)" in response.text
    with pytest.raises(CommandError, match="DJANGO_IMPORT_MAX_MB"):
        call_command("import_fixture", write(tmp_path, seed_copy()), verbosity=0)
    assert not ReleaseEvent.objects.exists()


def test_a_pending_upload_is_private_and_removed_on_confirm(db, editor, import_dir):
    upload(editor, seed_copy())
    assert stat.S_IMODE(os.stat(import_dir).st_mode) == 0o700
    files = list(import_dir.iterdir())
    assert len(files) == 2
    assert {stat.S_IMODE(os.stat(path).st_mode) for path in files} == {0o600}
    editor.post("/admin/import/", {"confirm": "1"})
    assert list(import_dir.iterdir()) == []


def test_cancel_removes_the_pending_upload(db, editor, import_dir):
    preview = upload(editor, seed_copy())
    assert 'name="cancel"' in preview.text
    response = editor.post("/admin/import/", {"cancel": "1"}, follow=True)
    assert "Import cancelled: nothing was changed." in response.text
    assert list(import_dir.iterdir()) == []
    assert not ReleaseEvent.objects.exists()
    response = editor.post("/admin/import/", {"confirm": "1"}, follow=True)
    assert "Nothing is waiting to be imported" in response.text


def test_stale_pending_uploads_are_removed(db, editor, import_dir):
    import_dir.mkdir(mode=0o700)
    stale, fresh = import_dir / "old.json", import_dir / "recent.json"
    stale.write_text("[]")
    fresh.write_text("[]")
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    upload(editor, seed_copy())
    assert not stale.exists() and fresh.exists()
    os.utime(fresh, (day_ago, day_ago))
    call_command("clean_imports", verbosity=0)
    assert not fresh.exists()


# --- The command's output -------------------------------------------------------------------


def test_an_error_is_printed_below_the_progress_bar(db, tmp_path, capsys):
    records = [*seed_copy(), {"model": "auth.user", "fields": {"username": "x"}}]
    with pytest.raises(CommandError, match="Record 33"):
        call_command("import_fixture", write(tmp_path, records))
    assert capsys.readouterr().err.endswith("] 32/33\n")


def test_the_importer_names_a_record_without_a_complete_key(db):
    with pytest.raises(ImportFailed, match="Record 1 .*without as_of"):
        import_fixture(
            [{"model": "prisoners.prisonercount", "fields": {"country": ["BY"], "count": 5}}]
        )


def test_a_source_whose_date_is_unknown_imports_with_a_slug_for_its_key(db):
    from tracker.models import Source

    import_fixture([{"model": "tracker.source", "fields": {"title": "Undated"}}])
    source = Source.objects.get()
    assert (source.slug, source.published_on, source.published_on_precision) == (
        "undated",
        None,
        "unknown",
    )
    assert str(source) == "Undated (date unknown)"


# --- The site's rules, kept by the importer as by the admin (tracker/releases services) -----


def test_an_import_cannot_list_more_people_than_reported(seed, editor, tmp_path):
    records = seed_copy()
    event_fields(records)["reported_count"] = 3  # the seed documents 4 people
    before = state()
    response = upload(editor, records)
    assert response.status_code == 400
    assert "4 people are listed as freed, but only 3 were reported" in response.text
    with pytest.raises(CommandError, match="4 people are listed as freed, but only 3"):
        call_command("import_fixture", write(tmp_path, records), "--publish-changes", verbosity=0)
    assert state() == before


def test_an_import_publishes_nothing_without_a_source(db, tmp_path):
    records = [
        record
        for record in seed_copy()
        if record["model"] in ("tracker.source", "prisoners.prisoner")
    ]
    record_of(records, "prisoners.prisoner")["fields"]["sources"] = []
    with pytest.raises(CommandError, match="a public record must cite at least one source"):
        call_command("import_fixture", write(tmp_path, records), "--publish-new", verbosity=0)
    assert not Prisoner.objects.exists()
    # Kept restricted (the default), it imports, and waits for its sources.
    call_command("import_fixture", write(tmp_path, records), verbosity=0)
    assert Prisoner.objects.filter(visibility=Visibility.RESTRICTED).count() == 4


def test_a_form_opened_before_an_import_is_stale(seed, editor):
    event = ReleaseEvent.objects.get()
    url = f"/admin/releases/releaseevent/{event.pk}/change/"
    page = editor.get(url)
    records = seed_copy()
    event_fields(records)["summary"] = "Corrected by a colleague's file."
    import_fixture(records, user=editor.user, publish_changes=True)

    data = submitted_values(page, "releaseevent_form")
    data["reported_count"] = "130"
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "changed after you opened it" in response.text
    assert "editor-boris" in response.text and "summary" in response.text.lower()
    event.refresh_from_db()
    assert (event.summary, event.reported_count) == ("Corrected by a colleague's file.", 123)

"""Issue 21, item 8: an import says what it will do, and does only that. Each test imports a
file (through the admin's preview and confirmation, or the command) and checks both."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from prisoners.models import Prisoner
from releases.models import Release, ReleaseEvent, SanctionsConcession
from tests.test_import import SEED, record_of, state, upload
from tracker.models import Source

pytestmark = pytest.mark.django_db

EVENT = "belarus-release-2025-12-13"
EVENT_TAG = f"releases.releaseevent {EVENT}"
FIRST_SOURCE = "belarus-frees-123-prisoners-as-trump-administration-lifts-key-sanctions"
SECOND_SOURCE = "freeing-political-prisoners-does-not-cure-the-disease-of-dictatorship"


def write(tmp_path, records):
    path = tmp_path / "colleague.json"
    path.write_text(json.dumps(records))
    return str(path)


def sources_of(slug):
    return sorted(Prisoner.objects.get(slug=slug).sources.values_list("slug", flat=True))


def test_a_key_the_import_would_drop_is_an_error_naming_the_record(seed, editor, tmp_path):
    records = copy.deepcopy(SEED)
    release = record_of(records, "releases.release", prisoner=["ales-bialiatski"])
    release["fields"]["sources"] = [[SECOND_SOURCE]]  # today's format has a status too
    before = state()
    cited = Release.objects.get(prisoner__slug="ales-bialiatski").sources.count()
    preview = upload(editor, records)
    assert preview.status_code == 400
    assert "releases.release" in preview.text and "“sources” cannot be imported" in preview.text
    assert "unchanged" not in preview.text
    with pytest.raises(CommandError, match=r"Record \d+ \(releases.release.*“sources”"):
        call_command("import_fixture", write(tmp_path, records), verbosity=0)
    assert state() == before
    assert Release.objects.get(prisoner__slug="ales-bialiatski").sources.count() == cited


def viktor_cites_the_first_source():
    records = copy.deepcopy(SEED)
    record_of(records, "prisoners.prisoner", slug="viktor-babariko")["fields"]["sources"] = [
        [FIRST_SOURCE]
    ]
    return records


def test_a_list_of_links_adds_to_the_stored_one(seed, editor):
    first, second = (str(Source.objects.get(slug=slug)) for slug in (FIRST_SOURCE, SECOND_SOURCE))
    preview = upload(editor, viktor_cites_the_first_source())
    assert preview.status_code == 200
    assert f"adds {first}" in preview.text and "removes" not in preview.text.split("<h3>")[-1]
    assert f"sources: {second} → {', '.join(sorted([first, second]))}" in preview.text
    done = editor.post(
        "/admin/import/",
        {
            "confirm": "1",
            "publish_changes": "1",
            "public_change": "prisoners.prisoner viktor-babariko",
        },
    )
    assert done.status_code == 302
    assert sources_of("viktor-babariko") == sorted([FIRST_SOURCE, SECOND_SOURCE])


def test_the_editor_may_replace_a_list_of_links_and_sees_what_goes(seed, editor, tmp_path):
    second = str(Source.objects.get(slug=SECOND_SOURCE))
    preview = upload(editor, viktor_cites_the_first_source(), replace_links="on")
    assert f"removes {second}" in preview.text
    assert sources_of("viktor-babariko") == [SECOND_SOURCE]
    path = write(tmp_path, viktor_cites_the_first_source())
    call_command("import_fixture", path, "--replace-links", "--publish-changes", verbosity=0)
    assert sources_of("viktor-babariko") == [FIRST_SOURCE]


def test_the_preview_shows_each_changed_field_with_its_old_and_new_value(seed, editor):
    records = copy.deepcopy(SEED)
    fields = record_of(records, "releases.releaseevent")["fields"]
    fields["reported_count"] = 130
    preview = upload(editor, records)
    assert "reported_count: 123 → 130" in preview.text
    assert ReleaseEvent.objects.get().reported_count == 123


def test_the_command_prints_old_and_new_values(seed, tmp_path, capsys):
    records = copy.deepcopy(SEED)
    record_of(records, "releases.releaseevent")["fields"]["reported_count"] = 130
    call_command("import_fixture", write(tmp_path, records), "--dry-run", verbosity=2)
    assert "reported_count: '123' -> '130'" in capsys.readouterr().out


def corrected_here_with_a_new_person():
    """The event corrected here after the seed's version of it, and a file that also brings a
    new person."""
    event = ReleaseEvent.objects.get()
    event.reported_count = 125
    event.save()
    records = copy.deepcopy(SEED)
    record_of(records, "releases.releaseevent")["fields"]["summary"] = "The file's summary"
    newcomer = copy.deepcopy(record_of(records, "prisoners.prisoner", slug="ales-bialiatski"))
    newcomer["fields"].update(slug="new-person", name="New Person")
    records.insert(records.index(record_of(records, "releases.releaseevent")), newcomer)
    return records


def test_a_conflict_applies_nothing_until_the_editor_chooses(seed, editor, tmp_path):
    records = corrected_here_with_a_new_person()
    before = state()
    preview = upload(editor, records)
    assert preview.status_code == 200 and "Version to keep" in preview.text
    refused = editor.post("/admin/import/", {"confirm": "1"})
    assert refused.status_code == 400
    assert f"“{EVENT_TAG}” changed here since the file" in refused.text
    with pytest.raises(CommandError, match=f"“{EVENT_TAG}” changed here"):
        call_command("import_fixture", write(tmp_path, records), verbosity=0)
    assert state() == before  # not half applied: the new person is not created either
    assert not Prisoner.objects.filter(slug="new-person").exists()
    # The upload is kept: the refusal shows the preview again, with the choice to make.
    assert "The file is still here" in refused.text
    assert f'name="version {EVENT_TAG}"' in refused.text

    done = editor.post(
        "/admin/import/", {"confirm": "1", f"version {EVENT_TAG}": "stored"}, follow=True
    )
    assert "Imported colleague.json" in done.text
    event = ReleaseEvent.objects.get()
    assert event.reported_count == 125 and event.summary != "The file's summary"
    assert Prisoner.objects.filter(slug="new-person").exists()


def test_a_record_an_import_wrote_is_not_changed_here(db, tmp_path):
    call_command("import_fixture", write(tmp_path, SEED), "--publish-new", verbosity=0)
    records = copy.deepcopy(SEED)  # the same updated_at as the seed: older than the import
    record_of(records, "releases.releaseevent")["fields"]["reported_count"] = 124
    call_command("import_fixture", write(tmp_path, records), "--publish-changes", verbosity=0)
    assert ReleaseEvent.objects.get().reported_count == 124
    # A change made here since is one.
    event = ReleaseEvent.objects.get()
    event.reported_count = 126
    event.save()
    record_of(records, "releases.releaseevent")["fields"]["reported_count"] = 127
    with pytest.raises(CommandError, match=f"“{EVENT_TAG}” changed here"):
        call_command("import_fixture", write(tmp_path, records), "--publish-changes", verbosity=0)
    assert ReleaseEvent.objects.get().reported_count == 126


def test_changes_to_public_records_apply_only_when_agreed(seed, editor, tmp_path):
    records = copy.deepcopy(SEED)
    record_of(records, "releases.releaseevent")["fields"]["reported_count"] = 130
    before = state()
    with pytest.raises(CommandError, match=f"would be public at once: “{EVENT_TAG}”"):
        call_command("import_fixture", write(tmp_path, records), verbosity=0)
    preview = upload(editor, records)
    assert "Public records this import changes" in preview.text
    assert f'name="public_change" value="{EVENT_TAG}"' in preview.text
    refused = editor.post("/admin/import/", {"confirm": "1"})
    assert refused.status_code == 400 and EVENT_TAG in refused.text
    # An agreement to another list (here: none of the records) publishes nothing.
    upload(editor, records)
    refused = editor.post("/admin/import/", {"confirm": "1", "publish_changes": "1"})
    assert refused.status_code == 400
    assert state() == before

    upload(editor, records)
    done = editor.post(
        "/admin/import/", {"confirm": "1", "publish_changes": "1", "public_change": EVENT_TAG}
    )
    assert done.status_code == 302
    assert ReleaseEvent.objects.get().reported_count == 130


def measure_under_a_new_slug():
    SanctionsConcession.objects.update(identifier="GL 13")
    measure = copy.deepcopy(record_of(SEED, "releases.sanctionsconcession"))
    measure["fields"].update(slug="potash-licence-entered-again", identifier=" gl 13", entities=[])
    return [measure]


def test_a_measure_with_a_stored_issuer_and_identifier_is_not_a_silent_second_copy(
    seed, editor, tmp_path
):
    records = measure_under_a_new_slug()
    preview = upload(editor, records)
    assert preview.status_code == 200
    assert "New records that repeat stored ones" in preview.text
    assert "releases.sanctionsconcession potash-licence-entered-again" in preview.text
    assert "(belarusian-potash-sector-belaruskali)" in preview.text
    refused = editor.post("/admin/import/", {"confirm": "1"})
    assert refused.status_code == 400
    assert "potash-licence-entered-again" in refused.text
    assert "belarusian-potash-sector-belaruskali" in refused.text
    path = write(tmp_path, records)
    with pytest.raises(CommandError, match="potash-licence-entered-again.*belaruskali"):
        call_command("import_fixture", path, verbosity=0)
    assert SanctionsConcession.objects.count() == 1

    call_command("import_fixture", path, "--allow-duplicates", verbosity=0)
    assert SanctionsConcession.objects.count() == 2


@pytest.mark.parametrize(
    ("label", "changes", "stored"),
    [
        ("releases.sanctionedentity", {"slug": "potash"}, "belarusian-potash-sector"),
        (
            "tracker.source",
            {"slug": "the-same-article", "url": "HTTP://WWW.Example.org/article/"},
            FIRST_SOURCE,
        ),
    ],
)
def test_an_entity_or_source_with_a_stored_identity_is_named(
    seed, tmp_path, label, changes, stored
):
    Source.objects.filter(slug=FIRST_SOURCE).update(url="https://example.org/article")
    record = copy.deepcopy(record_of(SEED, label))
    record["fields"].update(changes)
    record["fields"].pop("sources", None)
    before = state()
    with pytest.raises(CommandError, match=f"{changes['slug']}.*{stored}"):
        call_command("import_fixture", write(tmp_path, [record]), verbosity=0)
    assert state() == before

"""Everything a record says is text in the admin: a name written as markup shows as that markup,
escaped, on every admin page that mentions it, and adds nothing to the page.

A case worker names a restricted person (and an event, a source, a measure...) with form markup;
the editor's pages (lists, forms, help texts, confirmations, messages, error lists, history,
delete confirmations, the import preview, the autocomplete) must show the name as text, never as
an <input> of the editor's form. Nothing here publishes anything: the records stay restricted.
"""

import json
from html.parser import HTMLParser

import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile

from prisoners.models import Prisoner
from releases.models import (
    ConcessionFigure,
    ConcessionLink,
    Participant,
    Release,
    ReleaseEvent,
    ReportedNationality,
    SanctionedEntity,
    SanctionsConcession,
)
from tests.admin_forms import submitted_values
from tests.test_admin import ADD_EVENT_URL, event_form
from tests.test_integrity import change_url, changelist_url
from tracker.models import Country, Source, Visibility

pytestmark = pytest.mark.django_db

MARKUP = '<input name="x" value="y"><b>probe</b>'
ESCAPED = "&lt;input name=&quot;x&quot; value=&quot;y&quot;&gt;&lt;b&gt;probe&lt;/b&gt;"


class _Injected(HTMLParser):
    """The elements the name would add to a page if it were put in as markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inputs, self.bold, self.in_bold = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "input" and dict(attrs).get("name") == "x":
            self.inputs.append(attrs)
        self.in_bold = tag == "b" or self.in_bold

    def handle_endtag(self, tag):
        if tag == "b":
            self.in_bold = False

    def handle_data(self, data):
        if self.in_bold and "probe" in data:
            self.bold.append(data)


def assert_shown_as_text(response, where=""):
    """The page mentions the name, escaped, and holds no element the name would add."""
    assert response.status_code == 200, (where, response.status_code)
    html = response.content.decode()
    assert ESCAPED in html, f"{where}: the name is not shown as text"
    parser = _Injected()
    parser.feed(html)
    assert not parser.inputs, f"{where}: the name added an input: {parser.inputs}"
    assert not parser.bold, f"{where}: the name added bold text"


@pytest.fixture(scope="module")
def named(shared_records, make_source, make_prisoner, make_event, make_release, make_entity):
    """The records a case worker named with markup, all restricted: a person freed in a
    restricted event (and in a public one), with a participant, a nationality report and a
    measure linked to the restricted event; the measure covers an entity and has a figure."""
    with shared_records():
        source = make_source(title=MARKUP, slug="markup-source")
        person = make_prisoner(
            name=MARKUP,
            name_native=MARKUP,
            slug="markup-person",
            visibility=Visibility.RESTRICTED,
            sources=[source],
        )
        event = make_event(
            title=MARKUP,
            slug="markup-event",
            visibility=Visibility.RESTRICTED,
            reported_count=10,
            sources=[source],
        )
        public_event = make_event(title="A public release", sources=[source], reported_count=10)
        release = make_release(event, person, visibility=Visibility.RESTRICTED, sources=[source])
        make_release(public_event, person, visibility=Visibility.RESTRICTED, sources=[source])
        participant = Participant.objects.create(
            event=event, name=MARKUP, role="envoy", visibility=Visibility.RESTRICTED
        )
        participant.sources.set([source])
        ReportedNationality.objects.create(
            event=event,
            country=Country.objects.get(code="LT"),
            source=source,
            visibility=Visibility.RESTRICTED,
        )
        entity = make_entity(name=MARKUP, slug="markup-entity", visibility=Visibility.RESTRICTED)
        measure = SanctionsConcession.objects.create(
            imposed_by=Country.objects.get(code="US"),
            target=MARKUP,
            slug="markup-measure",
            kind="eased",
            visibility=Visibility.RESTRICTED,
        )
        measure.sources.set([source])
        measure.entities.set([entity])
        link = ConcessionLink.objects.create(
            concession=measure, event=event, basis="reported", visibility=Visibility.RESTRICTED
        )
        link.sources.set([source])
        figure = ConcessionFigure.objects.create(
            concession=measure, slug="markup-figure", measure=MARKUP, low=1, high=2
        )
        yield {
            "source": source,
            "person": person,
            "event": event,
            "public_event": public_event,
            "release": release,
            "participant": participant,
            "entity": entity,
            "measure": measure,
            "link": link,
            "figure": figure,
        }


RESTRICTED_MODELS = [
    Prisoner,
    Release,
    Participant,
    ReportedNationality,
    SanctionedEntity,
    SanctionsConcession,
    ConcessionLink,
]


def assert_nothing_published(named):
    """Every record named with markup is as restricted as the case worker left it."""
    for model in RESTRICTED_MODELS:
        assert not model.objects.filter(visibility=Visibility.PUBLIC).exists(), model
    assert ReleaseEvent.objects.get(pk=named["event"].pk).visibility == Visibility.RESTRICTED


def history_url(record):
    return change_url(record).replace("/change/", "/history/")


def delete_url(record):
    return change_url(record).replace("/change/", "/delete/")


# Every page of the records: its list (found by a search, as the editor would), its form, its
# history, an entry of its history and its delete confirmation.
RECORDS = ["source", "person", "event", "release", "participant", "entity", "measure", "link"]
RECORDS_IN_OTHERS = {
    "public_event": "its person freed",
    "figure": "what it measures",
}


def pages_of(key, record):
    model = type(record)
    entry = record.history.earliest()
    return {
        f"{key}: list": changelist_url(model) + "?q=probe",
        f"{key}: form": change_url(record),
        f"{key}: history": history_url(record),
        f"{key}: history entry": f"{history_url(record)}{entry.history_id}/",
        f"{key}: delete": delete_url(record),
    }


@pytest.mark.parametrize("key", [*RECORDS, *RECORDS_IN_OTHERS])
def test_every_page_of_a_record_shows_the_name_as_text(named, editor, key):
    for where, url in pages_of(key, named[key]).items():
        if key in RECORDS_IN_OTHERS and where.endswith(": list"):
            url = changelist_url(type(named[key]))
        assert_shown_as_text(editor.get(url), where)
    assert_nothing_published(named)


def test_the_lists_of_records_linked_to_it_show_the_name_as_text(named, editor):
    for model in [ReportedNationality, ConcessionFigure, Participant, Release, ConcessionLink]:
        assert_shown_as_text(editor.get(changelist_url(model)), model._meta.label)


def test_the_hidden_rows_help_text_shows_the_names_as_text(named, editor):
    response = editor.get(change_url(named["event"]))
    help_text = str(response.context["adminform"].form.fields["hidden_records"].help_text)
    assert ESCAPED in help_text
    assert_shown_as_text(response, "event form")
    assert "y" not in submitted_values(response, "releaseevent_form").values()
    assert "x" not in submitted_values(response, "releaseevent_form")


def publish_form(editor, event):
    data = submitted_values(editor.get(change_url(event)), "releaseevent_form")
    data["visibility"] = Visibility.PUBLIC
    return data


def test_the_publish_question_lists_the_names_as_text(named, editor):
    data = publish_form(editor, named["event"])
    response = editor.post(change_url(named["event"]), data)  # no choice made
    assert "Choose whether to publish them" in response.text
    assert_shown_as_text(response, "event form, the question asked again")
    assert_nothing_published(named)


def test_a_changed_hidden_list_names_the_records_as_text(named, editor, make_prisoner):
    data = publish_form(editor, named["event"])
    data["hidden_records"] = "publish"
    data["hidden_shown"] = [
        token for token in data["hidden_shown"] if not token.startswith("prisoners.prisoner:")
    ]
    response = editor.post(change_url(named["event"]), data)
    assert "changed after you opened it" in response.text
    assert_shown_as_text(response, "event form, the list changed")
    assert_nothing_published(named)


def test_records_that_cannot_be_published_yet_are_named_as_text(named, editor):
    named["participant"].sources.clear()  # a hidden row that may not be public yet
    data = publish_form(editor, named["event"])
    data["hidden_records"] = "publish"
    response = editor.post(change_url(named["event"]), data)
    assert "cannot be published yet" in response.text
    assert_shown_as_text(response, "event form, rows that cannot be published")
    assert_nothing_published(named)


def test_a_publish_refused_when_the_new_event_is_saved_names_the_row_as_text(named, editor):
    """The add form: the person freed entered with a new public event cites no source yet, so
    publishing it with the event undoes the whole save, and the message says why."""
    source = named["source"]
    data = event_form(
        [named["person"]], visibility="public", sources=[source.pk], hidden_records="publish"
    )
    response = editor.post(ADD_EVENT_URL, data, follow=True)
    assert "Nothing was saved." in response.text
    assert_shown_as_text(response, "add form refused (message)")
    assert not ReleaseEvent.objects.filter(slug="belarus-frees-52-political-prisoners").exists()
    assert_nothing_published(named)


def publish_from_the_list(editor, event, **extra):
    return editor.post(
        changelist_url(ReleaseEvent),
        {
            "action": "publish",
            "_selected_action": [event.pk],
            "_seen_version": f"{event.pk}:{event.version}",
            **extra,
        },
        follow=True,
    )


def test_the_bulk_publish_confirmation_lists_the_names_as_text(named, editor):
    response = publish_from_the_list(editor, named["event"])
    assert "publish-confirmation" in response.text
    assert_shown_as_text(response, "bulk publish confirmation")
    assert_nothing_published(named)


def test_the_bulk_confirmation_of_a_changed_list_names_them_as_text(named, editor):
    confirmation = publish_from_the_list(editor, named["event"])
    data = submitted_values(confirmation, "publish-confirmation")
    name = f"hidden_shown_{named['event'].pk}"
    data[name] = [token for token in data[name] if not token.startswith("prisoners.prisoner:")]
    data["hidden_records"] = "publish"
    response = editor.post(changelist_url(ReleaseEvent), data, follow=True)
    assert "Nothing was published: the records hidden changed" in response.text
    assert_shown_as_text(response, "bulk publish, the list changed (message)")
    assert_nothing_published(named)


def test_a_bulk_publish_refused_by_the_service_names_the_row_as_text(named, editor):
    named["participant"].sources.clear()
    confirmation = publish_from_the_list(editor, named["event"])
    data = submitted_values(confirmation, "publish-confirmation")
    data["hidden_records"] = "publish"
    response = editor.post(changelist_url(ReleaseEvent), data, follow=True)
    assert "Nothing was published." in response.text
    assert_shown_as_text(response, "bulk publish refused (message)")
    assert_nothing_published(named)


def test_the_delete_selected_confirmation_names_the_records_as_text(named, editor):
    for model, key in [(Prisoner, "person"), (ReleaseEvent, "event"), (Source, "source")]:
        response = editor.post(
            changelist_url(model),
            {"action": "delete_selected", "_selected_action": [named[key].pk]},
        )
        assert "Are you sure" in response.text or "Cannot delete" in response.text
        assert_shown_as_text(response, f"delete selected {key}")
        assert model.objects.filter(pk=named[key].pk).exists()


def test_what_stays_hidden_is_named_as_text_in_the_message(named, editor):
    """The Publish action on a public event, publishing it alone: nothing changes, and the
    message names what stays hidden."""
    response = publish_from_the_list(editor, named["public_event"], hidden_records="leave")
    assert "stay hidden" in response.text or "stays hidden" in response.text
    assert_shown_as_text(response, "publish alone (message)")
    assert_nothing_published(named)


def test_a_refused_publish_names_the_record_as_text(named, editor):
    person = named["person"]
    response = editor.post(
        changelist_url(Prisoner),
        {
            "action": "publish",
            "_selected_action": [person.pk],
            "_seen_version": f"{person.pk}:{person.version - 1}",  # a list loaded before a change
        },
        follow=True,
    )
    assert "were not changed" in response.text or "was not changed" in response.text
    assert_shown_as_text(response, "refused publish (message)")
    assert_nothing_published(named)


def test_a_saved_record_is_named_as_text_in_the_message_and_its_history(named, editor):
    person = named["person"]
    data = submitted_values(editor.get(change_url(person)), "prisoner_form")
    data["sentence"] = "10 years"
    data["description"] = MARKUP
    response = editor.post(change_url(person), data, follow=True)
    assert "was changed successfully" in response.text
    assert_shown_as_text(response, "saved (message)")
    assert_shown_as_text(editor.get("/admin/"), "recent actions")
    assert_shown_as_text(editor.get(history_url(person)), "history with the change")
    latest = Prisoner.objects.get(pk=person.pk).history.latest()
    assert_shown_as_text(editor.get(f"{history_url(person)}{latest.history_id}/"), "restore page")
    assert_nothing_published(named)


def test_a_stale_form_names_what_the_other_editor_stored_as_text(
    named, editor, role_client, make_source
):
    person = named["person"]
    page = submitted_values(editor.get(change_url(person)), "prisoner_form")
    vera = role_client("Editors", "editor-vera")
    theirs = submitted_values(vera.get(change_url(person)), "prisoner_form")
    theirs["sources"] = [str(named["source"].pk), str(make_source().pk)]
    assert vera.post(change_url(person), theirs).status_code == 302

    page["sources"] = []  # both changed the sources: the form names the ones stored
    response = editor.post(change_url(person), page)
    assert "editor-vera changed this field too" in response.text
    assert_shown_as_text(response, "stale form (field marked)")
    assert_nothing_published(named)


def test_a_possible_duplicate_is_named_as_text_in_the_error(named, editor):
    page = editor.get("/admin/prisoners/prisoner/add/")
    data = submitted_values(page, "prisoner_form")
    data.update(name=MARKUP, slug="markup-person-again")
    response = editor.post("/admin/prisoners/prisoner/add/", data)
    assert "Possible duplicate" in response.text
    assert_shown_as_text(response, "possible duplicate (error list)")
    assert not Prisoner.objects.filter(slug="markup-person-again").exists()


def test_the_import_preview_shows_the_names_as_text(named, editor):
    person, source = named["person"], named["source"]
    records = json.loads(
        serializers.serialize(
            "json", [source, person], use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    )
    for record in records:
        record["fields"].pop("version", None)
    stored = records[1]["fields"]
    stored["sentence"] = MARKUP  # a change to the stored person: old and new values
    newcomer = json.loads(json.dumps(records[1]))
    newcomer["fields"].update(slug="markup-person-imported")  # a possible duplicate
    records.append(newcomer)
    upload = SimpleUploadedFile("colleague.json", json.dumps(records).encode())
    response = editor.post("/admin/import/", {"fixture": upload})
    assert "Preview of colleague.json" in response.text, response.text[-3000:]
    assert_shown_as_text(response, "import preview")
    assert not Prisoner.objects.filter(slug="markup-person-imported").exists()
    assert_nothing_published(named)


def test_the_autocomplete_answers_the_name_as_data_and_the_form_shows_it_as_text(named, editor):
    response = editor.get(
        "/admin/autocomplete/",
        {
            "app_label": "releases",
            "model_name": "release",
            "field_name": "prisoner",
            "term": "probe",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [item["text"] for item in response.json()["results"]] == [MARKUP]
    # The option the form shows for the chosen person is text.
    assert_shown_as_text(editor.get(change_url(named["release"])), "release form")

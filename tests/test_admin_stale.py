"""Stale forms keep the other editor's work: a form refused because someone saved the record
since is shown again with the record as stored now under the editor's own changes, so saving it
again never reverts the other change.

Two editors open the same page; the second saves first. Everything goes through the real admin.
"""

import datetime

import pytest

from prisoners.models import Prisoner
from releases.models import Release, ReleaseEvent, SanctionsConcession
from tests.admin_forms import submitted_values
from tests.test_admin import code_id
from tests.test_integrity import change_url
from tracker.models import Country, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def vera(role_client):
    return role_client("Editors", "editor-vera")


@pytest.fixture
def sources(make_source):
    return [make_source(title=title) for title in ("First report", "Second report", "Third")]


@pytest.fixture
def person(make_prisoner, sources):
    return make_prisoner(
        name="Ihar Losik",
        slug="ihar-losik",
        sentence="15 years",
        charges="",
        visibility=Visibility.RESTRICTED,
        sources=sources[:1],
    )


FORM = {
    Prisoner: "prisoner_form",
    ReleaseEvent: "releaseevent_form",
    SanctionsConcession: "sanctionsconcession_form",
}


def open_form(client, record):
    """What the page shows, as its form would post it."""
    return submitted_values(client.get(change_url(record)), FORM[type(record)])


def save(client, record, data):
    response = client.post(change_url(record), data)
    assert response.status_code == 302, errors(response)
    return response


def save_change(client, record, **changes):
    """Someone opens the record's page, changes fields and saves."""
    data = open_form(client, record)
    data.update(changes)
    return save(client, record, data)


def errors(response):
    return response.context["errors"].as_text() if response.context else response.status_code


def refused(response):
    assert response.status_code == 200
    assert "changed after you opened it" in errors(response)
    return response


def field_errors(response, name):
    return response.context["adminform"].form.errors.get(name, [])


def test_the_form_shown_again_holds_the_other_change_and_saving_keeps_both(editor, vera, person):
    page = open_form(editor, person)  # Boris opens the page
    save_change(vera, person, sentence="20 years")  # Vera changes the sentence

    page["charges"] = "Organising mass riots"  # Boris changes the charges
    response = refused(editor.post(change_url(person), page))
    assert "editor-vera" in errors(response) and "sentence" in errors(response)
    assert "The form now shows the record as it is, with your changes" in errors(response)
    person.refresh_from_db()
    assert (person.sentence, person.charges) == ("20 years", "")

    again = submitted_values(response, "prisoner_form")
    assert again["sentence"] == "20 years"  # hers, as stored
    assert again["charges"] == "Organising mass riots"  # his
    assert again["seen_version"] == str(person.version)
    assert not field_errors(response, "sentence") and not field_errors(response, "charges")

    save(editor, person, again)
    person.refresh_from_db()
    assert (person.sentence, person.charges) == ("20 years", "Organising mass riots")
    assert person.visibility == Visibility.RESTRICTED


def test_a_field_both_changed_is_marked_and_keeps_the_editors_entry(editor, vera, person):
    page = open_form(editor, person)
    save_change(vera, person, sentence="20 years", description="Blogger")

    page["sentence"] = "16 years"
    response = refused(editor.post(change_url(person), page))
    marked = " ".join(field_errors(response, "sentence"))
    assert "editor-vera changed this field too" in marked and "“20 years”" in marked
    assert not field_errors(response, "description")

    again = submitted_values(response, "prisoner_form")
    assert again["sentence"] == "16 years"  # his entry, for him to decide
    assert again["description"] == "Blogger"  # hers, untouched by him

    save(editor, person, again)  # he keeps his
    person.refresh_from_db()
    assert (person.sentence, person.description) == ("16 years", "Blogger")


def test_the_same_change_made_by_both_is_not_marked(editor, vera, person):
    page = open_form(editor, person)
    save_change(vera, person, sentence="20 years")
    page.update(sentence="20 years", charges="Tax evasion")
    response = refused(editor.post(change_url(person), page))
    assert not field_errors(response, "sentence")
    save(editor, person, submitted_values(response, "prisoner_form"))
    person.refresh_from_db()
    assert (person.sentence, person.charges) == ("20 years", "Tax evasion")


def test_a_list_of_sources_added_to_since_is_kept(editor, vera, person, sources):
    first, second, _third = sources
    page = open_form(editor, person)
    save_change(vera, person, sources=[str(first.pk), str(second.pk)])

    page["charges"] = "Extremism"
    response = refused(editor.post(change_url(person), page))
    again = submitted_values(response, "prisoner_form")
    assert sorted(again["sources"]) == sorted([str(first.pk), str(second.pk)])
    assert not field_errors(response, "sources")

    save(editor, person, again)
    person.refresh_from_db()
    assert set(person.sources.all()) == {first, second}
    assert person.charges == "Extremism"


def test_a_list_of_sources_both_changed_is_marked_with_the_stored_one(
    editor, vera, person, sources
):
    first, second, third = sources
    page = open_form(editor, person)
    save_change(vera, person, sources=[str(first.pk), str(second.pk)])

    page["sources"] = [str(first.pk), str(third.pk)]
    response = refused(editor.post(change_url(person), page))
    marked = " ".join(field_errors(response, "sources"))
    assert "editor-vera changed this field too" in marked
    assert str(second) in marked and str(third) not in marked
    again = submitted_values(response, "prisoner_form")
    assert sorted(again["sources"]) == sorted([str(first.pk), str(third.pk)])

    again["sources"] = [str(first.pk), str(second.pk), str(third.pk)]  # he takes both
    save(editor, person, again)
    person.refresh_from_db()
    assert set(person.sources.all()) == {first, second, third}


def test_a_visibility_chosen_on_a_stale_form_is_set_back_and_said(editor, vera, person):
    page = open_form(editor, person)
    save_change(vera, person, sentence="20 years")

    page["visibility"] = Visibility.PUBLIC
    response = refused(editor.post(change_url(person), page))
    assert "Set back to the stored visibility" in " ".join(field_errors(response, "visibility"))
    again = submitted_values(response, "prisoner_form")
    assert again["visibility"] == Visibility.RESTRICTED
    assert again["sentence"] == "20 years"
    person.refresh_from_db()
    assert person.visibility == Visibility.RESTRICTED

    save(editor, person, again)  # saved as shown: still restricted, her sentence kept
    person.refresh_from_db()
    assert (person.visibility, person.sentence) == (Visibility.RESTRICTED, "20 years")


@pytest.fixture
def event(make_event, make_prisoner, make_release, sources):
    """A restricted event with a restricted person freed, as a case worker entered them."""
    event = make_event(
        title="Release of May",
        visibility=Visibility.RESTRICTED,
        reported_count=10,
        sources=sources[:1],
        counterparts=["US"],
    )
    person = make_prisoner(name="Anna Example", visibility=Visibility.RESTRICTED)
    make_release(event, person, visibility=Visibility.RESTRICTED, details="")
    return event


def test_an_event_form_keeps_the_other_editors_change_of_its_fields(editor, vera, event):
    page = open_form(editor, event)
    save_change(
        vera, event, summary="Freed after talks.", counterparts=[code_id("US"), code_id("LT")]
    )

    page["reported_count"] = "12"
    response = refused(editor.post(change_url(event), page))
    again = submitted_values(response, "releaseevent_form")
    assert again["summary"] == "Freed after talks."
    assert sorted(again["counterparts"]) == sorted([str(code_id("US")), str(code_id("LT"))])
    assert again["reported_count"] == "12"

    save(editor, event, again)
    event.refresh_from_db()
    assert (event.summary, event.reported_count) == ("Freed after talks.", 12)
    assert set(event.counterparts.values_list("code", flat=True)) == {"US", "LT"}
    assert event.visibility == Visibility.RESTRICTED


def test_an_inline_row_shown_again_holds_the_other_change_of_the_row(editor, vera, event):
    release = event.releases.get()
    page = open_form(editor, event)
    save_change(vera, event, **{"releases-0-details": "Taken to the Lithuanian border"})

    page["releases-0-destination"] = str(code_id("LT"))
    response = editor.post(change_url(event), page)
    assert response.status_code == 200
    assert "changed after you opened it" in response.text
    again = submitted_values(response, "releaseevent_form")
    assert again["releases-0-details"] == "Taken to the Lithuanian border"
    assert again["releases-0-destination"] == str(code_id("LT"))

    save(editor, event, again)
    release.refresh_from_db()
    assert release.details == "Taken to the Lithuanian border"
    assert release.destination == Country.objects.get(code="LT")
    assert release.visibility == Visibility.RESTRICTED


def test_an_inline_row_the_editor_left_is_not_written_back(editor, vera, event):
    """Someone changed a row meanwhile; the editor changes only the event: the row is not
    saved again, so the other change stays."""
    release = event.releases.get()
    page = open_form(editor, event)
    save_change(vera, event, **{"releases-0-details": "Taken to the Lithuanian border"})
    event.refresh_from_db()

    page["summary"] = "Freed after talks."
    response = refused(editor.post(change_url(event), page))
    save(editor, event, submitted_values(response, "releaseevent_form"))
    event.refresh_from_db()
    release.refresh_from_db()
    assert event.summary == "Freed after talks."
    assert release.details == "Taken to the Lithuanian border"
    assert Release.objects.filter(visibility=Visibility.PUBLIC).count() == 0


def test_ticks_dates_and_choices_changed_since_are_kept(
    editor, vera, make_concession, make_entity, sources
):
    """A measure: a tick box, a yes/no/unknown choice, a date and a list of entities saved by
    someone else, while the editor corrects the title."""
    measure = make_concession(
        identifier="GL 13", title="General License 13", sources=sources[:1], delists=None
    )
    company = make_entity(name="Belavia")
    page = open_form(editor, measure)
    save_change(
        vera,
        measure,
        no_expiry="on",
        delists="true",
        issued_on="2025-09-12",
        issued_on_precision="day",
        entities=[str(company.pk)],
    )

    page["title"] = "General License No. 13"
    response = refused(editor.post(change_url(measure), page))
    again = submitted_values(response, "sanctionsconcession_form")
    assert again["no_expiry"] == "on" and again["delists"] == "true"
    assert again["issued_on"] == "2025-09-12" and again["entities"] == str(company.pk)
    assert again["title"] == "General License No. 13"

    save(editor, measure, again)
    measure.refresh_from_db()
    assert measure.title == "General License No. 13"
    assert (measure.no_expiry, measure.delists) == (True, True)
    assert measure.issued_on == datetime.date(2025, 9, 12)
    assert list(measure.entities.all()) == [company]

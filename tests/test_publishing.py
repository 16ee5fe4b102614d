"""Publishing through the real admin does exactly what the editor saw: the records a page
listed, at the versions it listed them, and nothing else."""

import pytest

from prisoners.models import Prisoner
from releases.models import Release, ReleaseEvent
from tests.admin_forms import submitted_values
from tests.test_admin import ADD_EVENT_URL, event_form
from tests.test_integrity import change_url, changelist_url, errors_of
from tracker import services
from tracker.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_event(make_event, make_prisoner, make_release, make_source):
    """An event entered by a case worker, restricted, with one restricted person freed."""
    source = make_source()
    event = make_event(title="Release of May", visibility=Visibility.RESTRICTED, sources=[source])
    anna = make_prisoner(name="Anna Example", visibility=Visibility.RESTRICTED, sources=[source])
    make_release(event, anna, visibility=Visibility.RESTRICTED, sources=[source])
    return event


@pytest.fixture
def add_late_person(make_prisoner, make_release):
    """Someone adds a restricted person freed to the event after the editor opened it."""

    def add(event):
        source = event.sources.get()
        late = make_prisoner(name="Late Person", visibility=Visibility.RESTRICTED, sources=[source])
        return make_release(event, late, visibility=Visibility.RESTRICTED, sources=[source])

    return add


def nothing_public(event):
    event.refresh_from_db()
    return (
        event.visibility == Visibility.RESTRICTED
        and not Prisoner.objects.filter(visibility=Visibility.PUBLIC).exists()
        and not Release.objects.filter(visibility=Visibility.PUBLIC).exists()
    )


def publish_form(editor, event):
    data = submitted_values(editor.get(change_url(event)), "releaseevent_form")
    data.update(visibility=Visibility.PUBLIC, hidden_records="publish")
    return data


def test_a_person_freed_added_after_the_page_opened_stops_the_publish(
    editor, restricted_event, add_late_person
):
    data = publish_form(editor, restricted_event)
    add_late_person(restricted_event)

    response = editor.post(change_url(restricted_event), data)

    assert response.status_code == 200
    assert "changed after you opened it" in errors_of(response)
    assert "not shown to you" in errors_of(response) and "Late Person" in errors_of(response)
    assert nothing_public(restricted_event)
    # The form shown again lists the new records and carries them: choosing again publishes.
    assert "Late Person" in response.context["adminform"].form.fields["hidden_records"].help_text
    again = submitted_values(response, "releaseevent_form")
    again["hidden_records"] = "publish"
    assert editor.post(change_url(restricted_event), again).status_code == 302
    assert not Prisoner.objects.exclude(visibility=Visibility.PUBLIC).exists()
    assert not Release.objects.exclude(visibility=Visibility.PUBLIC).exists()


def test_a_listed_record_changed_since_stops_the_publish(editor, restricted_event):
    data = publish_form(editor, restricted_event)
    anna = Prisoner.objects.get(name="Anna Example")
    anna.name = "Anna Example-Novak"
    services.save_record(anna, user=None, seen_version=anna.version)

    response = editor.post(change_url(restricted_event), data)

    assert response.status_code == 200
    assert "changed since" in errors_of(response) and "Anna Example" in errors_of(response)
    assert nothing_public(restricted_event)


def test_a_request_without_the_shown_list_publishes_no_hidden_record(editor, restricted_event):
    data = publish_form(editor, restricted_event)
    data.pop("hidden_shown")

    response = editor.post(change_url(restricted_event), data)
    assert response.status_code == 200
    assert "not shown to you" in errors_of(response)
    assert nothing_public(restricted_event)

    data["hidden_records"] = "leave"
    assert editor.post(change_url(restricted_event), data).status_code == 302
    restricted_event.refresh_from_db()
    assert restricted_event.visibility == Visibility.PUBLIC
    assert not Prisoner.objects.filter(visibility=Visibility.PUBLIC).exists()


@pytest.mark.parametrize("damaged", ["releases.release:1", "x:y:z", "releases.release:-1:2"])
def test_a_damaged_shown_list_is_a_form_error(editor, restricted_event, damaged):
    data = publish_form(editor, restricted_event)
    data["hidden_shown"] = damaged

    response = editor.post(change_url(restricted_event), data)

    assert response.status_code == 200
    assert "damaged" in errors_of(response)
    assert nothing_public(restricted_event)


def bulk_confirmation(editor, event):
    listing = editor.get(changelist_url(ReleaseEvent))
    selection = {
        "action": "publish",
        "_selected_action": [event.pk],
        "_seen_version": submitted_values(listing, "changelist-form")["_seen_version"],
    }
    return editor.post(changelist_url(ReleaseEvent), selection)


def test_the_bulk_confirmation_publishes_only_what_it_listed(
    editor, restricted_event, add_late_person
):
    confirmation = bulk_confirmation(editor, restricted_event)
    data = submitted_values(confirmation, "publish-confirmation")
    data["hidden_records"] = "publish"
    add_late_person(restricted_event)

    response = editor.post(changelist_url(ReleaseEvent), data)

    assert response.status_code == 200
    assert "Nothing was published: the records hidden changed." in response.text
    assert "Late Person" in response.text
    assert nothing_public(restricted_event)
    again = submitted_values(response, "publish-confirmation")
    again["hidden_records"] = "publish"
    response = editor.post(changelist_url(ReleaseEvent), again, follow=True)
    assert "Published: 1 release event, 2 people freed, 2 prisoners." in response.text
    assert not Prisoner.objects.exclude(visibility=Visibility.PUBLIC).exists()


def test_a_bulk_publish_without_the_shown_list_publishes_no_hidden_record(editor, restricted_event):
    data = submitted_values(bulk_confirmation(editor, restricted_event), "publish-confirmation")
    data["hidden_records"] = "publish"
    data.pop(f"hidden_shown_{restricted_event.pk}")

    response = editor.post(changelist_url(ReleaseEvent), data)

    assert response.status_code == 200
    assert "not shown to you" in response.text
    assert nothing_public(restricted_event)


def test_publishing_alone_from_the_list_names_what_stays_hidden(editor, restricted_event):
    data = submitted_values(bulk_confirmation(editor, restricted_event), "publish-confirmation")
    data["hidden_records"] = "leave"

    response = editor.post(changelist_url(ReleaseEvent), data, follow=True)

    assert "Published: 1 release event. 2 stay hidden: person freed" in response.text
    assert "Anna Example" in response.text
    assert not Prisoner.objects.filter(visibility=Visibility.PUBLIC).exists()


def test_the_publish_action_on_a_public_event_asks_about_its_hidden_rows(editor, restricted_event):
    ReleaseEvent.objects.filter(pk=restricted_event.pk).update(visibility=Visibility.PUBLIC)
    confirmation = bulk_confirmation(editor, restricted_event)
    assert "Anna Example" in confirmation.text

    data = submitted_values(confirmation, "publish-confirmation")
    data["hidden_records"] = "publish"
    response = editor.post(changelist_url(ReleaseEvent), data, follow=True)

    assert "Published: 1 person freed, 1 prisoner." in response.text
    assert not Prisoner.objects.exclude(visibility=Visibility.PUBLIC).exists()


@pytest.mark.parametrize("choice", ["publish", "leave", ""])
def test_the_add_form_asks_about_the_rows_added_with_a_public_event(
    editor, make_prisoner, make_source, choice
):
    source = make_source()
    person = make_prisoner(name="Added Person", visibility=Visibility.RESTRICTED, sources=[source])
    data = event_form([person], visibility="public", sources=[source.pk], hidden_records=choice)
    data["releases-0-visibility"] = "restricted"

    response = editor.post(ADD_EVENT_URL, data, follow=True)

    assert response.status_code == 200
    person.refresh_from_db()
    if choice == "publish":
        # A new person freed cites no source yet (entered on its own page): publishing it is
        # refused, the whole save is undone, and the editor is told why.
        assert "Nothing was saved." in response.text and "cites no source" in response.text
        assert not ReleaseEvent.objects.exists()
        assert person.visibility == Visibility.RESTRICTED
    else:
        assert ReleaseEvent.objects.get().visibility == Visibility.PUBLIC
        assert "The release is public; these stay hidden:" in response.text
        assert "Added Person" in response.text
        assert person.visibility == Visibility.RESTRICTED

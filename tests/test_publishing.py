"""Publishing through the real admin does exactly what the editor saw: the records a page
listed, at the versions it listed them, and nothing else."""

import re
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prisoners.models import Prisoner
from releases import services as release_services
from releases.models import (
    ConcessionLink,
    Participant,
    Release,
    ReleaseEvent,
    ReportedNationality,
    RouteLeg,
    SanctionsConcession,
)
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


def test_a_row_edited_in_the_same_save_is_published_as_edited(editor, restricted_event):
    data = publish_form(editor, restricted_event)
    data["releases-0-details"] = "Freed at the border."

    response = editor.post(change_url(restricted_event), data)

    assert response.status_code == 302, errors_of(response)
    release = Release.objects.get()
    assert (release.visibility, release.details) == (Visibility.PUBLIC, "Freed at the border.")
    latest = release.history.first()
    assert (latest.visibility, latest.details, latest.version) == (
        Visibility.PUBLIC,
        "Freed at the border.",
        release.version,
    )


def test_publishing_in_bulk_refuses_the_whole_list_when_one_changed_since(editor, restricted_event):
    """The service checks each record at the version shown as it writes: a change made after
    the editor's page was checked (a moment before) stops all of it."""
    hidden = [record for record, _problems in release_services.hidden_with(restricted_event)]
    shown = {(record._meta.label_lower, record.pk): record.version for record in hidden}
    anna = Prisoner.objects.get(name="Anna Example")
    anna.name = "Anna Example-Novak"
    services.save_record(anna, user=None, seen_version=anna.version)

    with pytest.raises(ValidationError, match="nothing was published. “Anna Example-Novak”"):
        services.publish_listed(hidden, user=editor.user, seen_versions=shown)

    assert not Release.objects.filter(visibility=Visibility.PUBLIC).exists()
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


def test_a_confirmation_without_the_versions_shown_publishes_nothing(editor, restricted_event):
    data = submitted_values(bulk_confirmation(editor, restricted_event), "publish-confirmation")
    data["hidden_records"] = "publish"
    data.pop("_seen_version")

    response = editor.post(changelist_url(ReleaseEvent), data, follow=True)

    assert "Published: nothing." in response.text
    assert "“Release of May" in response.text and "did not say which version" in response.text
    assert nothing_public(restricted_event)


# --- What a publish save costs ---------------------------------------------------------------

# The queries of a publish save of the seed's December release with everything entered with it
# restricted, whatever the number of rows: the request (session, user, device, permissions: 5),
# the event's form (the event, its links, its checks and its lock: 14, savepoints included),
# the hidden list (a query a kind: 6), the inline rows (a query an inline and their sources: 8),
# the event's save with its history (8), then the hidden records in bulk: for each of their 7
# models one UPDATE at the versions shown, one insert of history entries, and a read and an
# insert of each many-to-many link the history keeps (36), and the admin's log entry.
PUBLISH_SAVE_QUERIES = 78
DECEMBER = "belarus-release-2025-12-13"


@pytest.fixture
def entered_december(seed):
    """The seed's December release as a case worker enters it: the event and everything that
    comes with it restricted, as new records start: its people freed and the people they
    name, its participant, nationality reports and route, its link to the measure and the
    measure itself."""
    event = ReleaseEvent.objects.get(slug=DECEMBER)
    ReleaseEvent.objects.filter(pk=event.pk).update(visibility=Visibility.RESTRICTED)
    for model in (Release, Participant, ReportedNationality, RouteLeg, ConcessionLink):
        model.objects.filter(event=event).update(visibility=Visibility.RESTRICTED)
    Prisoner.objects.filter(releases__event=event).update(visibility=Visibility.RESTRICTED)
    SanctionsConcession.objects.filter(links__event=event).update(visibility=Visibility.RESTRICTED)
    return event


def by_shape(captured):
    """The queries captured, counted by the shape of their SQL (values left out), most first:
    where a budget went."""
    shapes = Counter(
        re.sub(r"\b\d+\b|'[^']*'|\"s\d+_x\d+\"", "?", query["sql"])[:150] for query in captured
    )
    return "\n".join(f"{count:4} {shape}" for shape, count in shapes.most_common())


@pytest.mark.parametrize("more_people", [0, 10])
def test_a_publish_save_of_the_december_release_costs_a_fixed_number_of_queries(
    editor, client, entered_december, make_prisoner, make_release, more_people
):
    event = entered_december
    source = event.sources.first()
    for _ in range(more_people):
        person = make_prisoner(visibility=Visibility.RESTRICTED, sources=[source])
        make_release(event, person, visibility=Visibility.RESTRICTED, sources=[source])
    hidden = release_services.hidden_with(event)
    assert len(hidden) == 18 + 2 * more_people
    data = submitted_values(editor.get(change_url(event)), "releaseevent_form")
    data.update(visibility=Visibility.PUBLIC, hidden_records="publish")

    with CaptureQueriesContext(connection) as captured:
        response = editor.post(change_url(event), data)

    assert response.status_code == 302, errors_of(response)
    assert len(captured) <= PUBLISH_SAVE_QUERIES, (
        f"{len(captured)} queries, {PUBLISH_SAVE_QUERIES} budgeted:\n{by_shape(captured)}"
    )
    published = f"{len(hidden)} hidden records were published with the release"
    assert published in editor.get(response.url).text
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200
    assert "Maria Kolesnikova" in page.text and "John Coale" in page.text
    for record, _problems in hidden:
        record.refresh_from_db()
        assert record.visibility == Visibility.PUBLIC
        entry = record.history.first()
        assert (entry.history_user, entry.history_type) == (editor.user, "~")
        assert entry.version == record.version and entry.visibility == Visibility.PUBLIC
        if services.sources_field(type(record)) is not None:
            # The entry keeps the record's links, as one saved alone does: a restore brings
            # them back.
            kept = sorted(entry.sources.values_list("source", flat=True))
            assert kept == sorted(record.sources.values_list("pk", flat=True)), record

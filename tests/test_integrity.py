"""Record integrity: no admin path loses, reverts or publishes what another person saved.

Two editors and a case worker work on the same records at once, each from a page opened before
the others saved, as people with several tabs open do.
"""

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError
from django.test import Client

from prisoners.models import Prisoner
from releases.models import ConcessionLink, Release, ReleaseEvent, SanctionsConcession
from tests.admin_forms import changelist_action, submitted_values
from tracker.models import Visibility

pytestmark = pytest.mark.django_db


def change_url(record):
    opts = record._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{record.pk}/change/"


def changelist_url(model):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def restrict_from_the_list(client, record):
    """The editor ticks the record in its change list, as shown now, and restricts it."""
    url = changelist_url(type(record))
    return client.post(url, changelist_action(client, url, "restrict", [record]))


def errors_of(response):
    return response.context["errors"].as_text() if response.context else ""


@pytest.fixture
def second_editor(role_client):
    return role_client("Editors", "editor-vera")


@pytest.fixture
def sourced_person(make_prisoner, make_source):
    return make_prisoner(
        name="Ihar Losik", slug="ihar-losik", sentence="15 years", sources=[make_source()]
    )


# --- Stale forms ---------------------------------------------------------------------------


def test_a_stale_form_cannot_republish_a_person_an_editor_restricted(
    editor, second_editor, client, sourced_person
):
    person = sourced_person
    stale_page = second_editor.get(change_url(person))  # Vera opens the form

    restrict_from_the_list(editor, person)
    assert client.get(person.get_absolute_url()).status_code == 404

    data = submitted_values(stale_page, "prisoner_form")
    data["sentence"] = "20 years"  # Vera changes only another field
    response = second_editor.post(change_url(person), data)

    assert response.status_code == 200
    message = errors_of(response)
    assert "changed after you opened it" in message
    assert "editor-boris" in message and "visibility" in message
    person.refresh_from_db()
    assert person.visibility == Visibility.RESTRICTED
    assert person.sentence == "15 years"
    assert client.get(person.get_absolute_url()).status_code == 404

    # Her entry stays on the form; the visibility shows the record's own.
    again = submitted_values(response, "prisoner_form")
    assert again["sentence"] == "20 years"
    assert again["visibility"] == Visibility.RESTRICTED
    # Saving again applies her entry over the record as it now is: it stays restricted.
    assert second_editor.post(change_url(person), again).status_code == 302
    person.refresh_from_db()
    assert (person.sentence, person.visibility) == ("20 years", Visibility.RESTRICTED)
    assert client.get(person.get_absolute_url()).status_code == 404


def test_a_stale_form_cannot_undo_another_form(editor, case_worker, sourced_person):
    person = sourced_person
    stale_page = case_worker.get(change_url(person))
    fresh = submitted_values(editor.get(change_url(person)), "prisoner_form")
    fresh["visibility"] = Visibility.RESTRICTED
    assert editor.post(change_url(person), fresh).status_code == 302

    data = submitted_values(stale_page, "prisoner_form")
    data["charges"] = "Organising mass riots"
    response = case_worker.post(change_url(person), data)
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.visibility == Visibility.RESTRICTED
    assert person.charges == ""


def test_a_form_for_a_record_deleted_since_says_so(editor, sourced_person):
    page = editor.get(change_url(sourced_person))
    data = submitted_values(page, "prisoner_form")
    Prisoner.objects.filter(pk=sourced_person.pk).delete()
    response = editor.post(change_url(sourced_person), data, follow=True)
    assert not Prisoner.objects.filter(pk=sourced_person.pk).exists()
    assert response.status_code == 200  # the admin says the record no longer exists


def test_a_stale_inline_row_cannot_republish_a_person_freed(
    editor, second_editor, make_event, make_prisoner, make_release, make_source
):
    source = make_source()
    event = make_event(sources=[source], reported_count=10)
    release = make_release(event, make_prisoner(sources=[source]), sources=[source])
    stale_page = second_editor.get(change_url(event))

    restrict_from_the_list(editor, release)
    release.refresh_from_db()
    assert release.visibility == Visibility.RESTRICTED

    data = submitted_values(stale_page, "releaseevent_form")
    data["releases-0-details"] = "Taken to the Lithuanian border"
    response = second_editor.post(change_url(event), data)
    assert response.status_code == 200
    assert "changed after you opened it" in response.text
    release.refresh_from_db()
    assert release.visibility == Visibility.RESTRICTED
    assert release.details == ""


def test_an_untouched_inline_row_does_not_block_the_event(
    editor, second_editor, make_event, make_prisoner, make_release, make_source
):
    source = make_source()
    event = make_event(sources=[source], reported_count=10)
    release = make_release(event, make_prisoner(sources=[source]), sources=[source])
    page = second_editor.get(change_url(event))
    restrict_from_the_list(editor, release)
    data = submitted_values(page, "releaseevent_form")  # the row as the page showed it
    data["summary"] = "Freed after talks."
    assert second_editor.post(change_url(event), data).status_code == 302
    event.refresh_from_db()
    release.refresh_from_db()
    assert event.summary == "Freed after talks."
    assert release.visibility == Visibility.RESTRICTED


def test_a_bulk_action_refuses_rows_changed_since_the_list_was_loaded(
    editor, case_worker, make_prisoner, make_source
):
    person = make_prisoner(visibility=Visibility.RESTRICTED, sources=[make_source()])
    listing = editor.get(changelist_url(Prisoner))
    seen = submitted_values(listing, "changelist-form")["_seen_version"]
    assert seen == f"{person.pk}:{person.version}"

    data = submitted_values(case_worker.get(change_url(person)), "prisoner_form")
    data["charges"] = "Unverified claim"
    assert case_worker.post(change_url(person), data).status_code == 302

    response = editor.post(
        changelist_url(Prisoner),
        {"action": "publish", "_selected_action": [person.pk], "_seen_version": seen},
        follow=True,
    )
    assert "0 records published." in response.text
    assert "changed after you opened it" in response.text
    assert "caseworker-anna" in response.text
    person.refresh_from_db()
    assert person.visibility == Visibility.RESTRICTED


def test_a_bulk_action_without_the_versions_shown_changes_nothing(editor, sourced_person):
    """A request that does not say which version of a record the editor saw (one made by hand,
    or records selected across pages nobody looked at) publishes and restricts nothing."""
    person = sourced_person
    Prisoner.objects.filter(pk=person.pk).update(visibility=Visibility.RESTRICTED)
    url = changelist_url(Prisoner)
    for action in ("publish", "restrict"):
        data = changelist_action(editor, url, action, [person])
        data.pop("_seen_version")
        if action == "restrict":
            Prisoner.objects.filter(pk=person.pk).update(visibility=Visibility.PUBLIC)
        stored = Prisoner.objects.values_list("visibility", "version").get(pk=person.pk)

        response = editor.post(url, data, follow=True)

        done = "0 records published." if action == "publish" else "0 records restricted."
        assert done in response.text
        assert "1 record was not changed: “Ihar Losik”: The page did not say which version" in (
            response.text
        )
        assert Prisoner.objects.values_list("visibility", "version").get(pk=person.pk) == stored


def test_every_admin_write_is_a_new_version(editor, sourced_person):
    person = sourced_person
    assert person.version == 1
    data = submitted_values(editor.get(change_url(person)), "prisoner_form")
    data["sentence"] = "16 years"
    editor.post(change_url(person), data)
    person.refresh_from_db()
    assert person.version == 2
    restrict_from_the_list(editor, person)
    person.refresh_from_db()
    assert (person.version, person.visibility) == (3, Visibility.RESTRICTED)
    assert [entry.version for entry in person.history.all()[:3]] == [3, 2, 1]


# --- Publishing ------------------------------------------------------------------------------


def test_publishing_needs_a_source_on_the_form_and_in_bulk(editor, make_prisoner, make_source):
    person = make_prisoner(visibility=Visibility.RESTRICTED)
    data = submitted_values(editor.get(change_url(person)), "prisoner_form")
    data["visibility"] = Visibility.PUBLIC
    response = editor.post(change_url(person), data)
    assert response.status_code == 200
    assert "add at least one before publishing" in errors_of(response)

    url = changelist_url(Prisoner)
    response = editor.post(url, changelist_action(editor, url, "publish", [person]), follow=True)
    assert "add at least one before publishing" in response.text
    person.refresh_from_db()
    assert person.visibility == Visibility.RESTRICTED

    # With a source picked on the same form, it goes public.
    data["sources"] = [make_source().pk]
    assert editor.post(change_url(person), data).status_code == 302
    person.refresh_from_db()
    assert person.visibility == Visibility.PUBLIC


def test_a_public_record_cannot_lose_its_last_source(editor, sourced_person):
    data = submitted_values(editor.get(change_url(sourced_person)), "prisoner_form")
    data.pop("sources")
    response = editor.post(change_url(sourced_person), data)
    assert response.status_code == 200
    assert sourced_person.sources.count() == 1


@pytest.fixture
def restricted_release(make_event, make_prisoner, make_release, make_concession, make_source):
    """An event entered by a case worker: restricted, with a restricted person freed (whose
    release row is restricted too), a concession, and a person with no source."""
    source = make_source()
    event = make_event(
        title="Release of November", visibility=Visibility.RESTRICTED, sources=[source]
    )
    sourced = make_prisoner(name="Anna Example", visibility=Visibility.RESTRICTED, sources=[source])
    unsourced = make_prisoner(name="Unsourced Person", visibility=Visibility.RESTRICTED)
    make_release(event, sourced, visibility=Visibility.RESTRICTED, sources=[source])
    make_release(event, unsourced, sources=[source])
    make_concession(event, target="Potash", visibility=Visibility.RESTRICTED, sources=[source])
    return event


def test_publishing_an_event_lists_what_it_leaves_hidden(editor, client, restricted_release):
    event = restricted_release
    page = editor.get(change_url(event))
    assert "Publishing this release would leave hidden" in page.text
    assert "Anna Example" in page.text and "Unsourced Person" in page.text

    data = submitted_values(page, "releaseevent_form")
    data["visibility"] = Visibility.PUBLIC
    response = editor.post(change_url(event), data)
    assert response.status_code == 200
    assert "Choose whether to publish them with it" in errors_of(response)

    # Publishing them too is refused while one of them has no source: nothing changes.
    data["hidden_records"] = "publish"
    response = editor.post(change_url(event), data)
    assert response.status_code == 200
    assert "Unsourced Person" in errors_of(response)
    assert "cites no source" in errors_of(response)
    event.refresh_from_db()
    assert event.visibility == Visibility.RESTRICTED

    Prisoner.objects.get(name="Unsourced Person").sources.set(event.sources.all())
    data = submitted_values(editor.get(change_url(event)), "releaseevent_form")
    data.update(visibility=Visibility.PUBLIC, hidden_records="publish")
    response = editor.post(change_url(event), data, follow=True)
    # Two people freed, a person, the link to the measure and the measure itself.
    assert "5 hidden records were published with the release" in response.text
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200
    assert "Anna Example" in page.text and "Unsourced Person" in page.text
    assert "Potash" in page.text


def test_an_event_can_be_published_alone(editor, client, restricted_release):
    event = restricted_release
    data = submitted_values(editor.get(change_url(event)), "releaseevent_form")
    data.update(visibility=Visibility.PUBLIC, hidden_records="leave")
    assert editor.post(change_url(event), data).status_code == 302
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200
    assert "Anna Example" not in page.text and "Potash" not in page.text


def test_the_publish_action_asks_about_hidden_records_first(editor, client, restricted_release):
    event = restricted_release
    Prisoner.objects.get(name="Unsourced Person").sources.set(event.sources.all())
    listing = editor.get(changelist_url(ReleaseEvent))
    selection = {
        "action": "publish",
        "_selected_action": [event.pk],
        "_seen_version": submitted_values(listing, "changelist-form")["_seen_version"],
    }
    confirmation = editor.post(changelist_url(ReleaseEvent), selection)
    assert confirmation.status_code == 200
    assert "Anna Example" in confirmation.text
    event.refresh_from_db()
    assert event.visibility == Visibility.RESTRICTED

    data = submitted_values(confirmation, "publish-confirmation")
    assert data["_seen_version"] == selection["_seen_version"]
    data["hidden_records"] = "publish"
    response = editor.post(changelist_url(ReleaseEvent), data, follow=True)
    assert (
        "Published: 1 release event, 1 person freed, 2 prisoners, 1 link to a release, "
        "1 sanctions measure." in response.text
    )
    event.refresh_from_db()
    assert event.visibility == Visibility.PUBLIC
    assert not Release.objects.exclude(visibility=Visibility.PUBLIC).exists()
    assert not SanctionsConcession.objects.exclude(visibility=Visibility.PUBLIC).exists()
    assert not ConcessionLink.objects.exclude(visibility=Visibility.PUBLIC).exists()
    assert "Anna Example" in client.get(event.get_absolute_url()).text


def test_the_event_list_shows_public_and_all_documented(editor, restricted_release):
    listing = editor.get(changelist_url(ReleaseEvent))
    row = next(r for r in listing.context["cl"].result_list if r.pk == restricted_release.pk)
    assert listing.context["cl"].model_admin.documented_count(row) == "0 / 2"
    assert "Documented: public / all" in listing.text


# --- Documented ≤ reported, wherever people freed are entered ------------------------------


def test_the_standalone_person_freed_form_keeps_documented_within_reported(
    staff_client, make_event, make_prisoner, make_release, make_source
):
    event = make_event(reported_count=1)
    make_release(event, make_prisoner())
    response = staff_client.post(
        "/admin/releases/release/add/",
        {
            "event": event.pk,
            "prisoner": make_prisoner().pk,
            "status": "reported",
            "circumstances": "unknown",
            "visibility": "restricted",
            "source_links-TOTAL_FORMS": "0",
            "source_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "2 people are listed as freed, but only 1 was reported" in errors_of(response)
    assert event.releases.count() == 1


def test_restoring_a_lower_reported_count_is_refused(
    editor, make_event, make_prisoner, make_release, make_source
):
    event = make_event(reported_count=1, sources=[make_source()])
    first = event.history.latest()
    event.reported_count = 3
    event.save()
    make_release(event, make_prisoner())
    make_release(event, make_prisoner())
    url = f"{change_url(event).removesuffix('change/')}history/{first.history_id}/"
    data = submitted_values(editor.get(url), "historicalreleaseevent_form")
    assert data["reported_count"] == "1"
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "2 people are listed as freed, but only 1 was reported" in response.text
    event.refresh_from_db()
    assert event.reported_count == 3


# --- History restore ---------------------------------------------------------------------


@pytest.fixture
def viewer(django_user_model):
    user = django_user_model.objects.create_user("viewer-olga", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(user)
    return client


def history_url(record, entry):
    return f"{change_url(record).removesuffix('change/')}history/{entry.history_id}/"


def test_viewing_history_does_not_allow_restoring(viewer, editor, sourced_person):
    first = sourced_person.history.latest()
    data = submitted_values(editor.get(change_url(sourced_person)), "prisoner_form")
    data["sentence"] = "corrected"
    editor.post(change_url(sourced_person), data)

    page = viewer.get(history_url(sourced_person, first))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    response = viewer.post(history_url(sourced_person, first), data | {"sentence": "15 years"})
    assert response.status_code == 403
    sourced_person.refresh_from_db()
    assert sourced_person.sentence == "corrected"


def test_only_an_editor_brings_back_a_deleted_record(editor, case_worker, sourced_person):
    person = sourced_person
    data = submitted_values(editor.get(change_url(person)), "prisoner_form")
    editor.post(f"{change_url(person).removesuffix('change/')}delete/", {"post": "yes"})
    assert not Prisoner.objects.filter(pk=person.pk).exists()
    last = person.history.filter(history_type="~").latest()
    url = history_url(person, last)
    data.pop("seen_version")

    assert case_worker.post(url, data).status_code == 403
    assert not Prisoner.objects.filter(pk=person.pk).exists()

    response = editor.post(url, data)
    assert response.status_code == 302
    restored = Prisoner.objects.get(pk=person.pk)
    assert restored.name == "Ihar Losik"


def test_a_restore_by_a_case_worker_never_publishes(case_worker, editor, sourced_person):
    person = sourced_person
    first = person.history.latest()  # public
    data = submitted_values(editor.get(change_url(person)), "prisoner_form")
    data["visibility"] = Visibility.RESTRICTED
    editor.post(change_url(person), data)

    page = case_worker.get(history_url(person, first))
    response = case_worker.post(
        history_url(person, first), submitted_values(page, "historicalprisoner_form")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.visibility == Visibility.RESTRICTED


def test_a_restore_page_opened_before_a_change_is_stale(editor, second_editor, sourced_person):
    person = sourced_person
    first = person.history.latest()
    page = second_editor.get(history_url(person, first))
    data = submitted_values(editor.get(change_url(person)), "prisoner_form")
    data["visibility"] = Visibility.RESTRICTED
    editor.post(change_url(person), data)

    response = second_editor.post(
        history_url(person, first), submitted_values(page, "prisoner_form")
    )
    assert response.status_code == 200
    assert "changed after you opened it" in response.text
    person.refresh_from_db()
    assert person.visibility == Visibility.RESTRICTED


# --- Slugs -----------------------------------------------------------------------------------


def test_the_database_refuses_a_record_without_a_slug(make_event):
    with pytest.raises(IntegrityError):
        Prisoner.objects.create(name="No Slug", slug="")


def test_every_admin_path_makes_a_slug(staff_client, make_event, make_prisoner, make_source):
    # The "+" popup of the people-freed inline is the person add form.
    response = staff_client.post(
        "/admin/prisoners/prisoner/add/?_to_field=id&_popup=1",
        {
            "name": "Алесь Пушкін",
            "slug": "",
            "status": "detained",
            "detained_on_precision": "unknown",  # the form shows it beside the date
            "visibility": "restricted",
            "not_a_duplicate": "on",
            "_popup": "1",
            "_to_field": "id",
        },
    )
    assert response.status_code == 200
    assert Prisoner.objects.get(name="Алесь Пушкін").slug == "ales-pushkin"

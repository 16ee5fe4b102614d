"""The NGO workflow in the admin: roles, publishing, audit history, nothing restricted leaks."""

import datetime

import pytest

from prisoners.models import Prisoner
from releases.models import ReleaseEvent
from tests.admin_forms import changelist_action
from tracker.models import Country, Visibility

pytestmark = pytest.mark.django_db


def person_form(**overrides):
    """The add form's fields; a change form also sends `seen_version`, the version it shows."""
    return {
        "name": "Ihar Losik",
        "name_native": "Ігар Лосік",
        "other_names": "Igor Losik",
        "slug": "",
        "nationalities": [Country.objects.get(code="BY").pk],
        "status": "detained",
        "detained_on_precision": "unknown",  # the form shows it beside the date
        "visibility": "public",
        "not_a_duplicate": "on",
        **overrides,
    }


def test_a_case_worker_cannot_publish_through_the_admin_form(case_worker, make_source):
    source = make_source()
    response = case_worker.post("/admin/prisoners/prisoner/add/", person_form(sources=[source.pk]))
    assert response.status_code == 302
    person = Prisoner.objects.get(name="Ihar Losik")
    assert person.visibility == Visibility.RESTRICTED

    response = case_worker.post(
        f"/admin/prisoners/prisoner/{person.pk}/change/",
        person_form(sentence="15 years", visibility="public", sources=[source.pk], seen_version=1),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.sentence == "15 years"
    assert person.visibility == Visibility.RESTRICTED


def test_a_case_worker_sees_visibility_read_only_and_no_publish_action(case_worker, seed):
    add_page = case_worker.get("/admin/prisoners/prisoner/add/").text
    assert 'name="visibility"' not in add_page
    changelist = case_worker.get("/admin/prisoners/prisoner/").text
    assert 'value="publish"' not in changelist


def test_a_case_worker_cannot_delete(case_worker, seed):
    person = Prisoner.objects.get(slug="ales-bialiatski")
    response = case_worker.post(f"/admin/prisoners/prisoner/{person.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Prisoner.objects.filter(pk=person.pk).exists()


def test_a_case_worker_cannot_publish_with_the_changelist_action(case_worker, make_prisoner):
    person = make_prisoner(visibility=Visibility.RESTRICTED)
    # Their list offers no such action: the request is made by hand, with the version stored.
    case_worker.post(
        "/admin/prisoners/prisoner/",
        {
            "action": "publish",
            "_selected_action": [person.pk],
            "_seen_version": f"{person.pk}:{person.version}",
        },
    )
    person.refresh_from_db()
    assert person.visibility == Visibility.RESTRICTED


def test_an_editor_publishes_and_the_record_goes_public(editor, client, make_prisoner, make_source):
    person = make_prisoner(
        name="Mikalai Statkevich", visibility=Visibility.RESTRICTED, sources=[make_source()]
    )
    assert client.get(person.get_absolute_url()).status_code == 404

    url = "/admin/prisoners/prisoner/"
    response = editor.post(url, changelist_action(editor, url, "publish", [person]), follow=True)
    assert "1 record published." in response.text
    person.refresh_from_db()
    assert person.visibility == Visibility.PUBLIC
    assert client.get(person.get_absolute_url()).status_code == 200


def test_an_editor_can_publish_and_delete_through_the_form(editor, make_source):
    response = editor.post(
        "/admin/prisoners/prisoner/add/", person_form(sources=[make_source().pk])
    )
    assert response.status_code == 302
    person = Prisoner.objects.get(name="Ihar Losik")
    assert person.visibility == Visibility.PUBLIC
    response = editor.post(f"/admin/prisoners/prisoner/{person.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Prisoner.objects.filter(pk=person.pk).exists()


def test_history_records_who_changed_which_field(case_worker, make_prisoner):
    person = make_prisoner(name="Ihar Losik", slug="ihar-losik", sentence="")
    case_worker.post(
        f"/admin/prisoners/prisoner/{person.pk}/change/",
        person_form(sentence="15 years", visibility="restricted", seen_version=person.version),
    )
    latest, previous = person.history.all()[:2]
    assert latest.history_user == case_worker.user
    delta = latest.diff_against(previous)
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes["sentence"] == ("", "15 years")

    page = case_worker.get(f"/admin/prisoners/prisoner/{person.pk}/history/")
    assert page.status_code == 200
    assert "caseworker-anna" in page.text
    assert "Sentence" in page.text


def test_an_earlier_version_can_be_restored_without_changing_visibility(
    editor, case_worker, make_prisoner, make_source
):
    source = make_source()
    person = make_prisoner(
        name="Ihar Losik", slug="ihar-losik", visibility=Visibility.RESTRICTED, sources=[source]
    )
    first_version = person.history.latest()
    person.sentence = "mistake"
    person.visibility = Visibility.PUBLIC  # published by an editor since
    person.save()

    url = f"/admin/prisoners/prisoner/{person.pk}/history/{first_version.history_id}/"
    assert case_worker.get(url).status_code == 200
    response = case_worker.post(
        url,
        person_form(
            slug="ihar-losik", sentence="", seen_version=person.version, sources=[source.pk]
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.sentence == ""
    assert person.visibility == Visibility.PUBLIC  # a case worker's revert does not unpublish


def test_a_case_worker_cannot_import(case_worker):
    assert case_worker.get("/admin/import/").status_code == 403


def test_restricted_records_never_reach_public_responses(
    client, seed, make_prisoner, make_release, make_concession, make_event
):
    event = ReleaseEvent.objects.get()
    hidden = make_prisoner(name="Hidden Witness", slug="hidden-witness", visibility="restricted")
    visible_but_hidden_release = make_prisoner(name="Quiet Release", slug="quiet-release")
    make_release(event, hidden)
    make_release(event, visible_but_hidden_release, visibility=Visibility.RESTRICTED)
    make_concession(event, target="Secret aviation deal", visibility=Visibility.RESTRICTED)
    secret_event = make_event(
        title="Unconfirmed swap",
        releasing="RU",
        date=datetime.date(2025, 11, 1),
        visibility=Visibility.RESTRICTED,
    )
    make_release(secret_event, make_prisoner(name="Swapped Person", slug="swapped"))

    pages = [
        "/",
        "/releases/",
        "/releases/2025/",
        "/releases/2025/11/",
        event.get_absolute_url(),
        "/prisoners/",
        "/prisoners/?q=Hidden",
        "/prisoners/quiet-release/",
        "/prisoners/?event=unconfirmed-swap",
        "/concessions/",
        "/countries/",
        "/countries/BY/",
        "/countries/RU/",
        "/releases/feed/",
    ]
    for url in pages:
        for query in ("", "format=json", "format=csv", "format=ftm"):
            if query and url in ("/", "/releases/feed/"):
                continue
            full = f"{url}{'&' if '?' in url else '?'}{query}" if query else url
            response = client.get(full)
            body = (
                b"".join(response.streaming_content) if response.streaming else response.content
            ).decode("utf-8-sig")
            for secret in ("Hidden Witness", "Secret aviation deal", "Unconfirmed swap"):
                assert secret not in body, (full, secret)
            if url in (event.get_absolute_url(), "/countries/BY/"):
                # A public person whose release is restricted is not shown as freed in it.
                assert "Quiet Release" not in body, full

    # Counts leave them out too.
    assert client.get(event.get_absolute_url()).context["object"].documented == 4
    assert "123 reported, 4 documented" in client.get(event.get_absolute_url()).text
    assert client.get("/").context["figures"]["documented"] == 4
    assert client.get("/").context["figures"]["concessions"] == 1
    # A restricted record's URL is the same 404 as a record that never existed.
    missing = client.get("/releases/never-existed/")
    restricted = client.get(secret_event.get_absolute_url())
    assert restricted.status_code == missing.status_code == 404
    # The pages differ only by their own address (in the links to the page in other languages).
    own_address = secret_event.get_absolute_url().encode()
    assert restricted.content == missing.content.replace(b"/releases/never-existed/", own_address)
    assert client.get("/prisoners/hidden-witness/").status_code == 404

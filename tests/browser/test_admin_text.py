"""A name written as markup, in Chromium: the event page shows it as text and the editor's
form gains no field from it, so saving the page publishes nothing (tests/test_admin_text.py
covers every admin page through the test client)."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from prisoners.models import Prisoner
from releases.models import Participant, Release, ReleaseEvent
from tests.browser.test_admin_workflow import PASSWORD, log_in
from tracker.models import Visibility

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MARKUP = '<input name="x" value="y"><b>probe</b>'


@pytest.fixture
def restricted_event(make_source, make_prisoner, make_event, make_release):
    """A case worker's restricted event, with a restricted person freed and a participant,
    both named with markup."""
    source = make_source(title="Report of the release")
    person = make_prisoner(
        name=MARKUP, slug="markup-person", visibility=Visibility.RESTRICTED, sources=[source]
    )
    event = make_event(
        title="Release of the markup person",
        slug="markup-release",
        visibility=Visibility.RESTRICTED,
        reported_count=5,
        sources=[source],
    )
    make_release(event, person, visibility=Visibility.RESTRICTED, sources=[source])
    participant = Participant.objects.create(
        event=event, name=MARKUP, role="envoy", visibility=Visibility.RESTRICTED
    )
    participant.sources.set([source])
    return event


def assert_nothing_injected(page):
    form = page.locator("#releaseevent_form")
    expect(form.locator('input[name="x"]')).to_have_count(0)
    expect(page.locator("b", has_text="probe")).to_have_count(0)


def test_the_event_page_shows_a_markup_name_as_text_and_saving_publishes_nothing(
    page, restricted_event, django_user_model
):
    editor = django_user_model.objects.create_user("boris-editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    log_in(page, "boris-editor")
    page.goto(f"/admin/releases/releaseevent/{restricted_event.pk}/change/")

    # The help text of "Records still hidden" names them, as the case worker typed them.
    hidden = page.locator(".field-hidden_records .help")
    expect(hidden).to_contain_text("Publishing this release would leave hidden")
    expect(hidden).to_contain_text(f"prisoner “{MARKUP}”")
    expect(hidden).to_contain_text(f"participant “{MARKUP} (envoy)”")
    # The person freed chosen in the inline row is shown by name, as text.
    expect(page.locator(".field-prisoner .select2-selection__rendered")).to_have_text(MARKUP)
    assert_nothing_injected(page)

    # Looking the person up in the autocomplete shows the name as text too.
    page.locator("#id_releases-0-prisoner + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("probe")
    expect(page.locator(".select2-results__option").first).to_have_text(MARKUP)
    page.keyboard.press("Escape")
    assert_nothing_injected(page)

    page.locator("#id_summary").fill("Freed at the border.")
    page.locator("input[name=_continue]").click()
    success = page.locator(".messagelist .success")
    expect(success).to_contain_text("was changed successfully")
    assert_nothing_injected(page)

    event = ReleaseEvent.objects.get(pk=restricted_event.pk)
    assert event.summary == "Freed at the border."
    assert event.visibility == Visibility.RESTRICTED
    assert not Prisoner.objects.filter(visibility=Visibility.PUBLIC).exists()
    assert not Release.objects.filter(visibility=Visibility.PUBLIC).exists()
    assert not Participant.objects.filter(visibility=Visibility.PUBLIC).exists()

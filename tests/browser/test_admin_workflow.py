"""The NGO workflow in the admin, in Chromium: a case worker enters, an editor publishes.

The roles are the groups made by the roles migration (releases/migrations/0003_roles.py).
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from prisoners.models import Prisoner
from releases.models import ReleaseEvent
from tests.browser.conftest import screenshot
from tracker.models import Source, Visibility

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Test release of two prisoners"
SLUG = "test-release-of-two-prisoners"
PASSWORD = "a long test password"


@pytest.fixture
def staff(django_user_model):
    def make(username, group):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


SOURCE = "Belarus frees 123 prisoners"  # a source of the seed


@pytest.fixture
def two_people(make_prisoner, seed):
    """Two people a case worker documented earlier: restricted, as new records are."""
    source = Source.objects.get(title__startswith=SOURCE)
    return [
        make_prisoner(name=name, slug=slug, visibility=Visibility.RESTRICTED, sources=[source])
        for name, slug in [("Anna Example", "anna-example"), ("Boris Sample", "boris-sample")]
    ]


def log_in(page, username):
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#logout-form")).to_be_attached()


def choose(page, select_id, search, option):
    """Picks `option` in one of the admin's autocomplete (select2) fields."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_a_case_worker_enters_a_release_an_editor_publishes_it_the_public_sees_it(
    new_page, seed, staff, two_people, client
):
    staff("anna-caseworker", "Case workers")
    staff("boris-editor", "Editors")

    # The case worker enters the event, the two people freed and the concession.
    page = new_page()
    log_in(page, "anna-caseworker")
    page.goto("/admin/releases/releaseevent/add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_date").fill("2025-11-20")
    choose(page, "id_releasing_country", "Belarus", "Belarus")
    page.locator("#id_reported_count").fill("40")
    choose(page, "id_sources", "frees 123", SOURCE)
    assert page.locator("#id_visibility").count() == 0  # case workers cannot publish

    add_person = page.locator(".add-row a", has_text="Add another person freed")
    add_person.click()
    add_person.click()
    for index, person in enumerate(two_people):
        choose(page, f"id_releases-{index}-prisoner", person.name.split()[0], person.name)
        page.locator(f"#id_releases-{index}-circumstances").select_option("pardoned")

    screenshot(page, "admin-case-worker-enters")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    # The sanctions measure, on its own page, linked to the release it followed.
    page.goto("/admin/releases/sanctionsconcession/add/")
    choose(page, "id_imposed_by", "United States", "United States")
    page.locator("#id_target").fill("Test sector")
    page.locator("#id_kind").select_option("licence")
    for name in ("announced_on", "issued_on", "expires_on"):
        page.locator(f"#id_{name}_precision").select_option("unknown")
    choose(page, "id_sources", "frees 123", SOURCE)
    page.locator(".add-row a", has_text="Add another release it followed").click()
    choose(page, "id_links-0-event", "Test release", TITLE)
    page.locator("#id_links-0-basis").select_option("reported")
    choose(page, "id_links-0-sources", "frees 123", SOURCE)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    # Each person freed cites its sources, with a quote, on its own page.
    for person in two_people:
        page.goto(f"/admin/releases/releaseevent/{ReleaseEvent.objects.get(slug=SLUG).pk}/change/")
        page.get_by_role("row", name=person.name).locator("a.inlinechangelink").click()
        choose(page, "id_source_links-0-source", "frees 123", SOURCE)
        page.locator("#id_source_links-0-quote").fill(f"{person.name} was among those freed.")
        page.locator("input[name=_save]").click()
        expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    event = ReleaseEvent.objects.get(slug=SLUG)
    assert event.visibility == Visibility.RESTRICTED
    assert event.releases.count() == 2 and event.concession_links.count() == 1
    assert client.get(f"/releases/{SLUG}/").status_code == 404

    # The editor publishes the people, then the event, with its releases and concession in
    # the same step.
    page = new_page()
    log_in(page, "boris-editor")
    page.goto("/admin/prisoners/prisoner/?visibility__exact=restricted")
    for person in two_people:
        page.get_by_role("row", name=person.name).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("publish")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_have_text("2 records published.")

    page.goto("/admin/releases/releaseevent/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Publishing this release would leave hidden")).to_be_visible()
    page.locator("#id_visibility").select_option("public")
    page.get_by_label("Publish them with the release").check()
    screenshot(page, "admin-editor-publishes")
    page.locator("input[name=_save]").click()
    # The two people freed, the measure and its link to the release.
    expect(page.locator(".messagelist .success").first).to_contain_text(
        "4 hidden records were published with the release: "
    )
    assert set(
        Prisoner.objects.filter(slug__in=["anna-example", "boris-sample"]).values_list(
            "visibility", flat=True
        )
    ) == {Visibility.PUBLIC}

    # The public pages show it.
    page = new_page()
    page.goto("/releases/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("40 reported, 2 documented")).to_be_visible()
    freed = page.get_by_role("table", name="2 people documented")
    expect(freed.get_by_role("link", name="Anna Example")).to_be_visible()
    expect(freed.get_by_role("link", name="Boris Sample")).to_be_visible()
    expect(page.get_by_role("heading", name="Test sector")).to_be_visible()
    page.goto("/concessions/")
    expect(page.get_by_role("rowheader", name="Test sector")).to_be_visible()
    page.goto("/prisoners/anna-example/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("figure").get_by_role("img").first).to_be_visible()
    expect(page.get_by_role("link", name=TITLE).first).to_be_visible()

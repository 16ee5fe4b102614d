"""Two editors on one record, in Chromium: the later save is refused, the form shown again holds
the other editor's change under one's own, and saving it again keeps both."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from prisoners.models import Prisoner
from tests.browser.test_admin_workflow import PASSWORD, log_in
from tracker.models import Visibility

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def editors(django_user_model):
    for username in ("boris-editor", "vera-editor"):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name="Editors"))


def test_a_stale_form_shown_again_keeps_the_other_editors_change(
    new_page, editors, make_prisoner, make_source
):
    person = make_prisoner(
        name="Ihar Losik",
        slug="ihar-losik",
        sentence="15 years",
        description="Blogger.\nArrested in 2020.",
        visibility=Visibility.RESTRICTED,
        sources=[make_source()],
    )
    url = f"/admin/prisoners/prisoner/{person.pk}/change/"
    boris, vera = new_page(), new_page()
    log_in(boris, "boris-editor")
    log_in(vera, "vera-editor")
    boris.goto(url)  # Boris opens the page first

    vera.goto(url)
    vera.locator("#id_sentence").fill("20 years")
    vera.locator("input[name=_continue]").click()
    expect(vera.locator(".messagelist .success")).to_contain_text("was changed successfully")

    boris.locator("#id_charges").fill("Organising mass riots")
    boris.locator("input[name=_continue]").click()
    expect(boris.locator(".errornote")).to_be_visible()
    expect(boris.locator(".errorlist.nonfield")).to_contain_text("vera-editor saved it")
    expect(boris.locator("#id_sentence")).to_have_value("20 years")  # hers
    expect(boris.locator("#id_charges")).to_have_value("Organising mass riots")  # his
    expect(boris.locator(".field-sentence .errorlist")).to_have_count(0)

    boris.locator("input[name=_continue]").click()
    expect(boris.locator(".messagelist .success")).to_contain_text("was changed successfully")
    person.refresh_from_db()
    assert (person.sentence, person.charges) == ("20 years", "Organising mass riots")
    assert person.description.replace("\r\n", "\n") == "Blogger.\nArrested in 2020."
    assert person.visibility == Visibility.RESTRICTED
    assert not Prisoner.objects.filter(visibility=Visibility.PUBLIC).exists()

"""A visitor's journeys through the public pages in Chromium, with the CSP enforced."""

import json
import re
from pathlib import Path

import pytest
from django.core import serializers
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EVENT_TITLE = "Belarus frees 123 political prisoners after talks with the United States"


def ending(path):
    return re.compile(re.escape(path) + "$")


def test_a_visitor_filters_by_country_and_year_opens_a_release_and_downloads_it(page, seed):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Releases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Releases")

    page.get_by_label("Releasing country").select_option("BY")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]country=BY(&|$)"))
    expect(page.get_by_role("status")).to_contain_text("1 result")

    page.get_by_role("navigation", name="Years with releases").get_by_role(
        "link", name="2025"
    ).click()
    expect(page).to_have_url(ending("/releases/2025/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Releases in 2025")

    page.get_by_role("link", name=EVENT_TITLE).click()
    expect(page).to_have_url(ending("/releases/belarus-release-2025-12-13/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE)
    expect(page.get_by_text("123 reported, 4 documented")).to_be_visible()
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link", name="December")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="JSON fixture").click()
    download = info.value
    assert download.suggested_filename == "release_belarus-release-2025-12-13.json"
    content = Path(download.path()).read_text(encoding="utf-8")
    records = json.loads(content)
    event = next(r for r in records if r["model"] == "releases.releaseevent")
    assert event["fields"]["slug"] == "belarus-release-2025-12-13"
    assert "pk" not in event  # natural keys only: it loads into any copy of the tracker
    # Django reads it as a fixture: every natural key resolves.
    objects = list(serializers.deserialize("json", content, handle_forward_references=True))
    assert {type(o.object).__name__ for o in objects} >= {
        "ReleaseEvent",
        "Release",
        "Prisoner",
        "SanctionsConcession",
        "Source",
    }


def test_a_visitor_searches_a_person_and_opens_their_page(page, seed):
    page.goto("/prisoners/")
    search = page.get_by_label("Name, in any spelling")
    search.fill("Калеснікава")
    search.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("1 result")
    page.get_by_role("link", name="Maria Kolesnikova").click()
    expect(page).to_have_url(ending("/prisoners/maria-kolesnikova/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maria Kolesnikova")
    expect(page.get_by_text("Марыя Калеснікава")).to_be_visible()
    page.get_by_role("link", name=EVENT_TITLE).click()
    expect(page.get_by_text("123 reported, 4 documented")).to_be_visible()


def test_on_a_phone_the_visitor_finds_the_release_from_the_home_page(new_page, seed):
    page = new_page(viewport=PHONE)
    page.goto("/")
    page.get_by_role("link", name=EVENT_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE)
    freed = page.get_by_role("table", name="4 people documented")
    expect(freed.get_by_role("rowheader")).to_have_count(4)

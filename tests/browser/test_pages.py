"""The main public pages in a real browser: accessibility (axe-core), screenshots, no-JS charts."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, run_axe, save_axe_report, screenshot
from tests.public_pages import HTML_PAGES, LANGUAGE_PREFIXES, LANGUAGES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EVENT_URL = "/releases/belarus-release-2025-12-13/"
# Violations that fail a page; axe's findings of any impact go to test-artifacts/axe/.
BLOCKING = {"serious", "critical"}


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES, ids=list(LANGUAGES))
def test_no_public_page_has_a_serious_accessibility_violation(new_page, seed, prefix):
    """axe-core (WCAG 2.1 AA rules and best practices) on every page of the registry
    (tests/public_pages.py), at desktop and phone widths, in one language of the site.

    Each run leaves its violations in test-artifacts/axe/ and a full-page screenshot in
    test-artifacts/screenshots/.
    """
    blocking = {}
    for viewport in (DESKTOP, PHONE):
        # axe is injected as an inline script, which the Content-Security-Policy would refuse.
        page = new_page(viewport=viewport, bypass_csp=True)
        for public_page in HTML_PAGES:
            label = f"{public_page.name.replace(':', '-')}{prefix.replace('/', '-')}"
            page.goto(prefix + public_page.path())  # fails the test unless it answers 200
            screenshot(page, label)
            violations = run_axe(page)
            save_axe_report(label, viewport["width"], violations)
            found = [v for v in violations if v["impact"] in BLOCKING]
            if found:
                blocking[f"{prefix}{public_page.path()} at {viewport['width']} px"] = found
    assert not blocking, blocking


def test_charts_are_drawn_without_javascript(new_page, seed):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    chart = page.get_by_role("img", name="People freed in each release")
    expect(chart).to_be_visible()
    assert "123" in chart.text_content()
    page.goto(EVENT_URL)
    bar = page.get_by_role("img", name="People freed: documented by name, of those reported")
    expect(bar).to_be_visible()
    assert bar.get_attribute("aria-labelledby") == "freed-chart-title freed-chart-desc"
    page.goto("/countries/BY/")
    counts = page.get_by_role("img", name="Political prisoners held by Belarus over time")
    expect(counts).to_be_visible()
    assert "1,227" in counts.text_content()


def test_a_keyboard_user_skips_to_the_content_and_sees_where_focus_is(page, seed):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#content$"))
    page.keyboard.press("Tab")
    focused = page.evaluate_handle("document.activeElement")
    # The first link of the content has a visible focus ring: an outline and a halo.
    outline = focused.evaluate("element => getComputedStyle(element).outlineStyle")
    halo = focused.evaluate("element => getComputedStyle(element).boxShadow")
    assert outline == "solid" and halo != "none"

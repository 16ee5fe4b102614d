"""Every public page's markup passes the Nu HTML checker, its tables fit at desktop and phone
widths with no number clipped, and the admin's release form fits a desktop screen.

The checker is vnu-jar from npm (package.json), run with the machine's Java.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.public_pages import HTML_PAGES, LANGUAGE_PREFIXES, SEED, VARIANTS, paths

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Every page of the registry, and the pages a visitor may get beside them (a filter's error,
# the 404 page), with their status.
PUBLIC_PAGES = [(path, 200) for path in paths(HTML_PAGES)] + [
    (example.format(**SEED), status) for example, status in VARIANTS
]

# For each table on the page: is it wider than the box it scrolls in, and which cells show less
# than their content (text cut off at the cell's edge)?
TABLE_FIT = """
() => [...document.querySelectorAll('main table')].map((table) => {
  const box = table.closest('.table-wrap') || table.parentElement;
  const clipped = [...table.querySelectorAll('th, td')]
    // Visible cells only: a phone's card layout hides the column headings (1 px, clipped).
    .filter((cell) => cell.getBoundingClientRect().width > 1)
    .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
    .map((cell) => cell.textContent.trim().slice(0, 60));
  return {
    caption: (table.caption ? table.caption.textContent : '').trim().slice(0, 60),
    overflow: box.scrollWidth - box.clientWidth,
    clipped,
  };
})
"""


def nu_errors(documents):
    """The Nu HTML checker's errors for {name: html}, as {name: [message]}."""
    if not VNU.exists():
        pytest.fail(f"vnu-jar is missing ({VNU}): run `npm ci` at the repository root.")
    java = shutil.which("java")
    if java is None:
        pytest.fail("The markup check needs Java: `apt-get install default-jre-headless`.")
    folder = Path(settings.BASE_DIR) / "test-artifacts" / "html"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = {}
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[path.resolve().as_uri()] = name
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--errors-only",
            *[str(folder / p) for p in sorted(p.name for p in folder.iterdir())],
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    errors = {}
    for message in report["messages"]:
        name = files.get(message.get("url"), message.get("url"))
        errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


def test_no_public_page_has_a_markup_error(new_page, seed):
    """The server's HTML of every public page, as the browser received it, in each language of
    the site. (The server does not see the window's width: a phone gets the same HTML.)"""
    documents = {}
    page = new_page(viewport=DESKTOP)
    for prefix in LANGUAGE_PREFIXES:
        for url, status in PUBLIC_PAGES:
            page.expect_status(prefix + url, status)
            response = page.goto(prefix + url)
            documents[prefix + url] = response.text()
    errors = nu_errors(documents)
    assert not errors, json.dumps(errors, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES, ids=["en", "be", "ru"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_tables_fit_with_no_column_out_of_view_and_no_number_clipped(
    new_page, seed, viewport, prefix
):
    page = new_page(viewport=viewport)
    for url in [prefix + url for url, status in PUBLIC_PAGES if status == 200]:
        page.goto(url)
        for details in page.locator("main details").all():
            details.evaluate("element => { element.open = true; }")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{url} is {width} px wide"
        for table in page.evaluate(TABLE_FIT):
            where = f"{url} at {viewport['width']} px, table “{table['caption']}”"
            assert table["overflow"] <= 1, f"{where}: {table['overflow']} px out of view"
            assert not table["clipped"], f"{where}: cells cut off: {table['clipped']}"


def test_the_home_page_shows_every_figure_of_the_year_table_on_a_phone(
    new_page, seed, make_event, make_source
):
    """A three-digit number (175 freed in a year) shows whole in the "By year" table."""
    make_event(date="2024-06-01", reported_count=175, sources=[make_source()])
    page = new_page(viewport=PHONE)
    page.goto("/")
    table = page.get_by_role("table", name="Releases and people reported freed, by year")
    row = table.get_by_role("row", name="2024")
    cell = row.get_by_role("cell").last
    expect(cell).to_have_text("175")
    assert cell.evaluate("cell => cell.scrollWidth <= cell.clientWidth")
    box, wrap = cell.bounding_box(), table.evaluate("t => t.parentElement.getBoundingClientRect()")
    assert box["x"] + box["width"] <= wrap["x"] + wrap["width"] + 1


def test_the_admin_release_form_fits_a_desktop_screen(new_page, seed, admin_user):
    """Every field of a release's admin page, each person's visibility included, is in view
    without scrolling sideways at 1280 px."""
    page = new_page(viewport=DESKTOP)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#logout-form")).to_be_attached()
    page.goto("/admin/releases/releaseevent/")
    page.get_by_role("link", name="Belarus frees 123").first.click()
    expect(page.locator("#releaseevent_form")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= DESKTOP["width"], f"the release form is {width} px wide"
    for inline in page.locator(".inline-group").all():
        wide = inline.evaluate("group => group.scrollWidth - group.clientWidth")
        assert wide <= 1, f"{inline.get_attribute('id')} scrolls sideways by {wide} px"
    visibility = page.locator("#id_releases-0-visibility")
    visibility.scroll_into_view_if_needed()
    right = visibility.evaluate("element => element.getBoundingClientRect().right")
    assert right <= DESKTOP["width"], f"a person's visibility is at {right} px"

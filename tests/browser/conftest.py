"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live_server.

Nothing here is skipped when a tool is missing: CI must run these tests, so a missing Chromium
or axe-core fails with what to install (`make test` installs both when it can).
"""

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# Headless on a machine with no network but the package registries: no sandbox (root), no GPU,
# none of Chromium's own background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# A loaded CI machine (2 cores) can be slow: give pages and assertions time.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser():
    """Chromium for one test.

    Playwright's sync API runs an event loop in this thread while it is open, and Django then
    takes the thread for async code: it refuses ORM calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set,
    and keeps the connections opened meanwhile apart from the test's own. So Playwright lives
    only as long as the test body: the database is set up and flushed without the loop, and the
    connections opened under it are closed before it stops.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}: run `make test` as root, "
            "or `apt-get install chromium`. (Never `playwright install`.)",
            pytrace=False,
        )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                connections.close_all()
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """Opens pages on the live server; each fails its test on anything that went wrong in the
    browser: a console error, a page error, a request that failed, or a 4xx or 5xx answer for
    the page or anything it loads. A test that opens an error page on purpose says so with
    `expect_status`.

    The Content-Security-Policy stays on (unless `bypass_csp`), so an inline script or style
    the policy refuses shows up here as a console error.
    """
    contexts, errors = [], []
    expected = {}  # url: status a test asked for (an error page on purpose)

    def open_page(*, viewport=DESKTOP, **options):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, accept_downloads=True, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda message: _keep_errors(message, errors, expected))
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: _keep_failed_requests(request, errors))
        page.on("response", lambda response: _keep_failed_responses(response, errors, expected))
        page.expect_status = lambda path, status: expected.update({live_server.url + path: status})
        page.goto = _checked(page.goto, live_server.url, expected)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"The browser reported errors: {errors}"


def _checked(goto, base_url, expected):
    """page.goto that fails unless the page answers 200, or the status the test expects."""

    def go(url, **options):
        response = goto(url, **options)
        status = expected.get(base_url + url, 200)
        assert response is not None, f"{url}: no response"
        assert response.status == status, f"{url}: {response.status}, not {status}"
        return response

    return go


def _keep_failed_requests(request, errors):
    """Requests that got no answer, except those the page cancelled itself (a search box's
    request superseded by the next keystroke, a load cut short by leaving the page)."""
    if request.failure != "net::ERR_ABORTED":
        errors.append(f"request failed: {request.method} {request.url} ({request.failure})")


def _stale_autocomplete_page(url, status):
    """Select2 asks the admin's autocomplete for the next page of results while the editor
    types; once the term has narrowed the results, Django's view answers that later page 404.
    The widget drops it: not a failure of the page."""
    query = parse_qs(urlsplit(url).query)
    return (
        status == 404
        and urlsplit(url).path == "/admin/autocomplete/"
        and query.get("page", ["1"])[0] not in ("", "1")
    )


def _keep_failed_responses(response, errors, expected):
    if _stale_autocomplete_page(response.url, response.status):
        return
    if response.status >= 400 and expected.get(response.url) != response.status:
        errors.append(f"{response.status} for {response.request.method} {response.url}")


def _keep_errors(message, errors, expected):
    """Console errors, except Chromium's own line for an error page the test expects."""
    if message.type != "error":
        return
    url = message.location.get("url", "")
    if "Failed to load resource" in message.text and (
        url in expected or _stale_autocomplete_page(url, 404)
    ):
        return
    errors.append(f"console: {message.text} ({url})")


@pytest.fixture
def page(new_page):
    return new_page()


def run_axe(page):
    """axe-core's violations on the page, as a list of {id, impact, help, nodes}."""
    if not AXE.exists():
        pytest.fail(
            f"axe-core is missing ({AXE}): run `npm ci` at the repository root, or `make test`.",
            pytrace=False,
        )
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
    ]


def save_axe_report(name, width, violations):
    """Keeps every finding, of any impact, in test-artifacts/axe/<page>-<width>.json."""
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}-{width}.json").write_text(json.dumps(violations, indent=2))


def screenshot(page, name):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = folder / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

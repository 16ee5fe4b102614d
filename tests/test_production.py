"""The site as `make serve` runs it: DEBUG off, static files collected into the manifest storage
(hashed, compressed) and served by whitenoise, gunicorn with tracker/gunicorn_conf.py, the
production environment of the Makefile's `load` target, a fresh database with the seed.

The development setup the other tests use finds static files in the apps' folders: there, a
`{% static %}` reference to a missing file passes. Here it is the 500 a visitor would get.
"""

import os
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.public_pages import every_response
from tests.test_security import assert_security_headers
from tests.test_two_servers import free_port, manage, new_database, serve, stop

pytestmark = pytest.mark.own_database

# Every address of a static file in a page: stylesheets, scripts, icons, images, share cards.
STATIC_REFERENCE = re.compile(r'(?:href|src|content)="([^"]*/static/[^"]+)"')


def fetch(base, path):
    """(status, headers, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def production_server(tmp_path):
    """gunicorn on a free loopback port, configured as in production, with a PostgreSQL
    database of its own: its base URL."""
    with new_database() as database:
        yield from _serve(database, tmp_path)


def _serve(database, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "CACHE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.production_settings",
        TEST_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database,
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        DJANGO_IMPORT_DIR=str(tmp_path / "imports"),
    )
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "loaddata", "december_2025", "--verbosity", "0")
    port = free_port()
    with open(tmp_path / "server.log", "w") as log:
        # Up once it answers at all: a page that fails must fail the test, with its status.
        server = serve(env, port, log, started=lambda status: True)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(server)


def test_every_page_and_the_static_files_it_uses_answer_in_production(production_server):
    static_files = set()
    for path, status in every_response():
        answer, headers, body = fetch(production_server, path)
        assert answer == status, f"{path}: {answer}"
        assert_security_headers(headers)
        if headers.get_content_type() == "text/html":
            for address in STATIC_REFERENCE.findall(body.decode()):
                static_files.add(urllib.parse.urlsplit(address).path)
    assert any(path.endswith(".css") for path in static_files), "the pages use a stylesheet"
    for path in sorted(static_files) + ["/admin/login/"]:
        answer, headers, _body = fetch(production_server, path)
        assert answer == 200, path
        assert_security_headers(headers)

    # Hashed names, cached for good.
    _status, _headers, body = fetch(production_server, "/")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body.decode())
    assert stylesheet, "the page links the stylesheet by its hashed name"
    status, headers, _body = fetch(production_server, stylesheet[1])
    assert status == 200
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"

"""Two servers behind one load balancer share PostgreSQL and Redis (CACHE_URL): an editor's change
through one is seen at once through the other, whose cached pages go with it.

The servers are real processes (gunicorn, the production settings) with separate local folders,
against a PostgreSQL database made for this test (on SQLite runs too: two hosts cannot share a
SQLite file) and the Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379/0), under a key
prefix of their own, removed afterwards. `.ci/run` starts both services.
"""

import contextlib
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import dj_database_url
import psycopg
import pytest
import redis
from django.conf import settings

from tracker.settings import database_key_prefix

# Nothing here uses the suite's database: the servers and settings run in processes of their own.
pytestmark = pytest.mark.own_database

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "two servers, one cache"
PERSON, PERSON_URL = "Ales Bialiatski", "/prisoners/ales-bialiatski/"
RELEASE_URL = "/releases/belarus-release-2025-12-13/"


def postgres_server():
    """The PostgreSQL server of the suite's DATABASE_URL, or the local one on SQLite runs."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return dj_database_url.parse(url)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        check=True,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )


@pytest.fixture
def database():
    """A PostgreSQL database of its own: its URL."""
    with new_database() as url:
        yield url


@contextlib.contextmanager
def new_database():
    """A new PostgreSQL database, dropped afterwards: its URL."""
    server = postgres_server()
    name = f"test_two_servers_{uuid.uuid4().hex[:8]}"
    connect = {
        key: server[setting]
        for key, setting in [("host", "HOST"), ("port", "PORT"), ("user", "USER")]
        if server.get(setting)
    }
    if server.get("PASSWORD"):
        connect["password"] = server["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **connect) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = "postgres://{user}{password}@{host}:{port}/{name}".format(
        user=urllib.parse.quote(connect.get("user", "")),
        password=":" + urllib.parse.quote(connect["password"]) if "password" in connect else "",
        host=connect.get("host", "127.0.0.1"),
        port=connect.get("port", 5432),
        name=name,
    )
    try:
        yield url
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **connect) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def shared_redis(database):
    """The Redis both servers use, and the key prefix their database gives them: it is empty
    before the test and emptied after it; no other key is touched."""
    client = redis.Redis.from_url(REDIS_URL)
    prefix = database_key_prefix(dj_database_url.parse(database))
    assert not list(client.scan_iter(f"{prefix}:*")), "the test's key prefix is not fresh"
    try:
        yield client, prefix
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def environment(database, folder, **extra):
    """One server's environment: the production settings, shared PostgreSQL and Redis, and
    local folders of its own (what two hosts would have)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CACHE_URL"}
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        # DEBUG serves the static files without collectstatic; the cache works as in production.
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database,
        "CACHE_URL": REDIS_URL,
        "DJANGO_CACHE_DIR": str(folder / "cache"),
        "DJANGO_IMPORT_DIR": str(folder / "imports"),
        "DJANGO_DB_POOL": "2",
        **extra,
    }


class Visitor:
    """A browser of one server: keeps cookies, reads pages and submits forms."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        return self.open(urllib.request.Request(self.base + path))

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.open(urllib.request.Request(self.base + path, data=data))

    def open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf_token(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def stop(server):
    """Stop a server `serve` started: politely, then for good after 15 seconds."""
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def serve(env, port, log, *, started=lambda status: status == 200):
    """gunicorn on `port`, once its home page answers with a status that `started` accepts."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "tracker/gunicorn_conf.py", "tracker.wsgi"],
        cwd=settings.BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if started(Visitor(port).get("/")[0]):
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise AssertionError(f"the server on port {port} did not start: see {log.name}")


@pytest.fixture
def two_servers(database, shared_redis, tmp_path):
    """Servers A and B, one database, one Redis: (env of A, visitor of A, visitor of B)."""
    env_a = environment(database, tmp_path / "a")
    env_b = environment(database, tmp_path / "b")
    manage(env_a, "migrate", "--no-input")
    manage(env_a, "loaddata", "december_2025")
    manage(
        {**env_a, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        "createsuperuser",
        "--no-input",
        "--username=editor",
        "--email=editor@example.org",
    )
    servers = []
    try:
        visitors = []
        for env, name in [(env_a, "a"), (env_b, "b")]:
            port = free_port()
            log = open(tmp_path / f"server-{name}.log", "w")  # noqa: SIM115 (closed below)
            servers.append((serve(env, port, log), log))
            visitors.append(Visitor(port))
        yield env_a, *visitors
    finally:
        for server, log in servers:
            stop(server)
            log.close()


def restrict_in_admin(editor, name):
    """An editor restricts the person called `name` with the admin's bulk action."""
    status, login = editor.get("/admin/login/?next=/admin/")
    assert status == 200
    fields = {"username": "editor", "password": PASSWORD, "next": "/admin/"}
    status, page = editor.post(
        "/admin/login/?next=/admin/", {**fields, "csrfmiddlewaretoken": editor.csrf_token(login)}
    )
    assert status == 200 and "Log out" in page, "the editor is logged in"
    changelist = "/admin/prisoners/prisoner/"
    status, page = editor.get(changelist + "?" + urllib.parse.urlencode({"q": name}))
    assert status == 200
    rows = re.findall(r'name="_seen_version" value="(\d+):(\d+)"', page)
    assert len(rows) == 1, f"one row for {name}"
    (pk, version), token = rows[0], editor.csrf_token(page)
    status, page = editor.post(
        changelist,
        {
            "csrfmiddlewaretoken": token,
            "action": "restrict",
            "index": "0",
            "_selected_action": pk,
            "_seen_version": f"{pk}:{version}",
        },
    )
    assert status == 200 and "1 record restricted." in page


PUBLISH_AGAIN = """
from prisoners.models import Prisoner
from tracker.models import Visibility
person = Prisoner.objects.get(slug="ales-bialiatski")
person.visibility = Visibility.PUBLIC
person.save()
"""


def test_an_edit_on_one_server_is_seen_at_once_on_the_other(two_servers, shared_redis):
    env_a, server_a, server_b = two_servers
    client, prefix = shared_redis
    # Pages that link to the person (a source's quote on the release page may name them).
    listings = ["/prisoners/", "/prisoners/?utm_source=newsletter", RELEASE_URL]
    for page in listings:
        status, text = server_b.get(page)
        assert status == 200 and PERSON_URL in text, page
    assert PERSON in server_b.get(PERSON_URL)[1]
    assert list(client.scan_iter(f"{prefix}:*")), "server B keeps its pages in Redis"
    for page in listings:  # served from the cache now, on B and on A
        assert PERSON_URL in server_b.get(page)[1] and PERSON_URL in server_a.get(page)[1]

    restrict_in_admin(server_a, PERSON)

    for page in listings:
        status, text = server_b.get(page)
        assert status == 200 and PERSON_URL not in text, f"{page} on B after the edit on A"
    for page in ["/prisoners/", "/prisoners/?format=csv"]:
        status, text = server_b.get(page)
        assert status == 200 and PERSON not in text, page
    assert server_b.get(PERSON_URL)[0] == 404

    # A model saved by a third process (a script on server A's host) shows on B at once too.
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PUBLISH_AGAIN],
        check=True,
        cwd=settings.BASE_DIR,
        env=env_a,
    )
    assert server_b.get(PERSON_URL)[0] == 200
    assert PERSON_URL in server_b.get("/prisoners/")[1]


def settings_with(**env):
    """tracker.settings' CACHES in a fresh interpreter with `env`: (exit status, CACHES or
    the error)."""
    inherited = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", "import json, tracker.settings as s; print(json.dumps(s.CACHES))"],
        cwd=settings.BASE_DIR,
        env={**inherited, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        return result.returncode, result.stderr
    return 0, json.loads(result.stdout)


def test_cache_url_sends_both_caches_to_redis_under_the_database_prefix():
    status, files = settings_with(CACHE_URL="")
    assert status == 0
    assert {cache["BACKEND"] for cache in files.values()} == {"tracker.cache.FileCache"}
    status, caches = settings_with(CACHE_URL="redis://127.0.0.1:6379/2")
    assert status == 0 and caches.keys() == {"default", "generation"}
    for cache in caches.values():
        assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert cache["LOCATION"] == "redis://127.0.0.1:6379/2"
        assert cache["KEY_PREFIX"] == files["default"]["KEY_PREFIX"], "prefixed by the database"
    status, other = settings_with(
        CACHE_URL="redis://127.0.0.1:6379/2", DATABASE_URL="postgres://h:5432/another"
    )
    assert other["default"]["KEY_PREFIX"] != caches["default"]["KEY_PREFIX"]


def test_a_cache_url_that_is_not_redis_is_refused_without_repeating_it():
    status, error = settings_with(CACHE_URL="memcached://user:secret@cache:11211")
    assert status != 0
    assert "CACHE_URL must be a Redis URL" in error and "secret" not in error

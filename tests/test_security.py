"""Production settings and security headers, as browsers, scanners and `check --deploy` see them."""

import base64
import hashlib
import os
import runpy
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from prisoners.models import Prisoner
from releases.models import ReleaseEvent
from tests.public_pages import HTML_PAGES, every_response, paths

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_FILE = BASE_DIR / "tracker" / "settings.py"


PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
}


def settings_with(monkeypatch, **env):
    """tracker/settings.py as it comes out of this environment (nothing else is inherited)."""
    for name in list(os.environ):
        if name.startswith("DJANGO_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def sha256_source(text):
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


class InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' blocks: inline scripts, handlers, styles."""

    SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self.style_elements, self.style_attributes = [], [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            if (value or "").strip().lower().startswith("javascript:"):
                self.handlers.append(f"{tag} {name}={value}")
        if "style" in attrs:
            self.style_attributes.append(attrs["style"])
        if tag == "script" and "src" not in attrs and attrs.get("type", "") in self.SCRIPT_TYPES:
            self._in, self._text = self.scripts, ""
        elif tag == "style":
            self._in, self._text = self.style_elements, ""

    def handle_data(self, data):
        if self._in is not None:
            self._text += data

    def handle_endtag(self, tag):
        if self._in is not None and tag in {"script", "style"}:
            self._in.append(self._text)
            self._in = None


def inline_code(response):
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


def blocked_by_policy(response):
    """The inline code on the page that the page's own policy would stop a browser running."""
    directives = policy(response)
    style_sources = directives.get("style-src", directives["default-src"])
    attribute_sources = directives.get("style-src-attr", style_sources)
    found = inline_code(response)
    blocked = [f"script: {text[:80]}" for text in found.scripts]
    blocked += [f"handler: {text[:80]}" for text in found.handlers]
    blocked += [
        f"<style>: {text[:80]}"
        for text in found.style_elements
        if sha256_source(text) not in style_sources
    ]
    blocked += [
        f"style attribute: {text[:80]}"
        for text in found.style_attributes
        if not ("'unsafe-hashes'" in attribute_sources and sha256_source(text) in attribute_sources)
    ]
    return blocked


# The headers the README promises ("Deploy"), on every response.
PERMISSIONS_OFF = ["camera", "microphone", "geolocation", "payment"]


def assert_security_headers(response):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    for kind in ("img-src", "font-src", "connect-src", "form-action"):
        assert directives[kind] == ["'self'"], kind
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("'unsafe-inline'" in sources for sources in directives.values())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(entry.split("=") for entry in response["Permissions-Policy"].split(", "))
    for feature in PERMISSIONS_OFF:
        assert features[feature] == "()", feature


@pytest.mark.django_db
def test_every_public_response_carries_the_security_headers(client, seed):
    """Every page kind, feed, file and download of the registry, a filter error and the 404
    page, in each language."""
    for url, status in every_response():
        response = client.get(url)
        assert response.status_code == status, url
        assert_security_headers(response)


@pytest.mark.django_db
def test_detail_pages_static_files_and_the_admin_login_carry_them_too(client, seed):
    event = ReleaseEvent.objects.public().first()
    prisoner = Prisoner.objects.public().first()
    for url in [
        event.get_absolute_url(),
        prisoner.get_absolute_url(),
        "/static/css/site.css",
        "/static/admin/js/core.js",
        "/admin/login/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", paths(HTML_PAGES))
def test_public_pages_have_no_inline_script_or_style(client, seed, url):
    response = client.get(url)
    assert response.status_code == 200
    found = inline_code(response)
    assert found.scripts == [] and found.handlers == []
    assert found.style_elements == [] and found.style_attributes == []


def admin_pages(user):
    """Every admin page a staff member opens: lists, add forms, a record and its history."""
    request = RequestFactory().get("/admin/")
    request.user = user
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=False)
    urls = [
        "/admin/",
        "/admin/password_change/",
        reverse("admin-import"),
        reverse("admin:otp_totp_totpdevice_config", args=[device.pk]),  # the QR code page
    ]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        record = model._base_manager.order_by("pk").first()
        if record is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[record.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[record.pk]))
    return urls


@pytest.mark.django_db
def test_the_admin_runs_under_the_policy(admin_client, admin_user, seed, client):
    """Django's admin, with every app's pages, uses no inline code the policy would block."""
    event = ReleaseEvent.objects.first()
    event.title += " (edited)"
    event.save()  # a history entry to show
    assert blocked_by_policy(client.get("/admin/login/")) == []
    for url in admin_pages(admin_user):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
        assert blocked_by_policy(response) == [], url


def test_production_settings_turn_https_on(monkeypatch):
    settings = settings_with(monkeypatch, **PRODUCTION_ENV)
    assert settings["DEBUG"] is False
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]


def test_https_0_serves_plain_http(monkeypatch):
    settings = settings_with(monkeypatch, **PRODUCTION_ENV, DJANGO_HTTPS="0")
    assert settings["DEBUG"] is False
    assert "SECURE_SSL_REDIRECT" not in settings
    assert "SECURE_HSTS_SECONDS" not in settings


@pytest.mark.django_db
def test_with_https_on_plain_http_is_redirected_and_https_is_pinned(monkeypatch, client, seed):
    env = {**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": "testserver"}
    production = settings_with(monkeypatch, **env)
    https_settings = {
        name: production[name]
        for name in [
            "SECURE_SSL_REDIRECT",
            "SECURE_PROXY_SSL_HEADER",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
        ]
    }
    with override_settings(**https_settings):
        response = client.get("/releases/?country=BY")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/releases/?country=BY"

        # Behind the proxy: TLS ends there, and the proxy says so.
        response = client.get("/releases/", headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert_security_headers(response)

        response = client.get("/admin/login/", secure=True)
        assert response.cookies["csrftoken"]["secure"] is True


@pytest.mark.django_db
def test_hsts_lasts_as_long_as_django_hsts_seconds_says(monkeypatch, client):
    env = {**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_HSTS_SECONDS": "600"}
    production = settings_with(monkeypatch, **env)
    assert production["SECURE_HSTS_SECONDS"] == 600
    hsts = ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]
    with override_settings(**{name: production[name] for name in hsts}):
        response = client.get("/about/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=600; includeSubDomains; preload"


def test_production_fails_loudly_without_its_settings(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        settings_with(monkeypatch, DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="tracker.example.org")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ALLOWED_HOSTS"):
        settings_with(monkeypatch, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)


def test_postgresql_gets_a_connection_pool_and_sqlite_does_not(monkeypatch):
    url = "postgres://tracker@db.example.org:5432/tracker"
    settings = settings_with(monkeypatch, **PRODUCTION_ENV, DATABASE_URL=url)
    database = settings["DATABASES"]["default"]
    assert database["OPTIONS"]["pool"]["max_size"] >= 1
    assert database["CONN_MAX_AGE"] == 0

    settings = settings_with(monkeypatch, **PRODUCTION_ENV)
    assert "pool" not in settings["DATABASES"]["default"].get("OPTIONS", {})

    with pytest.raises(ImproperlyConfigured, match="DJANGO_DB_POOL=0"):
        settings_with(monkeypatch, **PRODUCTION_ENV, DATABASE_URL=url, DJANGO_CONN_MAX_AGE="60")
    persistent = {"DJANGO_CONN_MAX_AGE": "60", "DJANGO_DB_POOL": "0"}
    settings = settings_with(monkeypatch, **PRODUCTION_ENV, DATABASE_URL=url, **persistent)
    assert settings["DATABASES"]["default"]["CONN_MAX_AGE"] == 60


def test_check_deploy_is_clean_in_production():
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "DATABASE_URL"
    }
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="tracker.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout

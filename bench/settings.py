"""Benchmark settings: production settings (DEBUG off, cached templates, every middleware), with
plain static files storage so that pages render without `collectstatic`."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client speaks plain HTTP

from tracker.settings import *  # noqa: E402, F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

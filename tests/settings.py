"""Test settings: the project's settings with a throwaway secret and fast password hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-test-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client speaks plain HTTP; tests/test_security.py checks the HTTPS settings themselves.
os.environ.setdefault("DJANGO_HTTPS", "0")

from tracker.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps' folders, as in development: tests run without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# One process: memory will do (tests/test_figures.py checks the shared cache of production).
CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
    for alias in ["default", "generation"]
}
# Tests read each response's context, which a page served from the cache has not;
# tests/test_figures.py turns it on.
PUBLIC_PAGE_CACHE = False

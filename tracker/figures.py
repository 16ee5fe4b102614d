"""Counts, figures and public pages that cost a scan of a big table, cached for a short while.

Every visitor asks for the same figures (the home page's totals, a list's number of results, a
country's figures) and the same pages (tracker.views.CachedPageMixin), and over 100,000 people
each costs tens of milliseconds. They are kept in Django's cache for FIGURES_TIMEOUT seconds at
most. Any change to a record of the tracker starts a new
generation of figures (the signal receivers below). Every server process must share the cache
(settings.CACHES), or a record restricted in one process would go on counting in another. Bulk
writes send no signals: code that makes them calls `invalidate()`.
"""

import hashlib
import threading
import time

from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from tracker.records import record_apps

FIGURES_TIMEOUT = 60
GENERATION_KEY = "tracker:figures:generation"


# Set when this process hands out a key of the current generation (a figure or a page may be
# cached under it), cleared when it starts a generation.
_keys_given = threading.Event()


def _new_generation():
    _keys_given.clear()
    caches["generation"].set(GENERATION_KEY, time.time_ns(), None)


def invalidate():
    """Forget every cached figure, now and when the current transaction commits: until then
    another process may compute a figure without the change. A transaction that changes many
    records (loaddata, a publish) starts one generation at its first change and one when it
    commits, not one a record; and one more at a later change only if this process may have
    cached something since (a test's transaction is many requests)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _new_generation()  # autocommit: the change is committed already
        return
    pending = (callback for _savepoints, callback, _robust in connection.run_on_commit)
    if _new_generation not in pending:
        _new_generation()
        transaction.on_commit(_new_generation)
    elif _keys_given.is_set():
        _new_generation()


def _generation():
    return caches["generation"].get_or_set(GENERATION_KEY, time.time_ns, None)


def figure_key(name):
    """The cache key of `name` in the current generation of figures."""
    _keys_given.set()
    return f"tracker:figures:{_generation()}:{name}"


def cached_figure(name, compute):
    """`compute()`, or its value cached under `name` in the current generation."""
    return cache.get_or_set(figure_key(name), compute, FIGURES_TIMEOUT)


def cached_count(queryset):
    """`queryset.count()`, cached by the query's SQL."""
    if queryset.query.is_empty():
        return 0
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.sha256(f"{queryset.db}\n{sql}\n{params!r}".encode()).hexdigest()
    return cached_figure(f"count:{digest}", queryset.count)


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def invalidate_on_change(sender, **kwargs):
    if sender._meta.app_label in record_apps():
        invalidate()

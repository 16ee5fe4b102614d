"""One write path: records change only through the services of their apps.

A service (a function in an app's `services.py`) is marked with `@service`: it runs in one
transaction, and the records it saves, deletes or links are written "by a service". A request,
and a management command that writes, runs `guarded()`: there, a record of the tracker written
by anything else (an admin form's own `save()`, a queryset's `update()`, a formset) is refused
with `UnservicedWrite` before it reaches the database, so a path that forgets its service fails
loudly in the tests instead of skipping a rule in production.

Fixture loads (`loaddata`: raw saves) and migrations are not guarded: they load whole files into
a database, as Django's own tools.
"""

import contextvars
import functools
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.dispatch import receiver

from tracker.records import record_apps

_depth = contextvars.ContextVar("tracker_service_depth", default=0)
_guarded = contextvars.ContextVar("tracker_write_path_guarded", default=False)


class UnservicedWrite(RuntimeError):
    """A record was written outside the services of its app."""


@contextmanager
def _in_service():
    token = _depth.set(_depth.get() + 1)
    try:
        yield
    finally:
        _depth.reset(token)


def service(function):
    """Mark `function` as a write service: one transaction, and its writes are allowed.

    A service called by another joins its transaction, without a savepoint of its own: the
    outer one is all or nothing, and goes on after no refusal of the inner one.
    """

    @functools.wraps(function)
    def write(*args, **kwargs):
        with transaction.atomic(savepoint=_depth.get() == 0), _in_service():
            return function(*args, **kwargs)

    return write


@contextmanager
def guarded():
    """Refuse, until the block ends, any write of a record that no service makes."""
    token = _guarded.set(True)
    try:
        yield
    finally:
        _guarded.reset(token)


def guard_requests(get_response):
    """Middleware: every request runs guarded()."""

    def middleware(request):
        with guarded():
            return get_response(request)

    return middleware


def _refuse_unserviced(sender, action):
    if not _guarded.get() or _depth.get():
        return
    if sender._meta.app_label in record_apps():
        raise UnservicedWrite(
            f"{sender._meta.label}: {action} outside a service. Call the service of "
            f"{sender._meta.app_label} (its services.py) that makes this change."
        )


@receiver(pre_save)
def refuse_unserviced_save(sender, raw=False, **kwargs):
    if not raw:
        _refuse_unserviced(sender, "saved")


@receiver(pre_delete)
def refuse_unserviced_delete(sender, **kwargs):
    _refuse_unserviced(sender, "deleted")


@receiver(m2m_changed)
def refuse_unserviced_links(sender, instance, action, **kwargs):
    if action.startswith("pre_"):
        _refuse_unserviced(type(instance), "links changed")

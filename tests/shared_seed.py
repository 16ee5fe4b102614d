"""The seed loaded once per worker for the tests that only need it, not once a test.

`loaddata december_2025` runs in a transaction that stays open from one such test to the next.
pytest-django runs each ordinary test in a savepoint inside it, so whatever a test changes is
rolled back after it and the next test sees the seed as `loaddata` left it
(tests/test_seed.py, `TestTheSharedSeed`, proves both). Before any other test the transaction
is rolled back: a test without the seed, a transactional one (its server must see committed
rows, and it flushes the database), or one with data of a module or class (their transaction
must not sit inside this one). Those tests load the seed themselves, as `seed` says.
"""

from django.core.management import call_command
from django.db import connection, transaction

from tests.database_state import every_row

# Fixtures that make a test transactional (pytest-django).
TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def shares_the_seed(item):
    """Whether the test may run inside the shared seed's transaction."""
    names = set(getattr(item, "fixturenames", ()))
    if "seed" not in names or names & TRANSACTIONAL_FIXTURES:
        return False
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        options = ("transaction", "reset_sequences", "serialized_rollback")
        if any(marker.kwargs.get(option) for option in options) or any(marker.args[:2]):
            return False
    return not has_data_of_a_module_or_class(item)


def has_data_of_a_module_or_class(item):
    """Whether the test uses a fixture of the suite's that is module-, class- or package-scoped
    (pytest-django's own class-scoped fixture, on every test, holds no data)."""
    fixtures = getattr(item, "_fixtureinfo", None)
    if fixtures is None:
        return False
    return any(
        fixturedef.scope in {"package", "module", "class"}
        and fixturedef.func.__module__.startswith("tests.")
        for defs in fixtures.name2fixturedefs.values()
        for fixturedef in defs
    )


class SharedSeed:
    """The open transaction holding the seed, in one worker."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.atomic = None
        self.loaded = None  # every row right after `loaddata`, which each test must see
        self.holds = None  # the test set up inside the transaction

    def open_for(self, item):
        """Opens the transaction with the seed unless it is open; not inside a transaction of
        another's (a module's data still in place for tests of its module)."""
        if self.atomic is None:
            with self.blocker.unblock():
                if connection.in_atomic_block:
                    return
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                call_command("loaddata", "december_2025", verbosity=0)
                self.loaded = every_row()
        self.holds = item

    def close(self):
        """Rolls the seed back."""
        self.holds = None
        if self.atomic is None:
            return
        atomic, self.atomic, self.loaded = self.atomic, None, None
        with self.blocker.unblock():
            assert connection.atomic_blocks == [atomic], "a transaction inside the seed's"
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

"""Shared fixtures: small factories that build valid records with sensible defaults.

The factories keep no state of their own, so they are session-scoped: a module- or class-scoped
fixture may use them to build data once for many tests (see `shared_records`).
"""

import contextlib
import datetime
import itertools
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import translation

from prisoners.models import Prisoner, PrisonerCount
from releases.models import (
    ConcessionKind,
    ConcessionLink,
    EntityKind,
    LinkBasis,
    Release,
    ReleaseEvent,
    ReportedNationality,
    SanctionedEntity,
    SanctionsConcession,
)
from tests.shared_seed import SharedSeed, has_data_of_a_module_or_class, shares_the_seed
from tracker.models import Country, Source, Visibility

_sequence = itertools.count(1)
SHARED_SEED = pytest.StashKey()
BROWSER_TESTS = Path(__file__).parent / "browser"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every test of tests/browser/ is marked `browser` (pyproject.toml: CI runs them in one of
    its passes), before `-m` selects.

    `make test` runs the suite in parallel (pytest-xdist, `--dist loadgroup`): the tests of a
    module that use a module- or class-scoped fixture go to one worker together, so that its
    data is built once, not once in each worker."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
        if has_data_of_a_module_or_class(item) and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Uploads pending between an import's preview and confirmation: a folder per test."""
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: LocaleMiddleware activates a request's language
    in the thread and leaves it there, so a test after a request to a /ru/ page read Russian."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached figures (tracker.figures) must not outlive the test database they came from."""
    cache.clear()


@pytest.fixture(scope="session")
def shared_records(django_db_setup, django_db_blocker):
    """Data built once for every test of a module or class, in a transaction of its own.

        @pytest.fixture(scope="module")
        def world(shared_records, make_event):
            with shared_records():
                yield make_event(...)

    The records made in the block are there for each test of the fixture's scope; each test's
    own changes are still rolled back after it, so the tests do not depend on one another; the
    block's records are rolled back when the scope ends. Only for ordinary (non-transactional)
    tests: `transaction=True` and `live_server` flush the database.
    """

    @contextlib.contextmanager
    def block():
        with django_db_blocker.unblock(), transaction.atomic():
            yield
            transaction.set_rollback(True)

    return block


def _country(code):
    return Country.objects.get(code=code)


@pytest.fixture(scope="session")
def make_source():
    def make(**fields):
        n = next(_sequence)
        fields.setdefault("title", f"Report {n}")
        fields.setdefault("published_on", datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
        fields.setdefault("slug", f"report-{n}")
        if fields["published_on"] is None:
            fields.setdefault("published_on_precision", "unknown")
        return Source.objects.create(**fields)

    return make


@pytest.fixture(scope="session")
def make_prisoner():
    def make(*, nationalities=("BY",), sources=(), **fields):
        n = next(_sequence)
        fields.setdefault("name", f"Person {n}")
        fields.setdefault("slug", f"person-{n}")
        fields.setdefault("visibility", Visibility.PUBLIC)
        prisoner = Prisoner.objects.create(**fields)
        prisoner.nationalities.set([_country(code) for code in nationalities])
        prisoner.sources.set(sources)
        return prisoner

    return make


@pytest.fixture(scope="session")
def make_event():
    def make(*, releasing="BY", counterparts=(), reported_nationalities=(), sources=(), **fields):
        n = next(_sequence)
        fields.setdefault("title", f"Release {n}")
        fields.setdefault("slug", f"release-{n}")
        fields.setdefault("date", datetime.date(2025, 6, 1))
        fields.setdefault("visibility", Visibility.PUBLIC)
        event = ReleaseEvent.objects.create(releasing_country=_country(releasing), **fields)
        event.counterparts.set([_country(code) for code in counterparts])
        event.sources.set(sources)
        for code in reported_nationalities:  # each as reported by the event's first source
            ReportedNationality.objects.create(
                event=event,
                country=_country(code),
                source=sources[0],
                visibility=event.visibility,
            )
        return event

    return make


@pytest.fixture(scope="session")
def make_release():
    def make(event, prisoner, *, sources=(), **fields):
        fields.setdefault("visibility", Visibility.PUBLIC)
        release = Release.objects.create(event=event, prisoner=prisoner, **fields)
        release.sources.set(sources)
        return release

    return make


@pytest.fixture(scope="session")
def make_concession():
    """A sanctions measure; given an event, linked to it (basis "reported", the measure's
    visibility and sources, unless `link` says otherwise)."""

    def make(event=None, *, imposed_by="US", sources=(), entities=(), link=None, **fields):
        n = next(_sequence)
        fields.setdefault("target", f"Sector {n}")
        fields.setdefault("slug", f"measure-{n}")
        fields.setdefault("kind", ConcessionKind.EASED)
        fields.setdefault("visibility", Visibility.PUBLIC)
        concession = SanctionsConcession.objects.create(imposed_by=_country(imposed_by), **fields)
        concession.sources.set(sources)
        concession.entities.set(entities)
        if event is not None:
            link = {
                "basis": LinkBasis.REPORTED,
                "visibility": concession.visibility,
                **(link or {}),
            }
            created = ConcessionLink.objects.create(concession=concession, event=event, **link)
            created.sources.set(sources)
        return concession

    return make


@pytest.fixture(scope="session")
def make_entity():
    def make(*, country="BY", sources=(), **fields):
        n = next(_sequence)
        fields.setdefault("name", f"Company {n}")
        fields.setdefault("slug", f"company-{n}")
        fields.setdefault("kind", EntityKind.COMPANY)
        fields.setdefault("visibility", Visibility.PUBLIC)
        entity = SanctionedEntity.objects.create(
            country=_country(country) if country else None, **fields
        )
        entity.sources.set(sources)
        return entity

    return make


@pytest.fixture(scope="session")
def make_count():
    def make(code="BY", *, as_of=datetime.date(2025, 1, 1), count=100, **fields):
        return PrisonerCount.objects.create(
            country=_country(code), as_of=as_of, count=count, **fields
        )

    return make


@pytest.fixture
def seed(request, shared_seed, db):
    """The seed data set (fixtures/december_2025.json), loaded as its users load it:
    `loaddata december_2025`. Once per worker for the tests that may share it
    (tests/shared_seed.py); the others load it themselves, and their transaction (or flush)
    takes it away."""
    if shared_seed.holds is not request.node:
        call_command("loaddata", "december_2025", verbosity=0)


@pytest.fixture(scope="session")
def shared_seed(request, django_db_setup, django_db_blocker):
    """The seed's transaction of this worker, opened before each test that shares it
    (`pytest_runtest_setup`) and closed before any other."""
    shared = SharedSeed(django_db_blocker)
    request.config.stash[SHARED_SEED] = shared
    yield shared
    del request.config.stash[SHARED_SEED]
    shared.close()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's fixtures: the seed's transaction is open for a test that shares it,
    rolled back for any other. (Its first test in a worker starts it: `shared_seed`.)"""
    shared = item.config.stash.get(SHARED_SEED, None)
    if shared is None:
        return
    if shares_the_seed(item):
        shared.open_for(item)
    else:
        shared.close()


@pytest.fixture
def staff_client(client, django_user_model):
    """A logged-in staff member with every permission on the tracker's records."""
    user = django_user_model.objects.create_user(
        "caseworker", password="not-used-in-tests", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["tracker", "prisoners", "releases"])
    )
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def role_client(django_user_model):
    """A logged-in client for a member of a role group made by the roles migration."""

    def login(group_name, username):
        user = django_user_model.objects.create_user(username, is_staff=True)
        user.groups.add(Group.objects.get(name=group_name))
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return login


@pytest.fixture
def case_worker(role_client):
    return role_client("Case workers", "caseworker-anna")


@pytest.fixture
def editor(role_client):
    return role_client("Editors", "editor-boris")

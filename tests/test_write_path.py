"""One write path: records change only through the services of their apps (tracker.write_path).

Two checks hold it: the guard refuses, during a request, a record written by anything but a
service (a fault put into the real admin proves it refuses), and a scan of the code that takes
input (admin, import, commands, views) finds no write of its own, including the queryset writes
(`update()`, `bulk_create()`) that send no signal for the guard to see.
"""

import ast
import json
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction

from prisoners.models import Prisoner
from tests.test_import import SEED, upload
from tracker import services
from tracker.admin import ServicedAdminMixin
from tracker.models import Country
from tracker.write_path import UnservicedWrite, guarded

ROOT = Path(__file__).resolve().parent.parent

# The code that turns input into changes: it validates and calls services, never writes itself.
INPUT_MODULES = [
    *ROOT.glob("*/admin.py"),
    *ROOT.glob("*/admin/*.py"),
    ROOT / "tracker" / "admin_views.py",
    *ROOT.glob("tracker/imports/*.py"),
    *ROOT.glob("*/management/commands/*.py"),
    *ROOT.glob("*/views.py"),
    *ROOT.glob("releases/synthetic/*.py"),
]
# Calls that write whatever they are called on (a record, a form, a formset).
WRITES_ANYWHERE = {"save", "delete", "save_base", "save_m2m"}
# Calls that write when made on a manager or a queryset.
QUERYSET_WRITES = {
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "_insert",
    "_update",
}
QUERYSET_STEPS = {
    "objects",
    "_default_manager",
    "_base_manager",
    "all",
    "filter",
    "exclude",
    "select_for_update",
    "select_related",
    "prefetch_related",
    "order_by",
}


def _chain(node):
    """The attribute names a call's receiver is made of: `a.objects.filter(x).update` gives
    ["a", "objects", "filter", "update"]."""
    names = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names[::-1]
        else:
            return names[::-1]


def direct_writes(source, filename):
    """(line, call) of every write in `source` that is not a service call."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        chain = _chain(node.func)
        method = chain[-1]
        unsaved = any(
            keyword.arg == "commit"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is False
            for keyword in node.keywords
        )
        writes_itself = method in WRITES_ANYWHERE and not unsaved and "super" not in chain
        writes_a_queryset = method in QUERYSET_WRITES and QUERYSET_STEPS & set(chain[:-1])
        if writes_itself or writes_a_queryset:
            found.append((node.lineno, ".".join(chain)))
    return found


def test_the_scan_finds_each_kind_of_direct_write():
    """The scan itself: each way of writing past the services is found."""
    source = "\n".join(
        [
            "def view(request, form, formset, Prisoner):",
            "    record = form.save()",
            "    formset.save()",
            "    record.delete()",
            "    Prisoner.objects.filter(pk=1).update(name='x')",
            "    Prisoner._default_manager.bulk_create([])",
            "    Prisoner.objects.get_or_create(slug='x')",
            "    form.save(commit=False)",  # validated, unsaved: not a write
            "    services.save_record(record, user=request.user)",  # the service: not a write
            "    {}.update(a=1)",  # a dict: not a write
        ]
    )

    assert [line for line, _call in direct_writes(source, "example.py")] == [2, 3, 4, 5, 6, 7]


def test_the_scan_reads_every_apps_admin():
    """An app's admin is a module or a package of them: the scan reads either."""
    for app in ("tracker", "prisoners", "releases"):
        scanned = [path for path in INPUT_MODULES if app in path.relative_to(ROOT).parts[:1]]
        assert any("admin" in path.name or path.parent.name == "admin" for path in scanned), app


@pytest.mark.parametrize("path", INPUT_MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_code_that_takes_input_writes_only_through_services(path):
    writes = direct_writes(path.read_text(), str(path))

    assert writes == [], (
        f"{path.relative_to(ROOT)} writes records itself: "
        + ", ".join(f"line {line}: {call}()" for line, call in writes)
        + ". Call the service of the owning app (its services.py) instead."
    )


@pytest.mark.django_db
def test_a_record_saved_outside_a_service_is_refused_while_guarded(make_prisoner):
    person = make_prisoner(name="Maria Kalesnikava")

    person.name = "Changed past the service"
    writes = {
        "saved": person.save,
        "deleted": person.delete,
        "links changed": person.nationalities.clear,
    }
    for action, write in writes.items():
        with (
            guarded(),
            pytest.raises(UnservicedWrite, match=f"prisoners.Prisoner: {action} outside a service"),
            transaction.atomic(),  # the refused write leaves the test's transaction usable
        ):
            write()

    person.refresh_from_db()
    assert person.name == "Maria Kalesnikava"
    assert [country.code for country in person.nationalities.all()] == ["BY"]


@pytest.mark.django_db
def test_the_service_writes_while_guarded(make_prisoner, django_user_model):
    person = make_prisoner(name="Maria Kalesnikava")
    user = django_user_model.objects.create_user("editor")

    with guarded():
        person.name = "Maryia Kalesnikava"
        services.save_record(person, user=user, seen_version=person.version)

    person.refresh_from_db()
    assert (person.name, person.version) == ("Maryia Kalesnikava", 2)


def rename_belarus(client):
    belarus = Country.objects.get(code="BY")
    return client.post(
        f"/admin/tracker/country/{belarus.pk}/change/",
        {"name": "Republic of Belarus", "code": "BY"},
    )


@pytest.mark.django_db
def test_an_admin_that_saves_past_the_services_fails_in_a_real_request(staff_client, monkeypatch):
    """The guard is on for every request: an admin form that saved the record itself (Django's
    own save_model, as before the services) is refused and writes nothing."""
    monkeypatch.setattr(ServicedAdminMixin, "save_model", admin.ModelAdmin.save_model)

    with pytest.raises(UnservicedWrite, match="tracker.Country: saved outside a service"):
        rename_belarus(staff_client)

    assert Country.objects.get(code="BY").name == "Belarus"


@pytest.mark.django_db
def test_the_same_admin_form_saves_through_the_service(staff_client):
    response = rename_belarus(staff_client)

    assert response.status_code == 302
    assert Country.objects.get(code="BY").name == "Republic of Belarus"


@pytest.mark.django_db
def test_a_prisoner_deleted_in_the_admin_goes_through_the_service(staff_client, make_prisoner):
    person = make_prisoner(name="Ihar Losik")

    response = staff_client.post(
        f"/admin/prisoners/prisoner/{person.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert not Prisoner.objects.filter(pk=person.pk).exists()
    deletion = Prisoner.history.filter(id=person.pk, history_type="-").get()
    assert deletion.history_user == staff_client.user


@pytest.fixture
def import_writing_past_the_service(monkeypatch):
    """The importer as it would be if its pass 2 wrote the records itself: the bulk service's
    body, without @service."""
    monkeypatch.setattr(services, "write_in_bulk", services.write_in_bulk.__wrapped__)


@pytest.mark.django_db
@pytest.mark.usefixtures("import_writing_past_the_service")
def test_an_import_that_writes_past_the_service_fails_in_a_real_request(editor):
    with pytest.raises(UnservicedWrite, match="saved outside a service"):
        upload(editor, SEED, restrict_new="on")

    assert not Prisoner.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("import_writing_past_the_service")
def test_an_import_that_writes_past_the_service_fails_in_the_command(tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(SEED), "utf-8")

    with pytest.raises(UnservicedWrite, match="saved outside a service"):
        call_command("import_fixture", str(path), verbosity=0)

    assert not Prisoner.objects.exists()

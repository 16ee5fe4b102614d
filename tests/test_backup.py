"""Backup and restore: a backup restored into a new database gives back every record."""

import datetime
import gzip
import json
import os
import stat
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils.dateparse import parse_datetime
from django_otp.plugins.otp_totp.models import TOTPDevice

from prisoners.models import Prisoner
from releases.models import ReleaseEvent
from tests.test_two_servers import database, manage  # noqa: F401 (a fixture)
from tracker.backup import ExactJSONEncoder
from tracker.models import Country, Source, Visibility

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def fill_the_database(django_user_model, make_prisoner, make_source):
    """Everything a backup must keep: public and restricted records, internal notes, staff,
    their roles and authenticators, audit history (of a deleted record too), lockout records."""
    call_command("loaddata", "december_2025", verbosity=0)
    editor = django_user_model.objects.create_user("eva", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    TOTPDevice.objects.create(user=editor, name="Eva's phone", confirmed=True)

    secret = make_prisoner(
        name="Confidential Case",
        slug="confidential-case",
        visibility=Visibility.RESTRICTED,
        internal_notes="Family asked us not to publish.",
        nationalities=("BY", "LT"),
    )
    secret.internal_notes += " Checked again in January."
    secret._history_user = editor
    secret.save()

    withdrawn = make_source(title="A report later withdrawn")
    withdrawn._history_user = editor
    withdrawn.delete()

    Client(REMOTE_ADDR="203.0.113.9").post(
        "/admin/login/", {"username": "eva", "password": "a wrong guess"}
    )


def backup(path):
    call_command("backup_data", str(path), verbosity=0)
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return stream.read()


def test_a_restored_backup_is_the_database_it_was_taken_from(
    tmp_path, django_user_model, make_prisoner, make_source
):
    with transaction.atomic():
        fill_the_database(django_user_model, make_prisoner, make_source)
        before = backup(tmp_path / "before.json.gz")
        transaction.set_rollback(True)
    # Now the database is as `migrate` leaves it: countries and roles, nothing else.
    assert not Prisoner.objects.exists() and not django_user_model.objects.exists()
    assert Country.objects.exists() and Group.objects.exists()

    call_command("restore_data", str(tmp_path / "before.json.gz"), verbosity=0)
    assert backup(tmp_path / "after.json.gz") == before

    secret = Prisoner.objects.get(slug="confidential-case")
    assert secret.visibility == Visibility.RESTRICTED
    assert secret.internal_notes == "Family asked us not to publish. Checked again in January."
    assert sorted(secret.nationalities.values_list("code", flat=True)) == ["BY", "LT"]
    assert ReleaseEvent.objects.filter(slug="belarus-release-2025-12-13").exists()

    eva = django_user_model.objects.get(username="eva")
    assert eva.check_password(PASSWORD)
    assert list(eva.groups.values_list("name", flat=True)) == ["Editors"]
    assert TOTPDevice.objects.get(user=eva).confirmed

    # The audit history is still attached to its records, and still says who changed what.
    history = list(secret.history.order_by("history_date"))
    assert history[0].history_type == "+"
    assert "Checked again" not in history[0].internal_notes
    assert history[-1].history_user == eva and "Checked again" in history[-1].internal_notes
    deleted = Source.history.get(title="A report later withdrawn", history_type="-")
    assert deleted.history_user == eva


def test_restore_refuses_a_database_that_holds_records(tmp_path, seed):
    call_command("backup_data", str(tmp_path / "backup.json"), verbosity=0)
    records = len(json.loads((tmp_path / "backup.json").read_text()))
    prisoners = Prisoner.objects.count()

    with pytest.raises(CommandError, match="not empty: it holds records of tracker.Source"):
        call_command("restore_data", str(tmp_path / "backup.json"), verbosity=0)
    assert Prisoner.objects.count() == prisoners
    assert records > prisoners


def test_restore_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore_data", str(tmp_path / "nothing-here.json"))


def test_a_backup_without_a_path_gets_a_dated_compressed_file(tmp_path, monkeypatch, seed):
    monkeypatch.chdir(tmp_path)
    call_command("backup_data", verbosity=0)
    (written,) = tmp_path.glob("tracker-backup-*.json.gz")
    with gzip.open(written, "rt", encoding="utf-8") as stream:
        models = {record["model"] for record in json.load(stream)}
    assert {"tracker.country", "prisoners.prisoner", "releases.releaseevent"} <= models
    assert "auth.permission" not in models and "contenttypes.contenttype" not in models
    assert not list(tmp_path.glob(".partial-*"))


def test_a_backup_keeps_times_to_the_microsecond():
    """DjangoJSONEncoder writes milliseconds: 17.000123 would come back as 17.000000."""
    moment = datetime.datetime(2026, 11, 23, 14, 56, 17, 123, tzinfo=datetime.UTC)
    written = json.loads(json.dumps({"at": moment}, cls=ExactJSONEncoder))["at"]
    assert written == "2026-11-23T14:56:17.000123Z"
    assert parse_datetime(written) == moment


@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz", "backup.json.xz"])
def test_a_backup_is_readable_by_its_owner_only(tmp_path, seed, name):
    """It holds password hashes, 2FA secrets and internal notes: 0600 from its creation, even
    where a file of that name was readable by everyone."""
    path = tmp_path / name
    path.write_text("an older copy")
    path.chmod(0o644)
    call_command("backup_data", str(path), verbosity=0)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


# Writes a person and the source about them in one transaction, again and again, until the
# file named by STOP_FILE exists: at any moment people and sources grow together.
WRITER = """
import os, pathlib
from django.db import transaction
from prisoners.models import Prisoner
from tracker.models import Source
stop, n = pathlib.Path(os.environ["STOP_FILE"]), 0
while not stop.exists():
    n += 1
    with transaction.atomic():
        source = Source.objects.create(title=f"Written during the backup {n}", slug=f"during-{n}")
        Prisoner.objects.create(name=f"Person {n}", slug=f"during-{n}").sources.add(source)
"""


@pytest.mark.own_database
def test_a_backup_is_one_moment_of_a_database_being_written(database, tmp_path):  # noqa: F811
    """While a writer adds people and their sources together, the backup holds as many new
    people as new sources: both tables as they were at one moment (PostgreSQL, as deployed)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=database,
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        STOP_FILE=str(tmp_path / "stop"),
    )
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "loaddata", "december_2025", "--verbosity", "0")

    def written():
        with psycopg.connect(database) as connection:
            return connection.execute("SELECT count(*) FROM prisoners_prisoner").fetchone()[0]

    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", WRITER], cwd=settings.BASE_DIR, env=env
    )
    try:
        deadline = time.monotonic() + 300  # a loaded machine writes slowly (a safety only)
        while written() < 4 + 200 and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        before = written()
        manage(env, "backup_data", str(tmp_path / "backup.json"))
        after = written()
    finally:
        (tmp_path / "stop").touch()
        writer.wait(30)
    assert writer.returncode == 0
    assert before >= 4 + 200 and after > before, "the writer wrote before and during the backup"

    records = json.loads((tmp_path / "backup.json").read_text())
    people = [r for r in records if r["model"] == "prisoners.prisoner"]
    sources = [r for r in records if r["model"] == "tracker.source"]
    assert before <= len(people) <= after
    assert len(people) - 4 == len(sources) - 2, "people and sources from the same moment"
    cited = {pk for person in people for pk in person["fields"]["sources"]}
    assert cited <= {source["pk"] for source in sources}, "every person's source is in it"

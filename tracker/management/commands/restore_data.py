"""Restore a `backup_data` file into a new database: all of it or, on any problem, nothing."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from tracker.backup import clear_backed_up_tables, unexpected_rows


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_data into an empty database that has been migrated "
        "(createdb, then manage.py migrate). A database that already holds records is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (.json, .json.gz, .json.bz2, .json.xz).")

    def handle(self, *args, path, verbosity, **options):
        path = Path(path).resolve()
        if not path.is_file():
            raise CommandError(f"There is no backup file at {path}.")
        with transaction.atomic():
            if occupied := unexpected_rows():
                named = ", ".join(occupied[:3]) + (" and others" if len(occupied) > 3 else "")
                raise CommandError(
                    f"This database is not empty: it holds records of {named}. Restore into a "
                    "new database: create it, run `manage.py migrate`, then `restore_data`."
                )
            clear_backed_up_tables()
            # The backup holds the audit history already. loaddata's raw saves write none, but
            # simple_history records many-to-many changes even then: turn it off meanwhile.
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(path), verbosity=verbosity)

"""Write the whole database to one file that `restore_data` loads into a new database."""

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from tracker.backup import open_backup, write_backup


class Command(BaseCommand):
    help = (
        "Back up the whole database (records of every visibility, internal notes, users, "
        "groups, authenticator devices, audit history) as a JSON fixture. It holds password "
        "hashes and confidential cases: store it encrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="File to write; .gz, .bz2 or .xz compresses it, - writes to standard output. "
            "Default: tracker-backup-<UTC date and time>.json.gz in the current directory.",
        )

    def handle(self, *args, path=None, **options):
        if path == "-":
            write_backup(sys.stdout)
            return
        path = Path(path or datetime.now(UTC).strftime("tracker-backup-%Y%m%d-%H%M%S.json.gz"))
        # Written beside the target and renamed when complete: a failed backup never leaves
        # a partial file under the name of a good one.
        partial = path.with_name(f".partial-{path.name}")
        try:
            with open_backup(partial, "w") as stream:
                count = write_backup(stream)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Backed up {count} records to {path}.")

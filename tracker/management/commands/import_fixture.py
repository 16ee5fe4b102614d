"""Import a JSON fixture the way the admin does: validated, with history, all-or-nothing.

Unlike `loaddata`, each record is checked as the admin would check it, problems are reported in
plain words naming the record, and the audit history records the import.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tracker.imports import ImportFailed, import_fixture, read_fixture

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import a JSON fixture (a tracker download or dumpdata output) in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The fixture file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )
        parser.add_argument(
            "--restrict-new",
            action="store_true",
            help="Keep new records restricted until an editor publishes them.",
        )
        parser.add_argument("--user", help="Username recorded as the author in the history.")

    def handle(self, *args, path, dry_run, restrict_new, user, verbosity, **options):
        author = None
        if user:
            try:
                author = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"There is no user “{user}”.") from None
        try:
            records = read_fixture(Path(path).read_bytes())
            report = import_fixture(
                records,
                user=author,
                dry_run=dry_run,
                restrict_new=restrict_new,
                progress=self.progress_bar if verbosity >= 1 else None,
            )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except ImportFailed as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        if verbosity >= 2:
            for record in report.records:
                changes = f" ({', '.join(record.changed_fields)})" if record.changed_fields else ""
                self.stdout.write(f"{record.action:9} {record.label} {record.key}{changes}")
        summary = (
            f"{report.count('created')} created, {report.count('changed')} changed, "
            f"{report.count('unchanged')} unchanged"
        )
        if dry_run:
            self.stdout.write(f"Dry run, nothing saved: would import {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path}: {summary}."))

    def progress_bar(self, done, total):
        """A one-line bar on stderr, redrawn about every 1% of the records."""
        if done != total and done % max(total // 100, 1):
            return
        filled = BAR_WIDTH * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

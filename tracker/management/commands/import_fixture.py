"""Import a JSON fixture the way the admin does: validated, with history, all-or-nothing.

Unlike `loaddata`, each record is checked as the admin would check it, problems are reported in
plain words naming the record, and the audit history records the import. The defaults and
checks are the admin's: new records stay restricted, records already here keep their
visibility, a list of links adds to the stored one, a record changed here after the file's
version of it stops the import until the editor chooses a version, and a file that changes
public records imports only with --publish-changes; a flag says otherwise for each.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tracker.imports import ImportFailed, import_fixture, read_fixture
from tracker.write_path import guarded

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import a JSON fixture (a tracker download or dumpdata output) in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The fixture file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )
        parser.add_argument(
            "--publish-new",
            action="store_true",
            help="New records get the file's visibility (default: restricted until an editor "
            "publishes them).",
        )
        parser.add_argument(
            "--apply-visibility",
            action="store_true",
            help="Records already here get the file's visibility (default: they keep theirs).",
        )
        parser.add_argument(
            "--overwrite-newer",
            action="store_true",
            help="Records changed here after the file's version of them take the file's "
            "version (default: they are kept as they are here, and listed).",
        )
        parser.add_argument(
            "--take-file",
            action="append",
            default=[],
            metavar="TAG",
            help='A record changed here since the file (its tag, "label key", as listed) takes '
            "the file's version. Repeat for each.",
        )
        parser.add_argument(
            "--keep-stored",
            action="append",
            default=[],
            metavar="TAG",
            help="A record changed here since the file stays as it is here. Repeat for each. "
            "Without a choice for every such record, nothing is imported.",
        )
        parser.add_argument(
            "--replace-links",
            action="store_true",
            help="A list of links (sources, nationalities) replaces the stored one (default: it "
            "adds to it).",
        )
        parser.add_argument(
            "--publish-changes",
            action="store_true",
            help="Agree that changes to records already public go public at once (without it, "
            "a file that changes public records imports nothing and names them).",
        )
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="New records with the identity of a stored one (a measure's issuer and "
            "identifier, an entity's name and country, a source's address) are other records: "
            "create them (without it, nothing is imported and both are named).",
        )
        parser.add_argument("--user", help="Username recorded as the author in the history.")

    def handle(self, *args, path, dry_run, user, verbosity, **options):
        author = None
        if user:
            try:
                author = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"There is no user “{user}”.") from None
        self.bar_open = False
        try:
            records = read_fixture(Path(path))
            with guarded():  # as in a request: only the services write
                report = import_fixture(
                    records,
                    user=author,
                    dry_run=dry_run,
                    restrict_new=not options["publish_new"],
                    apply_visibility=options["apply_visibility"],
                    overwrite_newer=options["overwrite_newer"],
                    take_file_version=options["take_file"],
                    keep_stored=options["keep_stored"],
                    replace_links=options["replace_links"],
                    publish_changes=options["publish_changes"],
                    allow_duplicates=options["allow_duplicates"],
                    check_duplicates=True,
                    progress=self.progress_bar if verbosity >= 1 else None,
                )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except ImportFailed as error:
            self.end_bar()
            raise CommandError(f"{error} Nothing was changed.") from None
        if verbosity >= 2:
            for record in report.records:
                changes = f" ({', '.join(record.changed_fields)})" if record.changed_fields else ""
                self.stdout.write(f"{record.action:9} {record.label} {record.key}{changes}")
                for name, here, written, added, removed in record.changes:
                    links = "".join(
                        f"; {what} {rows}"
                        for what, rows in (("adds", added), ("removes", removed))
                        if rows
                    )
                    self.stdout.write(f"    {name}: {here!r} -> {written!r}{links}")
        if verbosity >= 1:
            self.warn(report)
        summary = (
            f"{report.count('created')} created, {report.count('changed')} changed, "
            f"{report.count('unchanged')} unchanged, {report.count('kept')} kept as they are here"
        )
        if dry_run:
            self.stdout.write(f"Dry run, nothing saved: would import {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path}: {summary}."))

    def warn(self, report):
        """What the editor should know: conflicts, visibilities kept, possible duplicates."""
        for record in report.conflicts:
            verdict = {
                "file": "takes the file's version",
                "stored": "kept as it is here",
                None: "choose --take-file or --keep-stored",
            }[record.conflict.choice]
            self.stdout.write(
                self.style.WARNING(f"Changed here since the file: {record.tag} ({verdict})")
            )
            for name, here, there in record.conflict.fields:
                self.stdout.write(f"    {name}: here {here!r}, in the file {there!r}")
        for record in report.kept_visibility:
            here, there = record.kept_visibility
            self.stdout.write(
                f"Keeps its visibility: {record.tag} stays {here} (the file says {there}; "
                "--apply-visibility applies the file's)"
            )
        for record in report.public_changes:
            self.stdout.write(
                self.style.WARNING(
                    f"Public here, changed at once: {record.tag} "
                    f"({', '.join(record.changed_fields)}; --publish-changes agrees)"
                )
            )
        for key, name, matches in report.possible_duplicates:
            people = ", ".join(f"{person.name} ({person.slug})" for person in matches)
            self.stdout.write(
                self.style.WARNING(f"Possible duplicate: {name} ({key}) may be {people}")
            )
        for tag, name, matches in report.same_records:
            stored = ", ".join(f"{record} ({record.slug})" for record in matches)
            self.stdout.write(
                self.style.WARNING(
                    f"Same record as one stored: {tag} ({name}) is {stored} "
                    "(--allow-duplicates creates it)"
                )
            )
        if report.unchecked_duplicates:
            self.stdout.write(f"{report.unchecked_duplicates} more new people were not checked.")

    def progress_bar(self, done, total):
        """A one-line bar on stderr, redrawn about every 1% of the records."""
        if done != total and done % max(total // 100, 1):
            return
        filled = BAR_WIDTH * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}")
        self.bar_open = done != total
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def end_bar(self):
        """End the bar's line, so that an error is printed on a line of its own."""
        if self.bar_open:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.bar_open = False

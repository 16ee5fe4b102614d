"""Importing a JSON fixture (the format the site downloads) all-or-nothing, with a preview.

Unlike `loaddata`, every record is validated as the admin would validate it, the audit history
records who imported it, and any problem is reported in plain words naming the record; nothing
is changed unless the whole file is good.

Records refer to one another by natural key, so a record must come after the records it refers
to, or they must already be in the database: `dumpdata` and the site's downloads write them in
that order. Like `tracker.exports.fixture`, this module works from model metadata and imports
no app.

It runs in two passes, so that a file of 100,000 people takes a few queries per model rather
than a dozen per record (as `loaddata` does):
1. Read: each record in turn is checked, its references resolved through a dictionary of the
   natural keys seen so far (the database is asked once per key it holds), validated in Python
   (`full_clean`, without the checks that need the database) and compared with the stored
   record. This is where nearly every problem is found, and it is the preview.
2. Write: the records are read again (pass 1 keeps only each record's key, so that memory
   does not grow with the file) and handed, a batch of about BATCH_SIZE at a time, to the
   service that writes many records (`tracker.services.write_in_bulk`): model by model,
   parents first, new records inserted and changed ones updated in bulk, with their
   many-to-many links and their history (one entry each, by the importing user, with the
   reason "import"). The database enforces uniqueness and the other constraints; if it refuses
   a batch, its records are written one at a time to find the first one refused, and Django's
   validation says why in the usual words. The rules across stored records and the source a
   published record cites are checked after the last batch.
`pre_save` receivers run as for `save()` (they keep derived fields current); `post_save` and
`m2m_changed` do not: the service writes the history, and cached figures are refreshed once.

An import never publishes, restricts or reverts without the editor saying so:
- a stored record keeps its visibility whatever the file says (every download says "public"),
  unless `apply_visibility`; new records are restricted unless `restrict_new` is off;
- a stored record changed here after the file's own `updated_at` for it is a conflict, unless
  nothing changed it since an import wrote it (its latest history entry is an import's); the
  import applies nothing until the editor chooses, per conflict, the stored or the file's
  version;
- a many-to-many list adds to the stored links unless the editor chooses to replace them;
- a change to a record that is already public is public at once: the import applies only if
  the editor agreed to the list of those records the preview showed;
- the preview's fingerprint (what it read of each stored record, and the keys it would create)
  is checked again on confirmation, so that a confirmation applies exactly what was previewed.
Fields the site sets (`SITE_FIELDS`) are never taken from a file. A model with a `version`
field (a lost-update counter) gets version 1 for a new record and the stored version + 1 for
an updated one; the import itself never compares it.
"""

from collections import defaultdict

from django.db import transaction

from tracker.imports.match import ReadPass
from tracker.imports.read import check_size, read_fixture, upgraded
from tracker.imports.report import (
    ImportFailed,
    ImportReport,
    PreviewOutdated,
    check_decided,
    check_fingerprint,
)
from tracker.imports.write import WritePass
from tracker.records import record_kinds

__all__ = [
    "ImportFailed",
    "ImportReport",
    "PreviewOutdated",
    "check_size",
    "import_fixture",
    "importable_models",
    "read_fixture",
]


def importable_models():
    """{label: model} of the records a fixture may hold: every declared kind."""
    return {kind.label: kind.model for kind in record_kinds()}


class _Import(ReadPass, WritePass):
    def __init__(
        self,
        *,
        user,
        restrict_new,
        apply_visibility=False,
        take_file_version=(),
        keep_stored=(),
        overwrite_newer=False,
        check_duplicates=False,
        replace_links=False,
    ):
        self.models = importable_models()
        self.user, self.restrict_new = user, restrict_new
        self.apply_visibility, self.overwrite_newer = apply_visibility, overwrite_newer
        self.take_file_version, self.keep_stored = set(take_file_version), set(keep_stored)
        self.replace_links = replace_links
        self.check_duplicates = check_duplicates
        self.report = ImportReport()
        # Pass 1 keeps, per record, only its key and where it is in the file; pass 2 reads the
        # file again and writes it in batches, so memory does not grow with its records.
        self.writing = False
        self.keys = defaultdict(dict)  # model -> {natural key: _Reference}
        self.seen = defaultdict(dict)  # pass 1: model -> {natural key: where it is in the file}
        self.pending = defaultdict(dict)  # pass 2: model -> {natural key: _Pending}, a batch
        self.stored = {}  # model -> whether its table held records before the import
        # New records that may duplicate stored ones: (key, instance) of the first
        # MAX_DUPLICATE_CHECKS, and how many there are.
        self.new_people, self.new_people_count = [], 0


def import_fixture(
    records,
    *,
    user=None,
    dry_run=False,
    restrict_new=True,
    apply_visibility=False,
    take_file_version=(),
    keep_stored=(),
    overwrite_newer=False,
    replace_links=False,
    publish_changes=False,
    allow_duplicates=False,
    expected_fingerprint=None,
    check_duplicates=False,
    progress=None,
):
    """Import fixture records in one transaction; with `dry_run`, report and roll back.

    It writes nothing itself: pass 2 hands the records to `tracker.services.write_in_bulk`, so
    that a write of its own would be refused in a request, as anywhere (tracker.write_path).

    `restrict_new` keeps new records restricted until an editor publishes them;
    `apply_visibility` gives stored records the file's visibility (otherwise they keep theirs).
    A stored record changed here after the file's version of it (a conflict) is written as the
    file has it if its tag ("label key") is in `take_file_version` (or `overwrite_newer`), kept
    as it is here if in `keep_stored`; a conflict left undecided stops the import (a dry run
    reports it).
    `replace_links`: a many-to-many list replaces the stored links; by default it adds to them.
    `publish_changes`: True, or the tags of the public records the editor agreed to change (they
    are public at once); a change to any other public record stops the import.
    `expected_fingerprint`: the preview's `report.fingerprint`; if the database no longer reads
    the same, PreviewOutdated is raised and nothing is changed.
    `check_duplicates` lists the new people who may be stored people under another spelling,
    and the new records with the identity of a stored one (a measure's issuer and identifier):
    those stop the import unless `allow_duplicates`.
    `progress(done, total)` is called after each record is read.
    """
    job = _Import(
        user=user,
        restrict_new=restrict_new,
        apply_visibility=apply_visibility,
        take_file_version=take_file_version,
        keep_stored=keep_stored,
        overwrite_newer=overwrite_newer,
        check_duplicates=check_duplicates,
        replace_links=replace_links,
    )
    with transaction.atomic():
        for index, record in enumerate(records, start=1):
            for current in upgraded(record):
                job.report.records.append(job.read(index, current))
            if progress:
                progress(index, len(records))
        if expected_fingerprint is not None:
            check_fingerprint(expected_fingerprint, job.report.fingerprint)
        job.find_possible_duplicates()
        if not dry_run:
            check_decided(job.report, publish_changes, allow_duplicates)
        job.write(records)
        if dry_run:
            transaction.set_rollback(True)
    return job.report

"""Pass 2 of an import: the records read again, a batch at a time, and handed to the service
that writes them (tracker.services.write_in_bulk)."""

from collections import defaultdict

from django.core.exceptions import ValidationError

from tracker import services
from tracker.imports.match import IMPORT_REASON
from tracker.imports.read import upgraded
from tracker.imports.report import ImportFailed

# Records read before they are written: memory and statements stay flat however large the file.
BATCH_SIZE = 1000


class WritePass:
    """Pass 2 of an `_Import`: write what pass 1 found good."""

    def write(self, records):
        """Read the records again (pass 1 found them good) and have them written a batch at a
        time: a record refers only to records before it in the file, written by then, or
        stored."""
        self.writing = True
        self.seen.clear()
        self.keys.clear()  # records new to the database get their keys again, with their pks
        try:
            services.write_in_bulk(self.batches(records), user=self.user, reason=IMPORT_REASON)
        except ValidationError as error:
            raise ImportFailed(" ".join(error.messages)) from None

    def batches(self, records):
        """{model: [rows to write]}, about BATCH_SIZE records read at a time; the next batch is
        read once the service has written this one."""
        for index, record in enumerate(records, start=1):
            for current in upgraded(record):
                self.read(index, current)
            if sum(len(batch) for batch in self.pending.values()) >= BATCH_SIZE:
                yield self.take_pending()
        yield self.take_pending()

    def take_pending(self):
        """The records read since the last batch that change something (pass 1's `_Pending`
        rows, tracker.services.BulkRow)."""
        batch = {
            model: [pending for pending in by_key.values() if pending.needs_writing]
            for model, by_key in self.pending.items()
        }
        self.pending = defaultdict(dict)
        return batch

"""Downloads of earlier versions of the tracker, in today's format, for the importer
(tracker.imports); records.py declares which upgrade applies to which model.

Before counts named who counted (migration 0006), a count had a free-text `note`; the migration
made it `counted_by`, and so does an import of such a download.
"""


def upgrade_count(fields):
    if "note" not in fields or "counted_by" in fields:
        return None
    fields["counted_by"] = fields.pop("note")
    return [{"model": "prisoners.prisonercount", "fields": fields}]

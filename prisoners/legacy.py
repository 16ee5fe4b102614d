"""Downloads of earlier versions of the tracker, in today's format (tracker.imports).

Before counts named who counted (migration 0006), a count had a free-text `note`; the migration
made it `counted_by`, and so does an import of such a download.
"""

from tracker.imports import FORMAT_UPGRADES


def upgrade_count(fields):
    if "note" not in fields or "counted_by" in fields:
        return None
    fields["counted_by"] = fields.pop("note")
    return [{"model": "prisoners.prisonercount", "fields": fields}]


FORMAT_UPGRADES["prisoners.prisonercount"] = upgrade_count

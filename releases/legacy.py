"""Downloads of earlier versions of the tracker, in today's format, for the importer
(tracker.imports); records.py declares which upgrade applies to which model.

A colleague's copy that has not been upgraded still writes them; each becomes what the
migrations make of the same data in a database:
- before release events held their facts as records (0006, 0007), an event had an
  `intermediary` text and lists of `reported_nationalities` and `destinations`, and a person
  freed a plain list of `sources`: they become an envoy, nationality reports attributed to the
  event's first source, route legs from the releasing country citing the event's sources, and
  supporting sources; people freed recorded then were recorded as freed: "confirmed";
- before the sanctions ledger (0009, 0010), a concession belonged to one `event` and held its
  value: it gets a slug from its target, its event becomes a link with basis "reported", its
  value a figure, its `instrument` is its identifier, and "target stays listed" the inverse of
  "delists".
"""

from anyascii import anyascii
from django.utils.text import slugify

from releases.models import ParticipantRole, ReleaseStatus, Stance

CARRIED_OVER = (
    "Carried over from an earlier version's nationality list; check which source reports it."
)
EVENT_FIELDS = ("intermediary", "reported_nationalities", "destinations")


def _keys(value):
    return value if isinstance(value, list) else []


def upgrade_event(fields):
    if not any(name in fields for name in EVENT_FIELDS):
        return None
    intermediary = fields.pop("intermediary", "")
    nationalities = _keys(fields.pop("reported_nationalities", []))
    destinations = _keys(fields.pop("destinations", []))
    event, sources = [fields.get("slug")], _keys(fields.get("sources"))
    shared = {"event": event, "visibility": fields.get("visibility", "restricted")}
    records = [{"model": "releases.releaseevent", "fields": fields}]
    if isinstance(intermediary, str) and intermediary.strip():
        records.append(
            {
                "model": "releases.participant",
                "fields": {
                    "name": intermediary.strip()[:200],
                    "role": ParticipantRole.ENVOY,
                    "sources": sources,
                    **shared,
                },
            }
        )
    if sources:
        records += [
            {
                "model": "releases.reportednationality",
                "fields": {
                    "country": country,
                    "source": sources[0],
                    "quote": CARRIED_OVER,
                    **shared,
                },
            }
            for country in nationalities
        ]
    records += [
        {
            "model": "releases.routeleg",
            "fields": {
                "position": position,
                "from_country": fields.get("releasing_country"),
                "to_country": country,
                "sources": sources,
                **shared,
            },
        }
        for position, country in enumerate(destinations, start=1)
    ]
    return records


def upgrade_release(fields):
    if "status" in fields or "sources" not in fields:
        return None
    sources = _keys(fields.pop("sources"))
    fields["status"] = ReleaseStatus.CONFIRMED
    release = [*_keys(fields.get("event")), *_keys(fields.get("prisoner"))]
    return [
        {"model": "releases.release", "fields": fields},
        *(
            {
                "model": "releases.releasesource",
                "fields": {"release": release, "source": source, "stance": Stance.SUPPORTS},
            }
            for source in sources
        ),
    ]


CONCESSION_DATES = ("announced_on", "issued_on", "expires_on")
VALUE_FIELDS = ("value_min_usd", "value_max_usd", "value_note")


def upgrade_concession(fields):
    if "event" not in fields or "slug" in fields:
        return None
    event = fields.pop("event")
    values = {name: fields.pop(name, None) for name in VALUE_FIELDS}
    target = fields.get("target")
    slug = slugify(anyascii(target if isinstance(target, str) else ""))[:190].strip("-")
    fields["slug"] = slug or "measure"
    if "instrument" in fields:
        fields["identifier"] = fields.pop("instrument")
    for name in CONCESSION_DATES:
        if fields.get(name) is None:
            fields[f"{name}_precision"] = "unknown"
    remains_listed = fields.pop("target_remains_listed", None)
    if isinstance(remains_listed, bool):
        fields["delists"] = not remains_listed
    shared = {
        "concession": [fields["slug"]],
        "visibility": fields.get("visibility", "restricted"),
        "sources": _keys(fields.get("sources")),
    }
    records = [
        {"model": "releases.sanctionsconcession", "fields": fields},
        {
            "model": "releases.concessionlink",
            "fields": {"event": event, "basis": "reported", **shared},
        },
    ]
    if values["value_min_usd"] is not None or values["value_max_usd"] is not None:
        records.append(
            {
                "model": "releases.concessionfigure",
                "fields": {
                    "slug": "value",
                    "measure": values["value_note"] or "Estimated annual value",
                    "low": values["value_min_usd"],
                    "high": values["value_max_usd"],
                    "currency": "USD",
                    "period": "a year",
                    **shared,
                },
            }
        )
    return records

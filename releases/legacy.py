"""Downloads of earlier versions of the tracker, in today's format (tracker.imports).

Before release events held their facts as records (migration 0006), an event had an
`intermediary` text and lists of `reported_nationalities` and `destinations`, and a person freed
a plain list of `sources`. A colleague's copy that has not been upgraded still writes them;
they become what migration 0007 makes of the same data in a database: an envoy, nationality
reports attributed to the event's first source, route legs from the releasing country citing
the event's sources, and supporting sources. People freed recorded then were recorded as freed:
"confirmed".
"""

from releases.models import ParticipantRole, ReleaseStatus, Stance
from tracker.imports import FORMAT_UPGRADES

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


FORMAT_UPGRADES["releases.releaseevent"] = upgrade_event
FORMAT_UPGRADES["releases.release"] = upgrade_release

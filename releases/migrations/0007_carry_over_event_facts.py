"""Carry the event facts of the old fields over into their own records, nothing dropped.

- Each nationality of the event's list becomes a report of that nationality, with no number,
  attributed to the event's first source (the list had no source of its own; the quote says
  so). An event with nationalities and no source keeps them in its internal notes.
- Each destination becomes a route leg from the releasing country, citing the event's sources.
- The intermediary text becomes an envoy among the participants, citing the event's sources.
- Each carried-over record has the visibility of its event, so public pages show what they
  showed. People freed recorded before statuses existed were recorded as freed: "confirmed".
"""

from django.db import migrations

CARRIED_OVER = "Carried over from the event's earlier list; check which source reports it."


def carry_over(apps, schema_editor):
    ReleaseEvent = apps.get_model("releases", "ReleaseEvent")
    ReportedNationality = apps.get_model("releases", "ReportedNationality")
    RouteLeg = apps.get_model("releases", "RouteLeg")
    Participant = apps.get_model("releases", "Participant")
    Release = apps.get_model("releases", "Release")
    events = ReleaseEvent.objects.prefetch_related(
        "sources", "reported_nationalities", "destinations"
    ).order_by("pk")
    for event in events:
        sources = sorted(event.sources.all(), key=lambda source: source.pk)
        shared = {"event": event, "visibility": event.visibility}
        nationalities = sorted(event.reported_nationalities.all(), key=lambda c: c.name)
        if nationalities and sources:
            ReportedNationality.objects.bulk_create(
                ReportedNationality(country=country, source=sources[0], quote=CARRIED_OVER, **shared)
                for country in nationalities
            )
        elif nationalities:
            names = ", ".join(country.name for country in nationalities)
            note = f"Nationalities reported among the freed (no source was recorded): {names}."
            event.internal_notes = "\n\n".join(filter(None, [event.internal_notes, note]))
            event.save(update_fields=["internal_notes"])
        destinations = sorted(event.destinations.all(), key=lambda c: c.name)
        for position, country in enumerate(destinations, start=1):
            leg = RouteLeg.objects.create(
                position=position,
                from_country_id=event.releasing_country_id,
                to_country=country,
                note=CARRIED_OVER,
                **shared,
            )
            leg.sources.set(sources)
        if event.intermediary.strip():
            participant = Participant.objects.create(
                name=event.intermediary.strip()[:200], role="envoy", **shared
            )
            participant.sources.set(sources)
    Release.objects.update(status="confirmed")


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0006_event_facts_release_status"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
    ]

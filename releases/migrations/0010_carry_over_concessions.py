"""Carry each concession over to the ledger's records, losing nothing.

- its slug is made from its target ("belarusian-potash-sector-belaruskali", "-2" for a second);
- its release event becomes a link with basis "reported" (the old model tied every concession
  to one release without saying on what ground), with the concession's visibility and sources;
- its value fields become a figure whose "what is measured" is the old `value_note` (or the
  old fields' label), in US dollars a year, with the concession's visibility and sources;
- "target stays on the sanctions list" becomes its inverse, "delists";
- a blank announcement, issue or expiry date becomes "unknown"; a given one is to the day.

The concession's history keeps every field that survives (the instrument is now the
identifier, renamed in place); the history of each row gets the slug too.
"""

from anyascii import anyascii
from django.db import migrations
from django.utils import timezone
from django.utils.text import slugify

DATES = ("announced_on", "issued_on", "expires_on")


def _history(model_history, record):
    values = {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}
    model_history.objects.create(
        **values, history_date=timezone.now(), history_type="+", history_change_reason=None
    )


def carry_over(apps, schema_editor):
    Concession = apps.get_model("releases", "SanctionsConcession")
    HistoricalConcession = apps.get_model("releases", "HistoricalSanctionsConcession")
    Link = apps.get_model("releases", "ConcessionLink")
    HistoricalLink = apps.get_model("releases", "HistoricalConcessionLink")
    Figure = apps.get_model("releases", "ConcessionFigure")
    HistoricalFigure = apps.get_model("releases", "HistoricalConcessionFigure")
    taken = set()
    for concession in Concession.objects.order_by("pk"):
        base = slugify(anyascii(concession.target))[:190].strip("-") or "measure"
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        concession.slug = slug
        for name in DATES:
            if getattr(concession, name) is None:
                setattr(concession, f"{name}_precision", "unknown")
        if concession.target_remains_listed is not None:
            concession.delists = not concession.target_remains_listed
        concession.save()
        for entry in HistoricalConcession.objects.filter(id=concession.pk):
            entry.slug = slug
            for name in DATES:
                if getattr(entry, name) is None:
                    setattr(entry, f"{name}_precision", "unknown")
            if entry.target_remains_listed is not None:
                entry.delists = not entry.target_remains_listed
            entry.save()
        sources = list(concession.sources.all())

        link = Link.objects.create(
            concession=concession,
            event_id=concession.event_id,
            basis="reported",
            visibility=concession.visibility,
        )
        link.sources.set(sources)
        _history(HistoricalLink, link)

        if concession.value_min_usd is not None or concession.value_max_usd is not None:
            figure = Figure.objects.create(
                concession=concession,
                slug="value",
                measure=concession.value_note or "Estimated annual value",
                low=concession.value_min_usd,
                high=concession.value_max_usd,
                currency="USD",
                period="a year",
                visibility=concession.visibility,
            )
            figure.sources.set(sources)
            _history(HistoricalFigure, figure)

    # The history of concessions deleted before: a slug from the target they had.
    for entry in HistoricalConcession.objects.filter(slug__isnull=True):
        entry.slug = slugify(anyascii(entry.target))[:190].strip("-") or "measure"
        for name in DATES:
            if getattr(entry, name) is None:
                setattr(entry, f"{name}_precision", "unknown")
        entry.save()


def carry_back(apps, schema_editor):
    """The links and figures go back into the concession's own fields (the first link and
    figure of each); links to further releases and further figures cannot be."""
    Concession = apps.get_model("releases", "SanctionsConcession")
    for concession in Concession.objects.all():
        link = concession.links.order_by("pk").first()
        if link is None:
            raise RuntimeError(
                f"Measure “{concession.slug}” follows no release: the old model cannot hold it."
            )
        concession.event_id = link.event_id
        figure = concession.figures.filter(currency__in=["USD", ""]).order_by("pk").first()
        if figure is not None:
            concession.value_min_usd = figure.low
            concession.value_max_usd = figure.high
            concession.value_note = figure.measure
        if concession.delists is not None:
            concession.target_remains_listed = not concession.delists
        concession.save()


class Migration(migrations.Migration):
    dependencies = [("releases", "0009_ledger_schema")]

    operations = [migrations.RunPython(carry_over, carry_back)]

"""CSV columns of the release and concession downloads (the JSON fixture is generic)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from prisoners.models import PrisonerCount
from tracker import dates
from tracker.exports.csv import SitePath, codes_cell, sources_cell


def names(countries):
    return "; ".join(country.name for country in countries.all())


def joined(records, describe):
    return "; ".join(describe(record) for record in records.all())


def nationality_report(report):
    """ "LT 6 (source title)": a report of one source."""
    return f"{report.country.code} {report.count_display} ({report.source.title})"


def participant(record):
    country = f", {record.country.code}" if record.country_id else ""
    return f"{record.name} ({record.get_role_display().lower()}{country})"


def route_leg(leg):
    via = f" via {leg.via_country.code}" if leg.via_country_id else ""
    return f"{leg.from_country.code} → {leg.to_country.code}{via}: {leg.count_display}"


EVENT_COLUMNS = [
    (_("date"), lambda event: dates.iso(event.date, event.date_precision)),
    (_("date precision"), lambda event: event.date_precision),
    (_("title"), lambda event: event.title),
    (_("releasing country"), lambda event: event.releasing_country.name),
    (_("releasing country code"), lambda event: event.releasing_country.code),
    (_("counterparts"), lambda event: names(event.counterparts)),
    (_("counterpart codes"), lambda event: codes_cell(event.counterparts)),
    (_("participants"), lambda event: joined(event.participants, participant)),
    (_("reported freed"), lambda event: event.reported_count),
    (_("documented freed"), lambda event: event.documented),
    (_("disputed"), lambda event: event.disputed),
    (
        _("nationalities reported"),
        lambda event: joined(event.nationality_reports, nationality_report),
    ),
    (_("route"), lambda event: joined(event.route_legs, route_leg)),
    (_("concessions"), lambda event: event.concession_count),
    (_("sources"), lambda event: sources_cell(event.sources)),
    (_("page"), lambda event: SitePath(event.get_absolute_url())),
]


def _yes_no(value):
    """A scope flag: "yes", "no", or "" when not reported."""
    return "" if value is None else ("yes" if value else "no")


def _expires(concession):
    """ "none" (the measure has no expiry), the date at its precision, or "" when unknown."""
    if concession.no_expiry:
        return "none"
    return dates.iso(concession.expires_on, concession.expires_on_precision)


def _link(link):
    """ "2025-12-13 belarus-release-2025-12-13 (reported)"."""
    return (
        f"{dates.iso(link.event.date, link.event.date_precision)} {link.event.slug} ({link.basis})"
    )


# Measures with ConcessionQuerySet.with_date().with_relations(): public entities and links.
CONCESSION_COLUMNS = [
    (_("slug"), lambda concession: concession.slug),
    (_("date"), lambda concession: concession.date),
    (_("sanctioning state"), lambda concession: concession.imposed_by.name),
    (_("sanctioning state code"), lambda concession: concession.imposed_by.code),
    (_("authority"), lambda concession: concession.authority),
    (_("identifier"), lambda concession: concession.identifier),
    (_("official title"), lambda concession: concession.title),
    (_("programme"), lambda concession: concession.programme),
    (_("kind"), lambda concession: concession.kind),
    (_("what it covers"), lambda concession: concession.target),
    (
        _("target country code"),
        lambda concession: concession.target_country.code if concession.target_country else "",
    ),
    (_("entities"), lambda concession: joined(concession.entities, lambda entity: entity.name)),
    (
        _("announced on"),
        lambda c: dates.iso(c.announced_on, c.announced_on_precision),
    ),
    (_("issued on"), lambda c: dates.iso(c.issued_on, c.issued_on_precision)),
    (_("expires on (none: no expiry; blank: unknown)"), _expires),
    (_("delists"), lambda concession: _yes_no(concession.delists)),
    (_("unblocks property"), lambda concession: _yes_no(concession.unblocks_property)),
    (_("covers owned entities"), lambda concession: _yes_no(concession.covers_owned_entities)),
    (_("conditions"), lambda concession: concession.conditions),
    (_("releases linked (basis)"), lambda concession: joined(concession.links, _link)),
    (_("sources"), lambda concession: sources_cell(concession.sources)),
    (_("page"), lambda concession: SitePath(concession.get_absolute_url())),
]

ENTITY_COLUMNS = [
    (_("slug"), lambda entity: entity.slug),
    (_("name"), lambda entity: entity.name),
    (_("kind"), lambda entity: entity.kind),
    (_("country code"), lambda entity: entity.country.code if entity.country else ""),
    (_("list identifiers"), lambda entity: entity.list_identifiers),
    (
        _("designated by"),
        lambda entity: entity.designated_by.code if entity.designated_by else "",
    ),
    (
        _("designated on"),
        lambda entity: dates.iso(entity.designated_on, entity.designated_on_precision),
    ),
    (_("programme"), lambda entity: entity.programme),
    (_("measures covering it"), lambda entity: entity.measure_count),
    (_("sources"), lambda entity: sources_cell(entity.sources)),
    (_("page"), lambda entity: SitePath(entity.get_absolute_url())),
]

COUNTRY_COLUMNS = [
    (_("code"), lambda country: country.code),
    (_("country"), lambda country: country.name),
    (_("releases made"), lambda country: country.releases_made_count),
    (_("people reported freed by it"), lambda country: country.people_reported_freed),
    (_("releases negotiated"), lambda country: country.releases_negotiated_count),
    (_("nationals freed, documented"), lambda country: country.nationals_documented),
    (
        _("releases with nationals reported among the freed"),
        lambda country: country.releases_with_nationals_reported,
    ),
    (_("releases whose freed it received"), lambda country: country.releases_received_count),
    (_("releases it was a transit for"), lambda country: country.releases_transit_count),
    (_("measures imposed"), lambda country: country.concessions_made_count),
    (_("measures received"), lambda country: country.concessions_received_count),
    (_("latest political-prisoner count"), lambda country: _latest(country, "count")),
    # exact, at_least ("more than 1,100") or about
    (_("count qualifier"), lambda country: _latest(country, "qualifier")),
    (_("count as of"), lambda country: _latest(country, "as_of_iso")),
    (_("counted by"), lambda country: _latest(country, "counted_by")),
    (_("count sources"), lambda country: _latest(country, "sources")),
    (_("page"), lambda country: SitePath(country.get_absolute_url())),
]


# The country downloads' CSV reads each country's counts, latest first, with their sources.
COUNTRY_CSV_PREFETCH = [
    Prefetch(
        "prisoner_counts",
        queryset=PrisonerCount.objects.order_by("-as_of", "counted_by", "pk").prefetch_related(
            "sources"
        ),
        to_attr="counts_latest_first",
    )
]


def _latest(country, name):
    """A value of the country's latest count (COUNTRY_CSV_PREFETCH), blank if it has none."""
    if not country.counts_latest_first:
        return ""
    count = country.counts_latest_first[0]
    return sources_cell(count.sources) if name == "sources" else getattr(count, name)

"""What the tracker records about each country, counted in one pass over each table.

The countries listing and a country's page show, for each country, how many releases it made,
negotiated, received, let through; how many of its nationals are documented among the freed;
the sanctions it imposed or received; its latest political-prisoner count. Asked country by
country (a correlated subquery a figure and a country), these took seconds at 100,000 people;
here each table is read once, grouped by country, in a fixed number of queries (nine), and the
small tables (route legs, measures, counts) are combined in Python.

Every figure counts public records only, through public relations (Release.objects.public(),
the facts' public() querysets): a restricted record never counts. A country's roles in a release
are those of `ReleaseEvent.objects.involving()` (releases.models.CountryRole): figures_of() asks
it; country_figures() reads the same rules table by table (tests/test_country_figures.py holds
the two to the same figures).
"""

from collections import defaultdict

from django.db.models import Count, Q, Subquery, Sum

from prisoners.models import Prisoner, PrisonerCount
from releases.models import (
    CountryRole,
    Participant,
    Release,
    ReleaseEvent,
    ReportedNationality,
    RouteLeg,
    SanctionsConcession,
)
from tracker.models import Country, SubqueryCount

FIGURES = [
    "releases_made_count",
    "people_reported_freed",
    "releases_negotiated_count",
    "nationals_documented",
    "releases_with_nationals_reported",
    "releases_received_count",
    "releases_transit_count",
    "concessions_made_count",
    "concessions_received_count",
    "latest_count",
    "latest_count_on",
    "latest_count_qualifier",
    "latest_count_on_precision",
]
ZERO_UNLESS_FOUND = {
    "releases_made_count",
    "releases_negotiated_count",
    "nationals_documented",
    "releases_with_nationals_reported",
    "releases_received_count",
    "releases_transit_count",
    "concessions_made_count",
    "concessions_received_count",
}


def freed_nationality_links():
    """Links of people to their nationalities, for the people with a public release (a release
    is public only if its person is): one per person and country. The releases are read once,
    into a hash, for every country the query asks about."""
    return Prisoner.nationalities.through.objects.filter(
        prisoner__in=Release.objects.public().documented().values("prisoner")
    )


def country_figures():
    """{country id: {figure: value}} for every country a public record involves, in any role.
    A country that no public record involves is absent."""
    figures = defaultdict(dict)
    involved = set()
    events = ReleaseEvent.objects.public().order_by()

    made = events.values("releasing_country")
    for row in made.annotate(n=Count("pk"), reported=Sum("reported_count")):
        country = row["releasing_country"]
        figures[country].update(releases_made_count=row["n"], people_reported_freed=row["reported"])
        involved.add(country)

    counterparts = ReleaseEvent.counterparts.through.objects.filter(
        releaseevent__in=events.values("pk")
    ).order_by()
    counterparts = counterparts.values("country")
    for row in counterparts.annotate(n=Count("releaseevent", distinct=True)):
        figures[row["country"]]["releases_negotiated_count"] = row["n"]
        involved.add(row["country"])

    # A person counts once for each nationality, however many releases freed them.
    links = freed_nationality_links().order_by()
    for row in links.values("country").annotate(n=Count("pk")):
        figures[row["country"]]["nationals_documented"] = row["n"]
        involved.add(row["country"])

    reports = ReportedNationality.objects.public().order_by()
    for row in reports.values("country").annotate(n=Count("event", distinct=True)):
        figures[row["country"]]["releases_with_nationals_reported"] = row["n"]
        involved.add(row["country"])

    # Events whose freed a country received, or let through: public route legs (a few per
    # event) and public people freed with a destination or a transit country.
    received, transit = defaultdict(set), defaultdict(set)
    legs = RouteLeg.objects.public().values_list(
        "event", "from_country", "via_country", "to_country", "event__releasing_country"
    )
    for event, start, via, end, releaser in legs:
        involved.update(country for country in (start, via, end) if country)
        if end:
            received[end].add(event)
        if via:
            transit[via].add(event)
        if start and start != releaser:
            transit[start].add(event)
    handed_over = (
        Release.objects.public()
        .order_by()
        .filter(Q(destination__isnull=False) | Q(transit__isnull=False))
        .values_list("event", "destination", "transit")
        .distinct()
    )
    for event, destination, through in handed_over:
        if destination:
            received[destination].add(event)
            involved.add(destination)
        if through:
            transit[through].add(event)
            involved.add(through)
    for country, found in received.items():
        figures[country]["releases_received_count"] = len(found)
    for country, found in transit.items():
        figures[country]["releases_transit_count"] = len(found)

    measures = SanctionsConcession.objects.public().values_list("imposed_by", "target_country")
    for imposed_by, target in measures:
        for country, figure in [
            (imposed_by, "concessions_made_count"),
            (target, "concessions_received_count"),
        ]:
            if country:
                figures[country][figure] = figures[country].get(figure, 0) + 1
                involved.add(country)

    participants = Participant.objects.public().filter(country__isnull=False).order_by()
    participants = participants.values_list("country", flat=True)
    involved.update(participants.distinct())

    counts = PrisonerCount.objects.order_by("country", "-as_of", "counted_by", "pk")
    for country, count, as_of, qualifier, precision in counts.values_list(
        "country", "count", "as_of", "qualifier", "as_of_precision"
    ):
        if "latest_count" not in figures[country]:  # the first is the latest
            figures[country].update(
                latest_count=count,
                latest_count_on=as_of,
                latest_count_qualifier=qualifier,
                latest_count_on_precision=precision,
            )
            involved.add(country)

    return {country: {**no_figures(), **figures[country]} for country in involved}


def no_figures():
    """The figures of a country that no public record involves."""
    return {figure: 0 if figure in ZERO_UNLESS_FOUND else None for figure in FIGURES}


def with_figures(countries, figures):
    """The `countries` (model instances), each with its `figures` as attributes."""
    for country in countries:
        vars(country).update(figures.get(country.pk) or no_figures())
    return countries


def figures_of(country):
    """The figures of one country, in one query: what country_figures() gives for it. (That
    reads whole tables in several queries, for every country at once; a country's page asks
    the indexes about one country instead.)"""
    events = ReleaseEvent.objects.public()
    latest_count = PrisonerCount.objects.filter(country=country).order_by(
        "-as_of", "counted_by", "pk"
    )
    reported_freed = (
        events.filter(releasing_country=country)
        .order_by()
        .values("releasing_country")
        .annotate(total=Sum("reported_count"))
        .values("total")
    )
    measures = SanctionsConcession.objects.public()
    return (
        Country.objects.filter(pk=country.pk)
        .annotate(
            releases_made_count=SubqueryCount(
                events.involving(country, roles=[CountryRole.RELEASER])
            ),
            people_reported_freed=Subquery(reported_freed[:1]),
            releases_negotiated_count=SubqueryCount(
                events.involving(country, roles=[CountryRole.NEGOTIATOR])
            ),
            nationals_documented=SubqueryCount(freed_nationality_links().filter(country=country)),
            releases_with_nationals_reported=SubqueryCount(
                events.involving(country, roles=[CountryRole.REPORTED_NATIONALS])
            ),
            releases_received_count=SubqueryCount(
                events.involving(country, roles=[CountryRole.RECEIVER])
            ),
            releases_transit_count=SubqueryCount(
                events.involving(country, roles=[CountryRole.TRANSIT])
            ),
            concessions_made_count=SubqueryCount(measures.filter(imposed_by=country)),
            concessions_received_count=SubqueryCount(measures.filter(target_country=country)),
            latest_count=Subquery(latest_count.values("count")[:1]),
            latest_count_on=Subquery(latest_count.values("as_of")[:1]),
            latest_count_qualifier=Subquery(latest_count.values("qualifier")[:1]),
            latest_count_on_precision=Subquery(latest_count.values("as_of_precision")[:1]),
        )
        .values(*FIGURES)
        .get()
    )

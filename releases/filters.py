"""The filters of the release and concession listings; the downloads reuse them."""

from collections import defaultdict

import django_filters
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from releases.models import (
    ConcessionKind,
    ConcessionLink,
    CountryRole,
    EntityKind,
    LinkBasis,
    Participant,
    Release,
    ReleaseEvent,
    ReportedNationality,
    SanctionedEntity,
    SanctionsConcession,
)
from tracker.figures import cached_figure
from tracker.filters import (
    CountryCodeFilter,
    DateRangeForm,
    TotalOrderingFilter,
    date_filter,
    distinct_counts,
    search_filter,
)

# The countries each country filter offers, with the number of public records it would find:
# (code, name, count), never counting a restricted record (tracker.filters).


def _counted_by(queryset, country):
    """(code, name, count) of the records of `queryset` by the country at `country`."""
    return (
        queryset.order_by()
        .values_list(f"{country}__code", f"{country}__name")
        .annotate(count=Count("pk"))
    )


def _pairs(queryset, country, record):
    """(code, name, record id) of the records of `queryset` by the country at `country`."""
    return (
        queryset.order_by().values_list(f"{country}__code", f"{country}__name", record).distinct()
    )


def _distinct_counts(rows):
    return distinct_counts(((code, name), pk) for code, name, pk in rows if code)


def releasing_countries():
    return _counted_by(ReleaseEvent.objects.public(), "releasing_country")


def freed_nationalities():
    reported = _pairs(ReportedNationality.objects.public(), "country", "event")
    documented = _pairs(Release.objects.public().documented(), "prisoner__nationalities", "event")
    return _distinct_counts(reported.union(documented))  # one query


def countries_easing_sanctions_for_releases():
    links = ConcessionLink.objects.public()
    return _distinct_counts(_pairs(links, "concession__imposed_by", "event"))


def _measures_by_country_pair():
    """(imposing code, name, target code, name, count) of the public measures: one query for
    both of the concession listing's country filters."""
    measures = SanctionsConcession.objects.public().order_by()
    rows = measures.values_list(
        "imposed_by__code", "imposed_by__name", "target_country__code", "target_country__name"
    ).annotate(count=Count("pk"))
    return cached_figure("measures-by-country-pair", lambda: list(rows))


def _summed(rows):
    totals = defaultdict(int)
    for code, name, count in rows:
        if code:
            totals[(code, name)] += count
    return [(code, name, count) for (code, name), count in totals.items()]


def sanctioning_states():
    return _summed((a, b, n) for a, b, _c, _d, n in _measures_by_country_pair())


def target_countries():
    return _summed((c, d, n) for _a, _b, c, d, n in _measures_by_country_pair())


def entity_countries():
    return _counted_by(SanctionedEntity.objects.public(), "country")


class ReleaseEventFilter(django_filters.FilterSet):
    country = CountryCodeFilter(
        field_name="releasing_country",
        label=_("Releasing country"),
        offered=releasing_countries,
    )
    nationality = CountryCodeFilter(
        method="filter_nationality",
        label=_("Nationality of the freed"),
        help_text=_("Documented by name or reported among the freed."),
        offered=freed_nationalities,
    )
    imposed_by = CountryCodeFilter(
        method="filter_imposed_by",
        label=_("Sanctions eased by"),
        offered=countries_easing_sanctions_for_releases,
    )
    participant = django_filters.CharFilter(
        method="filter_participant",
        label=_("Participant"),
        help_text=_("An envoy, negotiator, spokesperson or other party: part of the name."),
    )
    date_after = date_filter("gte", _("From"))
    date_before = date_filter("lte", _("To"))
    q = search_filter("filter_text", _("Search titles, summaries and participants"))
    sort = TotalOrderingFilter(
        fields=[("date", "date"), ("title", "title")],
        field_labels={"date": _("Date"), "title": _("Title")},
        label=_("Sort by"),
        empty_label=_("Newest first"),
    )

    class Meta:
        model = ReleaseEvent
        fields = []
        form = DateRangeForm

    def filter_nationality(self, queryset, name, country):
        return queryset.involving(country, roles=CountryRole.NATIONALITY)

    def filter_participant(self, queryset, name, text):
        text = text.strip()
        if not text:
            return queryset
        participants = Participant.objects.public().filter(
            event=OuterRef("pk"), name__icontains=text
        )
        return queryset.filter(Exists(participants))

    def filter_imposed_by(self, queryset, name, country):
        return queryset.involving(country, roles=[CountryRole.SANCTIONING])

    def filter_text(self, queryset, name, text):
        text = text.strip()
        if not text:
            return queryset
        participants = Participant.objects.public().filter(
            event=OuterRef("pk"), name__icontains=text
        )
        return queryset.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(Exists(participants))
        )


class SanctionsConcessionFilter(django_filters.FilterSet):
    imposed_by = CountryCodeFilter(
        field_name="imposed_by", label=_("Sanctioning state"), offered=sanctioning_states
    )
    target_country = CountryCodeFilter(
        field_name="target_country", label=_("Target country"), offered=target_countries
    )
    kind = django_filters.ChoiceFilter(
        choices=ConcessionKind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    basis = django_filters.ChoiceFilter(
        choices=LinkBasis.choices,
        method="filter_basis",
        label=_("Linked to a release"),
        empty_label=_("On any basis, or none"),
    )
    date_after = date_filter("gte", _("From"))
    date_before = date_filter("lte", _("To"))
    sort = TotalOrderingFilter(
        fields=[("date", "date"), ("target", "target")],
        field_labels={"date": _("Date"), "target": _("What it covers")},
        label=_("Sort by"),
        empty_label=_("Newest first"),
    )

    class Meta:
        model = SanctionsConcession
        fields = []
        form = DateRangeForm

    def filter_basis(self, queryset, name, basis):
        links = ConcessionLink.objects.public().filter(concession=OuterRef("pk"), basis=basis)
        return queryset.filter(Exists(links))


class SanctionedEntityFilter(django_filters.FilterSet):
    country = CountryCodeFilter(field_name="country", label=_("Country"), offered=entity_countries)
    kind = django_filters.ChoiceFilter(
        choices=EntityKind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    q = search_filter("filter_text", _("Search names and list identifiers"))

    class Meta:
        model = SanctionedEntity
        fields = []

    def filter_text(self, queryset, name, text):
        text = text.strip()
        if not text:
            return queryset
        return queryset.filter(Q(name__icontains=text) | Q(list_identifiers__icontains=text))

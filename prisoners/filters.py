"""The filters of the people listing; its downloads reuse them."""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prisoners.models import Prisoner, PrisonerStatus
from tracker import dates
from tracker.figures import cached_figure
from tracker.filters import (
    CountryCodeFilter,
    LeanSelect,
    TotalOrderingFilter,
    date_filter,
    search_filter,
)
from tracker.models import Country

# Detention dates are partial (tracker.dates): "June 2020" is stored as 1 June 2020.
PARTIAL_DATE_HELP = _(
    "A detention date known only as a month counts as the first day of that month (“June "
    "2020” as 2020-06-01); one known only as a year, as 1 January. Unknown dates are left out."
)


class DetentionRangeForm(forms.Form):
    """Refuses a range whose start is after its end, instead of silently showing nothing."""

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("detained_after"), cleaned.get("detained_before")
        if after and before and after > before:
            raise forms.ValidationError(
                _("The start date (%(after)s) is after the end date (%(before)s)."),
                params={"after": after.isoformat(), "before": before.isoformat()},
            )
        return cleaned


def detention_filter(lookup_expr, label):
    date = date_filter(lookup_expr, label, field_name="detained_on")
    date.extra["help_text"] = PARTIAL_DATE_HELP
    return date


def nationalities_of_people():
    """(code, name, number of public people of that nationality): the nationality filter's
    choices (tracker.filters). Counted from the nationalities alone, less the few people who
    are not public, then named: a join of every person to their countries took 100 ms at
    100,000 people."""
    links = Prisoner.nationalities.through.objects.exclude(
        prisoner__in=Prisoner.objects.not_public()
    )
    counts = dict(links.order_by().values_list("country").annotate(count=Count("*")))
    countries = Country.objects.filter(pk__in=counts).values_list("pk", "code", "name")
    return [(code, name, counts[pk]) for pk, code, name in countries]


def releases_with_people():
    """(slug, "Title (13 December 2025)") of the public releases that name public people
    freed, newest first: the "freed in" filter's choices, cached like a figure. Each public
    release is asked whether it names one (an index), where reading every person freed took
    100 ms at 100,000 people. The models come through the people's relations, since this app
    imports nothing from `releases`."""
    release_model = Prisoner._meta.get_field("releases").related_model
    event_model = release_model._meta.get_field("event").related_model

    def compute():
        freed = release_model.objects.public().filter(event=OuterRef("pk"))
        rows = (
            event_model.objects.public()
            .filter(Exists(freed))
            .order_by("-date", "-pk")
            .values_list("slug", "title", "date", "date_precision")
        )
        return [
            (slug, f"{title} ({dates.display(date, precision)})")
            for slug, title, date, precision in rows
        ]

    return cached_figure(f"release-choices:{get_language()}", compute)


class PrisonerFilter(django_filters.FilterSet):
    nationality = CountryCodeFilter(
        field_name="nationalities", label=_("Nationality"), offered=nationalities_of_people
    )
    event = django_filters.ChoiceFilter(
        method="filter_event",
        label=_("Freed in"),
        choices=releases_with_people,
        empty_label=_("Any release"),
        widget=LeanSelect,
        error_messages={
            "invalid_choice": _(
                "No public release with people named as freed has this address. Choose one "
                "from the list."
            )
        },
    )
    status = django_filters.ChoiceFilter(
        choices=PrisonerStatus.choices, label=_("Status"), empty_label=_("Any status")
    )
    q = search_filter("filter_name", _("Name, in any spelling"))
    detained_after = detention_filter("gte", _("Detained from"))
    detained_before = detention_filter("lte", _("Detained until"))
    sort = TotalOrderingFilter(
        fields=[("sort_name", "name"), ("detained_on", "detained")],
        field_labels={"sort_name": _("Name"), "detained_on": _("Date detained")},
        label=_("Sort by"),
        empty_label=_("Name"),
        help_text=_(
            "By name: by surname where it is recorded. By date detained: a date known only as "
            "a month sorts as the first day of that month, one known only as a year as 1 January."
        ),
    )

    class Meta:
        model = Prisoner
        fields = []
        form = DetentionRangeForm

    def filter_event(self, queryset, name, slug):
        release_model = Prisoner._meta.get_field("releases").related_model
        freed_in_event = release_model.objects.public().filter(event__slug=slug.strip())
        return queryset.filter(pk__in=freed_in_event.values("prisoner"))

    def filter_name(self, queryset, name, text):
        return queryset.search(text) if text.strip() else queryset

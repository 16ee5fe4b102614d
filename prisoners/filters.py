"""The filters of the people listing; its downloads reuse them."""

import django_filters
from django import forms
from django.db.models import Count
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prisoners.models import Prisoner, PrisonerStatus
from tracker import dates
from tracker.figures import cached_figure
from tracker.filters import CountryCodeFilter, TotalOrderingFilter, date_filter, search_filter
from tracker.models import Visibility

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
    choices (tracker.filters)."""
    people = Prisoner.objects.public().order_by()
    by_country = people.values_list("nationalities__code", "nationalities__name")
    return by_country.annotate(count=Count("pk"))


def releases_with_people():
    """(slug, "Title (13 December 2025)") of the public releases that name public people
    freed, newest first: the "freed in" filter's choices, cached like a figure. Read through
    the people, since this app imports nothing from `releases`."""

    def compute():
        rows = (
            Prisoner.objects.public()
            .filter(
                releases__visibility=Visibility.PUBLIC,
                releases__event__visibility=Visibility.PUBLIC,
            )
            .order_by("-releases__event__date", "-releases__event__pk")
            .values_list(
                "releases__event__slug",
                "releases__event__title",
                "releases__event__date",
                "releases__event__date_precision",
            )
            .distinct()
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
        freed_in_event = Prisoner.objects.filter(
            releases__event__slug=slug.strip(),
            releases__visibility=Visibility.PUBLIC,
            releases__event__visibility=Visibility.PUBLIC,
        )
        return queryset.filter(pk__in=freed_in_event.values("pk"))

    def filter_name(self, queryset, name, text):
        return queryset.search(text) if text.strip() else queryset

"""The filters of the people listing; its downloads reuse them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from prisoners.models import Prisoner, PrisonerStatus
from tracker.filters import CountryCodeFilter, TotalOrderingFilter, search_filter
from tracker.models import Visibility


class PrisonerFilter(django_filters.FilterSet):
    nationality = CountryCodeFilter(field_name="nationalities", label=_("Nationality"))
    event = django_filters.CharFilter(
        method="filter_event",
        label=_("Freed in (release slug)"),
        max_length=200,
    )
    status = django_filters.ChoiceFilter(
        choices=PrisonerStatus.choices, label=_("Status"), empty_label=_("Any status")
    )
    q = search_filter("filter_name", _("Name, in any spelling"))
    sort = TotalOrderingFilter(
        fields=[("name", "name"), ("detained_on", "detained")],
        field_labels={"name": _("Name"), "detained_on": _("Date detained")},
        label=_("Sort by"),
        empty_label=_("Name"),
    )

    class Meta:
        model = Prisoner
        fields = []

    def filter_event(self, queryset, name, slug):
        freed_in_event = Prisoner.objects.filter(
            releases__event__slug=slug.strip(),
            releases__visibility=Visibility.PUBLIC,
            releases__event__visibility=Visibility.PUBLIC,
        )
        return queryset.filter(pk__in=freed_in_event.values("pk"))

    def filter_name(self, queryset, name, text):
        return queryset.search(text) if text.strip() else queryset

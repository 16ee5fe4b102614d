"""Filter building blocks shared by the public listings."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.models import Country

QUERY_MAX_LENGTH = 200


class CountryCodeField(forms.ModelChoiceField):
    """Takes an ISO 3166-1 alpha-2 code in any case and says plainly when it is unknown."""

    default_error_messages = {
        "invalid_choice": _(
            "Unknown country code “%(value)s”. Use a two-letter ISO 3166-1 code such as BY."
        ),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().upper()
        return super().to_python(value)

    def label_from_instance(self, country):
        return country.name


class CountryCodeFilter(django_filters.ModelChoiceFilter):
    field_class = CountryCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Country.objects.order_by("name"))
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", _("Any country"))
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


def date_filter(lookup_expr, label, field_name="date"):
    return django_filters.DateFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        label=label,
        widget=DateInput(format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2025-12-13.")},
    )


def search_filter(method, label):
    return django_filters.CharFilter(
        method=method,
        label=label,
        max_length=QUERY_MAX_LENGTH,
        error_messages={
            "max_length": _("Search for at most %(limit_value)d characters."),
        },
    )


class DateRangeForm(forms.Form):
    """Refuses a range whose start is after its end, instead of silently showing nothing."""

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("date_after"), cleaned.get("date_before")
        if after and before and after > before:
            raise forms.ValidationError(
                _("The start date (%(after)s) is after the end date (%(before)s)."),
                params={"after": after.isoformat(), "before": before.isoformat()},
            )
        return cleaned

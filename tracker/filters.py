"""Filter building blocks shared by the public listings."""

import datetime
from collections import defaultdict

import django_filters
from django import forms
from django.forms.utils import flatatt, pretty_name
from django.utils import formats
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from tracker.figures import cached_figure
from tracker.models import Country, country_name, name_order

QUERY_MAX_LENGTH = 200


class CountrySelect(forms.Select):
    """The <select> of a CountryCodeField, with Django's markup, built from (code, name) pairs.

    Django makes each choice from a model instance and renders each <option> through a
    template: with about 250 countries that cost several milliseconds a filter, and a listing
    has up to three. The pairs are cached like a figure (tracker.figures).
    """

    def render(self, name, value, attrs=None, renderer=None):
        field = self.choices.field
        if field.offered is None:
            choices = cached_figure(
                f"country-choices:{get_language()}",
                lambda: sorted(
                    (
                        (code, country_name(code, name))
                        for code, name in field.queryset.values_list(field.to_field_name, "name")
                    ),
                    key=lambda choice: name_order(choice[1]),
                ),
            )
        else:
            choices = offered_choices(field.offered)
        selected = {code.strip().upper() for code in self.format_value(value) if code}
        offered = {code for code, _label in choices}
        # A country chosen through the URL that the list does not offer stays selected.
        # Only what could be a code is looked up: the value may be anything a visitor typed.
        unoffered = {code for code in selected - offered if code.isascii() and code.isalpha()}
        if unoffered:
            missing = Country.objects.filter(code__in=unoffered)
            choices = [
                *choices,
                *(
                    (code, country_name(code, name))
                    for code, name in missing.values_list("code", "name")
                ),
            ]
        if field.empty_label is not None:
            choices = [("", field.empty_label), *choices]
        options = "\n  ".join(
            f'<option value="{escape(code)}"{" selected" if code in selected else ""}>'
            f"{escape(label)}</option>"
            for code, label in choices
        )
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # Safe: every value and label is escaped above, flatatt() escapes the attributes.
        return mark_safe(f"<select{flatatt(attrs)}>\n  {options}\n</select>")


class LeanSelect(forms.Select):
    """A <select> with Django's markup, built in Python: Django renders each <option> through
    a template, which for the 2,000 releases of the people's "freed in" filter took longer
    than the rest of the page. Choices with groups fall back to Django's rendering."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        options = "\n  ".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) in selected else ""}>'
            f"{escape(label)}</option>"
            for choice, label in choices
        )
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # Safe: every value and label is escaped above, flatatt() escapes the attributes.
        return mark_safe(f"<select{flatatt(attrs)}>\n  {options}\n</select>")


def offered_choices(offered):
    """(code, "Belarus (3)") of the countries `offered()` gives as (code, name, count), by
    name, cached like a figure in the current language."""

    def compute():
        named = [(code, country_name(code, name), count) for code, name, count in offered() if code]
        return [
            (
                code,
                _("%(country)s (%(count)s)")
                % {"country": name, "count": formats.number_format(count, force_grouping=True)},
            )
            for code, name, count in sorted(named, key=lambda row: name_order(row[1]))
        ]

    key = f"country-choices:{offered.__module__}.{offered.__qualname__}:{get_language()}"
    return cached_figure(key, compute)


def distinct_counts(pairs):
    """[(code, name, number of distinct records)] from ((code, name), record id) pairs."""
    records = defaultdict(set)
    for country, record in pairs:
        records[country].add(record)
    return [(code, name, len(found)) for (code, name), found in records.items()]


class CountryCodeField(forms.ModelChoiceField):
    """Takes an ISO 3166-1 alpha-2 code in any case and says plainly when it is unknown.

    `offered`: a function giving [(code, name, count)] of the countries the list offers, those
    with public records for this filter; any country's code is still accepted in the URL.
    """

    widget = CountrySelect

    def __init__(self, *args, offered=None, **kwargs):
        self.offered = offered
        super().__init__(*args, **kwargs)

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
        return country.local_name


class CountryCodeFilter(django_filters.ModelChoiceFilter):
    field_class = CountryCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Country.objects.order_by("name"))
        # `offered` (see CountryCodeField) goes to the field with the other extra arguments.
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", _("Any country"))
        super().__init__(*args, **kwargs)


_descending = lazy(lambda label: gettext("%s (descending)") % label, str)


class TotalOrderingFilter(django_filters.OrderingFilter):
    """`sort=`, with the primary key as the last key, in the direction of the first.

    A total order keeps pages from repeating or skipping records, and lets the database walk
    one index on (field, id) forwards or backwards.
    """

    def build_choices(self, fields, labels):
        """django-filter writes "Date (descending)" once, when the filter set is defined, in
        English; these labels are lazy, so that each page shows them in its own language."""
        ascending = [
            (param, labels.get(field, pretty_name(param))) for field, param in fields.items()
        ]
        descending = [
            (f"-{param}", labels.get(f"-{param}", _descending(label))) for param, label in ascending
        ]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]

    def filter(self, qs, value):
        ordering = [self.get_ordering_value(param) for param in value or () if param]
        if not ordering:
            return qs
        return qs.order_by(*ordering, "-pk" if ordering[0].startswith("-") else "pk")


class DateInput(forms.DateInput):
    """A date picker. A refused value that is not a date (?date_after=yesterday) is not put back
    into it: a date input's value must be a date (the Nu checker says so), and browsers would
    drop it anyway; the form's error message says what to enter."""

    input_type = "date"

    def format_value(self, value):
        formatted = super().format_value(value)
        if isinstance(formatted, str):
            try:
                if datetime.date.fromisoformat(formatted).isoformat() != formatted:
                    return None  # ISO 8601 but not YYYY-MM-DD (20251213, 2025-W50-6)
            except ValueError:
                return None
        return formatted


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

"""Partial dates: reporting often gives only a month ("arrested in June 2020") or a year.

A partial date is stored as two fields: a DateField holding the first day of the period it
names (1 June 2020 for "June 2020", 1 January 2020 for "2020"), and a precision. Sorting and
filtering on the DateField put a month-precision date at the start of its month; pages show
only what is known ("June 2020"). An unknown date is a null DateField with precision UNKNOWN.
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Exact day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")
    UNKNOWN = "unknown", _("Unknown")


PRECISION_HELP = _(
    "How much of the date the sources give. For “June 2020”, enter 2020-06-01 and choose "
    "“Month only”; for “2020”, 2020-01-01 and “Year only”."
)


def precision_field(*, allow_unknown=True, verbose_name=None):
    """The precision that goes with a partial date's DateField."""
    choices = DatePrecision.choices if allow_unknown else DatePrecision.choices[:3]
    return models.CharField(
        verbose_name or _("date precision"),
        max_length=10,
        choices=choices,
        default=DatePrecision.DAY,
        help_text=PRECISION_HELP,
    )


def normalise(value, precision):
    """The stored form of a partial date: the first day of its period, or None if unknown."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    return value


def check(value, precision, *, field, precision_field_name):
    """Errors of a partial date, for a model's clean(): {field name: message}."""
    if precision == DatePrecision.UNKNOWN and value is not None:
        return {precision_field_name: _("The date is given, so it is not unknown.")}
    if precision != DatePrecision.UNKNOWN and value is None:
        return {field: _("Enter the date, or choose “Unknown” as its precision.")}
    return {}


def clean_partial_date(instance, field, precision_field_name, *, blank_is_unknown=False):
    """Normalise a model's partial date in place and raise ValidationError if it is incomplete.

    `blank_is_unknown`: for an optional date whose form says "blank if unknown", a blank date
    makes the precision UNKNOWN rather than an error (the precision's default is DAY).
    """
    value, precision = getattr(instance, field), getattr(instance, precision_field_name)
    if blank_is_unknown and value is None:
        precision = DatePrecision.UNKNOWN
        setattr(instance, precision_field_name, precision)
    errors = check(value, precision, field=field, precision_field_name=precision_field_name)
    if errors:
        raise ValidationError(errors)
    setattr(instance, field, normalise(value, precision))


def display(value, precision):
    """The date as the sources give it: "13 December 2025", "June 2020", "2020" or "unknown"."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return str(_("date unknown"))
    if precision == DatePrecision.YEAR:
        return str(value.year)
    return _formatted(value, precision, get_language())


@functools.lru_cache(maxsize=20_000)
def _formatted(value, precision, language):
    """A day's or a month's date in `language` (the active one), kept: Django's date_format()
    looks up the format and the month's name at every call, tens of microseconds, and a
    listing's filter shows the dates of 2,000 releases."""
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "j E Y")


def iso(value, precision):
    """The date in ISO 8601 at its precision ("2020-06", "2020"), for <time> and CSV files."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def period_end(value, precision):
    """The last day of the period a partial date names: for ranges and filters."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        following = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return following - datetime.timedelta(days=1)
    return value

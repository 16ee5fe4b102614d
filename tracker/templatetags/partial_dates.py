"""Template filters for partial dates (tracker.dates).

{{ event.date|partial_date:event.date_precision }}
"""

from django import template

from tracker import dates

register = template.Library()


@register.filter
def partial_date(value, precision):
    """ "13 December 2025", "June 2020", "2020" or "date unknown", as the sources give it."""
    return dates.display(value, precision)


@register.filter
def partial_iso(value, precision):
    """For <time datetime="...">: "2025-12-13", "2020-06" or "2020"."""
    return dates.iso(value, precision)

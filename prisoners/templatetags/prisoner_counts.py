"""Political-prisoner counts as their sources give them: "1,227", "at least 1,100", "about 1,200".

{% load prisoner_counts %}{{ count|count_display }} for a PrisonerCount, or
{% count_with_qualifier country.latest_count country.latest_count_qualifier %} for annotations.
"""

from django import template

from tracker.models import count_display as _count_display

register = template.Library()


@register.filter
def count_display(count):
    """A PrisonerCount's number with its qualifier."""
    return count.display if count is not None else ""


@register.simple_tag
def count_with_qualifier(number, qualifier):
    """A number and its qualifier (exact, at_least, about), e.g. from a country's annotations."""
    return _count_display(number, qualifier)

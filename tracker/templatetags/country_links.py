"""{{ person.nationality_list|country_links }}: countries as links to their pages, in the
page's language, separated by commas; "—" when there are none.

A filter rather than an included template: listings show it on every row, and an {% include %}
a row cost more than the rest of the row.
"""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.filter
def country_links(countries):
    """`countries`: Country instances (`event.counterparts.all`, prefetched)."""
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((country.get_absolute_url(), country.local_name) for country in countries),
    )
    return links or "—"

"""{{ person|person_name }}: a person's name in the page's language where recorded, with the
English name beside: Алесь Бяляцкі <span class="name-en" lang="en">(Ales Bialiatski)</span>.

A filter rather than an included template: listings show it on every row.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def person_name(person):
    local = person.local_name
    if local:
        return format_html('{} <span class="name-en" lang="en">({})</span>', local, person.name)
    return person.name

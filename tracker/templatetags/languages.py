"""The same page in each of the site's languages: for the language switcher and hreflang links.

{% page_in_languages as languages %}: for each language in settings.LANGUAGES, its code, its
name in itself ("Беларуская"), the page's URL in it (same path and query, under the language's
prefix; English has none) and whether it is the page's language. A page whose URL does not
resolve (a 404) links each language's home page instead.
"""

from django import template
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import get_language_info

register = template.Library()


def _url_in(request, code):
    path = request.path_info
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    with translation.override(code):
        if match is None or match.url_name is None:
            return reverse("home")
        url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    # The query the page read: a public page drops the parameters it does not know
    # (tracker.views.CachedPageMixin), and its links in other languages leave them out too.
    try:
        query = request.GET.urlencode()
    except SuspiciousOperation:  # a query too large to read: its 400 page links without it
        query = ""
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def page_in_languages(context):
    request = context.get("request")
    current = translation.get_language()
    languages = []
    for code, _name in settings.LANGUAGES:
        url = _url_in(request, code) if request is not None else "/"
        languages.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url) if request is not None else url,
                "current": code == current,
            }
        )
    return languages

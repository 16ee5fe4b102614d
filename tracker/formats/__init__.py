"""Date and number formats of the site's languages beyond Django's own (FORMAT_MODULE_PATH).

Django has no Belarusian formats, so Belarusian pages would show "сакавік 13, 2025" and
ungrouped numbers; be/formats.py gives them. ru/formats.py shows a month as "март 2025"
("March 2025"), without Django's "г.".

The month names below are here so that `makemessages` puts them in the project's catalogues,
which Django reads before its own: Django's Belarusian catalogue lacks the genitive month names
that a day's date needs ("13 сакавіка 2025"), and its Russian one capitalises the month in a
date ("Март 2025"), which Russian writes in lower case.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

MONTH_NAMES = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]
# The month as a date's day is followed by ("13 March 2025"): Django's "E" format.
DAY_MONTH_NAMES = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]

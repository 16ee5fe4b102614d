"""Atom feeds of releases, newest publication first: every release, and those of one country."""

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from releases.models import CountryRole, ReleaseEvent
from tracker.models import Country

FEED_LENGTH = 50

# A country's feed: the releases it made or negotiated, and those freeing its citizens.
FEED_ROLES = [CountryRole.RELEASER, CountryRole.NEGOTIATOR, *CountryRole.NATIONALITY]


class LatestReleasesFeed(Feed):
    """Atom feed of the 50 release events published last.

    Ordered by when each became public (`published_at`), not by the date of the release: a
    release entered months after it happened is news to a subscriber on the day it is
    published."""

    feed_type = Atom1Feed
    title = _("Political-prisoner releases")
    subtitle = _("New release events recorded by the release tracker.")
    link = reverse_lazy("releases:list")
    author_name = _("Release tracker")

    def events(self, obj):
        return ReleaseEvent.objects.for_listing()

    def items(self, obj=None):
        latest = F("published_at").desc(nulls_last=True)
        return self.events(obj).order_by(latest, "-created_at", "-id")[:FEED_LENGTH]

    def item_title(self, event):
        return str(event)

    def item_description(self, event):
        reported = event.reported_count if event.reported_count is not None else "?"
        figures = _("%(reported)s reported freed, %(documented)d documented by name.") % {
            "reported": reported,
            "documented": event.documented,
        }
        return f"{figures} {event.summary}".strip()

    def item_pubdate(self, event):
        return event.published_at or event.created_at

    def item_updateddate(self, event):
        return event.updated_at


class CountryReleasesFeed(LatestReleasesFeed):
    """The releases a country took part in: as the releasing country, as a counterpart, or as
    the nationality of people freed (documented by name or reported by a source)."""

    def get_object(self, request, code):
        try:
            return Country.objects.get(code=code.upper())
        except Country.DoesNotExist:
            raise Http404(_("No country has the code “%(code)s”.") % {"code": code}) from None

    def title(self, country):
        return _("Political-prisoner releases: %(country)s") % {"country": country.name}

    def subtitle(self, country):
        return _("New release events involving %(country)s, recorded by the release tracker.") % {
            "country": country.name
        }

    def link(self, country):
        return reverse("countries:detail", kwargs={"code": country.code})

    def feed_url(self, country):
        return reverse("countries:feed", kwargs={"code": country.code})

    def events(self, country):
        return super().events(country).involving(country, roles=FEED_ROLES)

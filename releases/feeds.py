import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from releases.models import ReleaseEvent


class LatestReleasesFeed(Feed):
    """Atom feed of the 50 most recent public release events."""

    feed_type = Atom1Feed
    title = _("Political-prisoner releases")
    subtitle = _("New release events recorded by the release tracker.")
    link = reverse_lazy("releases:list")
    author_name = _("Release tracker")

    def items(self):
        return ReleaseEvent.objects.for_listing()[:50]

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
        return datetime.datetime.combine(event.date, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, event):
        return event.updated_at

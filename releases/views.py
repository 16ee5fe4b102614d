"""Public pages about release events, concessions and countries, and the home page.

They live in `releases`, the top of the import chain (tracker <- prisoners <- releases), because
each of them brings events, people and concessions together.
"""

import datetime

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import redirect
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from prisoners.models import Prisoner, PrisonerCount
from releases.downloads import CONCESSION_COLUMNS, COUNTRY_COLUMNS, EVENT_COLUMNS
from releases.filters import ReleaseEventFilter, SanctionsConcessionFilter
from releases.models import Release, ReleaseEvent, SanctionsConcession
from tracker.downloads import DOWNLOAD_FORMATS
from tracker.models import Country, SubqueryCount
from tracker.views import DownloadMixin, PublicDetailView, PublicListView, unknown_format


class HomeView(TemplateView):
    template_name = "home.html"
    # The timeline chart draws one bar per release: the most recent ones, so the page stays light.
    timeline_limit = 100

    def get_context_data(self, **kwargs):
        events = ReleaseEvent.objects.public()
        figures = events.aggregate(
            events=Count("pk"),
            reported=Sum("reported_count"),
            releasing_countries=Count("releasing_country", distinct=True),
        )
        figures["documented"] = Release.objects.public().count()
        figures["concessions"] = SanctionsConcession.objects.public().count()
        timeline = (
            events.annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(events=Count("pk"), reported=Sum("reported_count"))
            .order_by("year")
        )
        return super().get_context_data(
            figures=figures,
            latest=ReleaseEvent.objects.for_listing()[:5],
            timeline=list(timeline),
            timeline_events=list(
                events.with_figures().order_by("-date", "-id")[: self.timeline_limit]
            ),
            **kwargs,
        )


class ReleaseListView(PublicListView):
    """`/releases/`, and the year and month archives `/releases/2025/`, `/releases/2025/12/`."""

    filterset_class = ReleaseEventFilter
    template_name = "releases/releaseevent_filter.html"
    csv_columns = EVENT_COLUMNS

    def get(self, request, *args, **kwargs):
        self.period = self.get_period()
        return super().get(request, *args, **kwargs)

    def get_period(self):
        """The archive's (start, end) dates, end excluded, or None for the whole list."""
        year, month = self.kwargs.get("year"), self.kwargs.get("month")
        if year is None:
            return None
        if not 1 <= year < 9999 or (month is not None and not 1 <= month <= 12):
            raise Http404(_("There is no such year or month."))
        if month is None:
            start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        else:
            start = datetime.date(year, month, 1)
            end = datetime.date(year + month // 12, month % 12 + 1, 1)
        if not ReleaseEvent.objects.public().filter(date__gte=start, date__lt=end).exists():
            raise Http404(_("No releases are recorded for this period."))
        return start, end

    def get_queryset(self):
        events = ReleaseEvent.objects.for_listing()
        if self.period:
            start, end = self.period
            events = events.filter(date__gte=start, date__lt=end)
        return events

    def get_download_stem(self):
        if not self.period:
            return "releases"
        return "releases_" + "-".join(
            str(self.kwargs[key]) for key in ("year", "month") if key in self.kwargs
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = ReleaseEvent.objects.public().dates("date", "year")
        if self.period:
            context.update(self.archive_context())
        return context

    def archive_context(self):
        start, end = self.period
        year, month = self.kwargs["year"], self.kwargs.get("month")
        around = ReleaseEvent.objects.public().aggregate(
            previous=Max("date", filter=Q(date__lt=start)),
            next=Min("date", filter=Q(date__gte=end)),
        )
        return {
            "archive_title": f"{MONTHS[month]} {year}" if month else str(year),
            "archive_year": year,
            "archive_month": month,
            "previous_period": around["previous"],
            "next_period": around["next"],
        }


class ReleaseDetailView(PublicDetailView):
    template_name = "releases/releaseevent_detail.html"
    download_stem = "release"
    csv_columns = EVENT_COLUMNS

    def get_queryset(self):
        return (
            ReleaseEvent.objects.public()
            .with_figures()
            .select_related("releasing_country")
            .prefetch_related("counterparts", "reported_nationalities", "destinations", "sources")
        )

    def get_context_data(self, **kwargs):
        event = self.object
        freed = (
            event.releases.public()
            .select_related("prisoner", "destination")
            .prefetch_related("prisoner__nationalities")
            .order_by("prisoner__name")
        )
        concessions = (
            event.concessions.public()
            .select_related("imposed_by", "target_country")
            .prefetch_related("sources")
        )
        return super().get_context_data(freed=freed, concessions=concessions, **kwargs)


class ConcessionListView(PublicListView):
    filterset_class = SanctionsConcessionFilter
    template_name = "releases/sanctionsconcession_filter.html"
    download_stem = "concessions"
    csv_columns = CONCESSION_COLUMNS

    def get_queryset(self):
        return SanctionsConcession.objects.for_listing()


def with_country_figures(countries):
    """Annotate each country with what the tracker records about it, one subquery a figure."""
    events = ReleaseEvent.objects.public()
    latest_count = PrisonerCount.objects.filter(country=OuterRef("pk")).order_by("-as_of")
    nationals_freed = Prisoner.objects.public().filter(
        nationalities=OuterRef("pk"), pk__in=Release.objects.public().values("prisoner")
    )
    reported_freed = (
        events.filter(releasing_country=OuterRef("pk"))
        .order_by()
        .values("releasing_country")
        .annotate(total=Sum("reported_count"))
        .values("total")
    )
    return countries.annotate(
        releases_made_count=SubqueryCount(events.filter(releasing_country=OuterRef("pk"))),
        people_reported_freed=Subquery(reported_freed[:1]),
        releases_negotiated_count=SubqueryCount(events.filter(counterparts=OuterRef("pk"))),
        nationals_documented=SubqueryCount(nationals_freed),
        releases_with_nationals_reported=SubqueryCount(
            events.filter(reported_nationalities=OuterRef("pk"))
        ),
        concessions_made_count=SubqueryCount(
            SanctionsConcession.objects.public().filter(imposed_by=OuterRef("pk"))
        ),
        concessions_received_count=SubqueryCount(
            SanctionsConcession.objects.public().filter(target_country=OuterRef("pk"))
        ),
        latest_count=Subquery(latest_count.values("count")[:1]),
        latest_count_on=Subquery(latest_count.values("as_of")[:1]),
    )


class CountryListView(DownloadMixin, ListView):
    """Every country the public records involve, in any role."""

    template_name = "releases/country_list.html"
    context_object_name = "countries"
    download_stem = "countries"
    csv_columns = COUNTRY_COLUMNS

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is not None and fmt not in DOWNLOAD_FORMATS:
            return unknown_format(request, fmt)
        if fmt is not None:
            return self.download(fmt)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return with_country_figures(Country.objects.all()).filter(
            Q(releases_made__gt=0)
            | Q(releases_negotiated__gt=0)
            | Q(nationals_documented__gt=0)
            | Q(releases_with_nationals_reported__gt=0)
            | Q(concessions_made__gt=0)
            | Q(concessions_received__gt=0)
            | Q(latest_count__isnull=False)
        )

    def get_download_records(self):
        return self.get_queryset()


class CountryDetailView(PublicDetailView):
    """One country as releaser, as negotiator, as nationality of the freed, as sanctioning state."""

    template_name = "releases/country_detail.html"
    context_object_name = "country"
    slug_field = "code"
    slug_url_kwarg = "code"
    download_stem = "country"
    csv_columns = COUNTRY_COLUMNS

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        if code != code.upper():
            return redirect("countries:detail", code=code.upper(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return with_country_figures(Country.objects.all())

    def get_download_stem(self):
        return f"country_{self.object.code}"

    def country_records(self):
        """The public records this page shows, by model."""
        country = self.object
        events = ReleaseEvent.objects.public().filter(
            Q(releasing_country=country)
            | Q(
                Exists(
                    ReleaseEvent.counterparts.through.objects.filter(
                        releaseevent=OuterRef("pk"), country=country
                    )
                )
            )
            | Q(
                Exists(
                    ReleaseEvent.reported_nationalities.through.objects.filter(
                        releaseevent=OuterRef("pk"), country=country
                    )
                )
            )
            | Q(
                Exists(
                    Release.objects.public().filter(
                        event=OuterRef("pk"), prisoner__nationalities=country
                    )
                )
            )
        )
        nationals = Prisoner.objects.public().filter(
            nationalities=country, pk__in=Release.objects.public().values("prisoner")
        )
        concessions = SanctionsConcession.objects.public().filter(
            Q(imposed_by=country) | Q(target_country=country)
        )
        counts = PrisonerCount.objects.filter(country=country)
        return events, nationals, concessions, counts

    def get_fixture_roots(self):
        return self.country_records()

    def get_context_data(self, **kwargs):
        country = self.object
        events, nationals, concessions, counts = self.country_records()
        events = (
            events.with_figures()
            .select_related("releasing_country")
            .prefetch_related("counterparts", "reported_nationalities")
            .annotate(
                nationals_documented=SubqueryCount(
                    Release.objects.public().filter(
                        event=OuterRef("pk"), prisoner__nationalities=country
                    )
                )
            )
        )
        nationals = nationals.prefetch_related(
            "nationalities",
            Prefetch(
                "releases",
                queryset=Release.objects.public().select_related("event"),
                to_attr="public_releases",
            ),
        )
        concessions = concessions.select_related("event", "imposed_by", "target_country")
        return super().get_context_data(
            events=list(events),
            nationals=nationals,
            concessions=list(concessions),
            counts=counts.order_by("as_of"),
            **kwargs,
        )

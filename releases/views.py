"""Public pages about release events, concessions and countries, and the home page.

They live in `releases`, the top of the import chain (tracker <- prisoners <- releases), because
each of them brings events, people and concessions together.
"""

import datetime
import functools

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    When,
)
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import redirect
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from prisoners.models import Prisoner, PrisonerCount
from releases.country_figures import FIGURES, country_figures, figures_of, with_figures
from releases.exports.csv import (
    CONCESSION_COLUMNS,
    COUNTRY_COLUMNS,
    COUNTRY_CSV_PREFETCH,
    ENTITY_COLUMNS,
    EVENT_COLUMNS,
)
from releases.filters import (
    ReleaseEventFilter,
    SanctionedEntityFilter,
    SanctionsConcessionFilter,
)
from releases.models import (
    ConcessionFigure,
    CountryRole,
    Release,
    ReleaseEvent,
    ReleaseSource,
    ReleaseStatus,
    SanctionedEntity,
    SanctionsConcession,
    involvement,
)
from tracker.dates import DatePrecision
from tracker.exports import DOWNLOAD_FORMATS
from tracker.figures import cached_figure
from tracker.models import Country, SubqueryCount
from tracker.views import (
    CachedPageMixin,
    DownloadMixin,
    PublicDetailView,
    PublicListView,
    unknown_format,
)


class HomeView(CachedPageMixin, TemplateView):
    template_name = "home.html"
    # The timeline chart draws one bar per release: the most recent ones, so the page stays light.
    timeline_limit = 100

    @staticmethod
    def figures():
        """The headline figures and the releases by year: counts over every release."""
        events = ReleaseEvent.objects.public()
        figures = events.aggregate(
            events=Count("pk"),
            reported=Sum("reported_count"),
            releasing_countries=Count("releasing_country", distinct=True),
        )
        # Distinct people: a person freed in two releases, or named in two, counts once.
        documented = Release.objects.public().documented().values("prisoner")
        figures["documented"] = documented.distinct().count()
        # The disputed claims first (few), each asked whether its person is documented (an
        # index): "not in" the documented would read every documented release into a hash.
        figures["disputed"] = (
            Release.objects.public()
            .filter(status=ReleaseStatus.DISPUTED)
            .exclude(
                Exists(Release.objects.public().documented().filter(prisoner=OuterRef("prisoner")))
            )
            .values("prisoner")
            .distinct()
            .count()
        )
        figures["concessions"] = SanctionsConcession.objects.public().count()
        timeline = (
            events.annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(events=Count("pk"), reported=Sum("reported_count"))
            .order_by("year")
        )
        return figures, list(timeline)

    def get_context_data(self, **kwargs):
        events = ReleaseEvent.objects.public()
        figures, timeline = cached_figure("home", self.figures)
        return super().get_context_data(
            figures=figures,
            latest=ReleaseEvent.objects.for_listing()[:5],
            timeline=timeline,
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
        if not self.in_period(ReleaseEvent.objects.public(), start, end).exists():
            raise Http404(_("No releases are recorded for this period."))
        return start, end

    def in_period(self, events, start, end):
        """The events of the archive's period. A month's archive leaves out the releases of
        its year whose month is not reported: they are in the year's archive only."""
        events = events.filter(date__gte=start, date__lt=end)
        if self.kwargs.get("month") is not None:
            events = events.exclude(date_precision=DatePrecision.YEAR)
        return events

    def get_queryset(self):
        events = ReleaseEvent.objects.for_listing()
        if self.period:
            events = self.in_period(events, *self.period)
        return events

    def get_download_records(self):
        return super().get_download_records().with_facts()

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
    # The page lists the first people freed by name; the people listing has them all, in pages.
    freed_on_page = 50

    def get_queryset(self):
        return ReleaseEvent.objects.with_facts().public().with_figures()

    def get_context_data(self, **kwargs):
        event = self.object
        freed = (
            event.releases.public()
            .select_related("prisoner", "transit", "destination")
            .prefetch_related(
                "prisoner__nationalities",
                Prefetch(
                    "source_links",
                    queryset=ReleaseSource.objects.select_related("source"),
                ),
            )
            .order_by(Case(*ORDER_OF_STATUSES, default=9), "prisoner__name", "prisoner")
        )
        freed = list(freed[: self.freed_on_page + 1])
        links = (
            event.concession_links.public()
            .select_related("concession__imposed_by", "concession__target_country", "event")
            .prefetch_related(
                "sources",
                "concession__sources",
                Prefetch("concession__entities", queryset=SanctionedEntity.objects.public()),
                Prefetch("concession__figures", queryset=ConcessionFigure.objects.public()),
            )
            .order_by(F("concession__announced_on").asc(nulls_last=True), "concession__slug", "pk")
        )
        return super().get_context_data(
            freed=freed[: self.freed_on_page],
            more_freed=len(freed) > self.freed_on_page,
            links=links,
            **kwargs,
        )


# A release page lists the people it documents first, then the disputed, then those not freed.
ORDER_OF_STATUSES = [
    When(status=status, then=position)
    for position, status in enumerate(
        [ReleaseStatus.CONFIRMED, ReleaseStatus.REPORTED, ReleaseStatus.DISPUTED]
    )
]


class ConcessionListView(PublicListView):
    """`/concessions/`: the sanctions ledger."""

    filterset_class = SanctionsConcessionFilter
    template_name = "releases/sanctionsconcession_filter.html"
    download_stem = "concessions"
    csv_columns = CONCESSION_COLUMNS
    # The timeline draws the latest releases and measures, so the page stays light.
    timeline_limit = 100

    def get_queryset(self):
        return SanctionsConcession.objects.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The measures the list shows (none when its filters are invalid), the latest first;
        # the chart and its table show their dates, countries, names and kinds: none of the
        # entities and links the list prefetches (most of the page's time, for 100 measures).
        latest = self.object_list.prefetch_related(None).order_by(
            F("date").desc(nulls_last=True), "pk"
        )
        measures = [measure for measure in latest[: self.timeline_limit] if measure.date]
        events = list(
            ReleaseEvent.objects.public()
            .with_figures()
            .order_by("-date", "-id")[: self.timeline_limit]
        )
        context.update(timeline_events=events, timeline_measures=measures)
        return context


def concession_detail_queryset():
    return (
        SanctionsConcession.objects.public()
        .with_date()
        .with_relations(link_sources=True)
        .prefetch_related(
            "sources",
            Prefetch(
                "figures",
                queryset=ConcessionFigure.objects.public().prefetch_related("sources"),
            ),
            Prefetch("supersedes", queryset=SanctionsConcession.objects.public().with_date()),
            Prefetch("superseded_by", queryset=SanctionsConcession.objects.public().with_date()),
        )
    )


class ConcessionDetailView(PublicDetailView):
    """`/concessions/<slug>/`: one measure, its entities, the releases it followed, figures."""

    template_name = "releases/sanctionsconcession_detail.html"
    context_object_name = "concession"
    download_stem = "concession"
    csv_columns = CONCESSION_COLUMNS

    def get_queryset(self):
        return concession_detail_queryset()


class EntityListView(PublicListView):
    """`/entities/`: the companies, people, aircraft, vessels and sectors the measures cover."""

    filterset_class = SanctionedEntityFilter
    template_name = "releases/sanctionedentity_filter.html"
    download_stem = "entities"
    csv_columns = ENTITY_COLUMNS

    def get_queryset(self):
        return (
            SanctionedEntity.objects.public()
            .select_related("country", "designated_by")
            .annotate(
                measure_count=SubqueryCount(
                    SanctionsConcession.objects.public().filter(entities=OuterRef("pk"))
                )
            )
            .order_by("name", "pk")
        )


class EntityDetailView(PublicDetailView):
    """`/entities/<slug>/`: one entity and its history: designated, licensed, delisted."""

    template_name = "releases/sanctionedentity_detail.html"
    context_object_name = "entity"
    download_stem = "entity"
    csv_columns = ENTITY_COLUMNS

    def get_queryset(self):
        return (
            SanctionedEntity.objects.public()
            .select_related("country", "designated_by")
            .prefetch_related("sources")
            .annotate(
                measure_count=SubqueryCount(
                    SanctionsConcession.objects.public().filter(entities=OuterRef("pk"))
                )
            )
        )

    def get_fixture_roots(self):
        entity = self.get_download_records()
        return [entity, SanctionsConcession.objects.public().filter(entities__in=entity)]

    def get_context_data(self, **kwargs):
        measures = (
            SanctionsConcession.objects.public()
            .filter(entities=self.object)
            .with_date()
            .with_relations()
            .order_by(F("date").asc(nulls_last=True), "slug", "pk")
        )
        return super().get_context_data(measures=measures, **kwargs)


# A country page lists at most this many releases and concessions (the latest) and people (by
# name), and links to the filtered listings for the rest.
COUNTRY_PAGE_ROWS = 50


def first_rows(queryset):
    """The first COUNTRY_PAGE_ROWS records, and whether there are more."""
    rows = list(queryset[: COUNTRY_PAGE_ROWS + 1])
    return rows[:COUNTRY_PAGE_ROWS], len(rows) > COUNTRY_PAGE_ROWS


class CountryListView(CachedPageMixin, DownloadMixin, ListView):
    """Every country the public records involve, in any role."""

    template_name = "releases/country_list.html"
    context_object_name = "countries"
    download_stem = "countries"
    csv_columns = COUNTRY_COLUMNS
    csv_prefetch = COUNTRY_CSV_PREFETCH  # the latest count's qualifier and sources

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is not None and fmt not in DOWNLOAD_FORMATS:
            return unknown_format(request, fmt)
        if fmt is not None:
            return self.download(fmt)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        """The page's countries and figures, cached (tracker.figures)."""
        return cached_figure(
            "countries",
            lambda: with_figures(list(self.get_download_records()), self.figures_by_country),
        )

    def get_download_records(self):
        return Country.objects.filter(pk__in=self.figures_by_country.keys())

    @functools.cached_property
    def figures_by_country(self):
        return country_figures()

    def get_csv_records(self):
        return with_figures(list(super().get_csv_records()), self.figures_by_country)


# A country's page lists the releases it plays any part in but one: the measures it imposed
# are listed apart, as measures.
COUNTRY_PAGE_ROLES = [role for role in CountryRole.ALL if role != CountryRole.SANCTIONING]


def plays(country, role):
    """Whether `country` plays `role` in the outer event, as an annotation."""
    return ExpressionWrapper(involvement(country, [role]), BooleanField())


class CountryDetailView(PublicDetailView):
    """One country as releaser, as negotiator, as nationality of the freed, as sanctioning state."""

    template_name = "releases/country_detail.html"
    context_object_name = "country"
    slug_field = "code"
    slug_url_kwarg = "code"
    download_stem = "country"
    csv_columns = COUNTRY_COLUMNS
    csv_prefetch = COUNTRY_CSV_PREFETCH  # the latest count's qualifier and sources

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        if code != code.upper():
            return redirect("countries:detail", code=code.upper(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Country.objects.all()

    def get_object(self, queryset=None):
        """The country with its figures, cached together (tracker.figures)."""
        code = self.kwargs["code"]

        def find():
            country = Country.objects.filter(code=code).first()
            if country is not None:
                vars(country).update(figures_of(country))
            return country

        country = cached_figure(f"country:{code}", find)
        if country is None:
            raise Http404(_("No country has this code."))
        return country

    def get_csv_records(self):
        figures = {figure: getattr(self.object, figure) for figure in FIGURES}
        return with_figures(list(super().get_csv_records()), {self.object.pk: figures})

    def get_download_stem(self):
        return f"country_{self.object.code}"

    def country_records(self, *, freeing_nationals=None):
        """The public records this page shows, by model.

        `freeing_nationals`, if given, are the ids of the events that freed documented
        nationals of the country, otherwise found in a subquery.
        """
        country = self.object
        events = ReleaseEvent.objects.public().involving(
            country, roles=COUNTRY_PAGE_ROLES, documented_events=freeing_nationals
        )
        nationals = Prisoner.objects.public().filter(
            Exists(Release.objects.public().documented().filter(prisoner=OuterRef("pk"))),
            nationalities=country,
        )
        concessions = SanctionsConcession.objects.public().filter(
            Q(imposed_by=country) | Q(target_country=country)
        )
        counts = PrisonerCount.objects.filter(country=country)
        return events, nationals, concessions, counts

    def get_fixture_roots(self):
        return self.country_records()

    def events_freeing_nationals(self):
        """Ids of the events that freed documented nationals of the country, cached like a
        figure: finding them reads every release of the country's nationals (20,000 for
        Belarus at 100,000 people), while the page shows the latest 50. The page reads the
        events themselves afresh, so a stale id can only show a public event a minute longer.
        """
        country = self.object
        return cached_figure(
            f"country:{country.pk}:events-freeing-nationals",
            lambda: list(
                Release.objects.public()
                .documented()
                .of_nationality(country)
                .order_by()
                .values_list("event", flat=True)
                .distinct()
            ),
        )

    def get_context_data(self, **kwargs):
        country = self.object
        events, nationals, concessions, counts = self.country_records(
            freeing_nationals=self.events_freeing_nationals()
        )
        events = (
            events.with_figures()
            .select_related("releasing_country")
            .prefetch_related("counterparts")
            .annotate(
                nationals_documented=SubqueryCount(
                    Release.objects.public()
                    .documented()
                    .of_nationality(country)
                    .filter(event=OuterRef("pk"))
                ),
                nationals_reported=plays(country, CountryRole.REPORTED_NATIONALS),
                received_freed=plays(country, CountryRole.RECEIVER),
                transit_of_freed=plays(country, CountryRole.TRANSIT),
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
        concessions = (
            concessions.with_date()
            .with_relations()
            .order_by(F("date").desc(nulls_last=True), "slug", "pk")
        )
        events, more_events = first_rows(events)
        nationals, more_nationals = first_rows(nationals)
        concessions, more_concessions = first_rows(concessions)
        return super().get_context_data(
            events=events,
            more_events=more_events,
            nationals=nationals,
            more_nationals=more_nationals,
            concessions=concessions,
            more_concessions=more_concessions,
            counts=counts.order_by("as_of"),
            **kwargs,
        )

"""Public pages about people: the filtered listing and a person's page."""

from prisoners.exports.csv import PRISONER_COLUMNS
from prisoners.filters import PrisonerFilter
from prisoners.models import Prisoner
from tracker.views import PublicDetailView, PublicListView


class PrisonerListView(PublicListView):
    filterset_class = PrisonerFilter
    template_name = "prisoners/prisoner_filter.html"
    download_stem = "prisoners"
    csv_columns = PRISONER_COLUMNS

    def get_queryset(self):
        return Prisoner.objects.public().prefetch_related("nationalities")


class PrisonerDetailView(PublicDetailView):
    template_name = "prisoners/prisoner_detail.html"
    context_object_name = "person"
    download_stem = "prisoner"
    csv_columns = PRISONER_COLUMNS

    def get_queryset(self):
        return Prisoner.objects.public().prefetch_related("nationalities", "sources")

    def get_context_data(self, **kwargs):
        # The reverse relation's own queryset class hides restricted releases and events.
        releases = (
            self.object.releases.public()
            .select_related("event__releasing_country", "transit", "destination")
            .prefetch_related("source_links__source")
            .order_by("-event__date")
        )
        return super().get_context_data(releases=releases, **kwargs)

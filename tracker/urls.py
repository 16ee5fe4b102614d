"""Root URLs. The public URLs are a contract (see DESIGN.md): people link to them."""

from django.contrib import admin
from django.urls import include, path

from tracker import dataset, pages
from tracker.admin_views import ImportFixtureView

admin.site.site_header = "Release tracker: data entry"
admin.site.site_title = "Release tracker admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("", include("releases.urls.home")),
    path("releases/", include("releases.urls.events")),
    path("concessions/", include("releases.urls.concessions")),
    path("entities/", include("releases.urls.entities")),
    path("countries/", include("releases.urls.countries")),
    path("prisoners/", include("prisoners.urls")),
    path("about/", pages.AboutView.as_view(), name="about"),
    path("data/", pages.DatasetView.as_view(), name="data"),
    path(f"data/{dataset.FIXTURE_NAME}", pages.dataset_file, {"kind": "json"}, name="data-json"),
    path(f"data/{dataset.ZIP_NAME}", pages.dataset_file, {"kind": "zip"}, name="data-zip"),
    path(
        "admin/import/",
        admin.site.admin_view(ImportFixtureView.as_view()),
        name="admin-import",
    ),
    path("admin/", admin.site.urls),
]

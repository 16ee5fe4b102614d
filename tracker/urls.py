"""Root URLs. The public URLs are a contract (README, "Public pages"): people link to them.

Every page is in three languages: English at the URLs below, whatever the browser asks for;
Belarusian and Russian under /be/ and /ru/ (i18n_patterns without a prefix for the default).
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from tracker import pages
from tracker.admin_views import ImportFixtureView
from tracker.exports import dataset

admin.site.site_header = _("Release tracker: data entry")
admin.site.site_title = _("Release tracker admin")
admin.site.index_title = _("Records")

urlpatterns = i18n_patterns(
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
    prefix_default_language=False,
)

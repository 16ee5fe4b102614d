from django.urls import path, re_path

from releases import views
from releases.feeds import CountryReleasesFeed

app_name = "countries"

urlpatterns = [
    path("", views.CountryListView.as_view(), name="list"),
    re_path(r"^(?P<code>[A-Za-z]{2})/$", views.CountryDetailView.as_view(), name="detail"),
    re_path(r"^(?P<code>[A-Za-z]{2})/feed/$", CountryReleasesFeed(), name="feed"),
]

from django.urls import path

from releases import views
from releases.feeds import LatestReleasesFeed

app_name = "releases"

urlpatterns = [
    path("", views.ReleaseListView.as_view(), name="list"),
    path("feed/", LatestReleasesFeed(), name="feed"),
    path("<int:year>/", views.ReleaseListView.as_view(), name="year"),
    path("<int:year>/<int:month>/", views.ReleaseListView.as_view(), name="month"),
    path("<slug:slug>/", views.ReleaseDetailView.as_view(), name="detail"),
]

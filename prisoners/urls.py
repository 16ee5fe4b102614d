from django.urls import path

from prisoners import views

app_name = "prisoners"

urlpatterns = [
    path("", views.PrisonerListView.as_view(), name="list"),
    path("<slug:slug>/", views.PrisonerDetailView.as_view(), name="detail"),
]

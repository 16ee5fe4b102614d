from django.urls import path

from releases import views

app_name = "concessions"

urlpatterns = [
    path("", views.ConcessionListView.as_view(), name="list"),
    path("<slug:slug>/", views.ConcessionDetailView.as_view(), name="detail"),
]

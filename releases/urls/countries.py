from django.urls import path, re_path

from releases import views

app_name = "countries"

urlpatterns = [
    path("", views.CountryListView.as_view(), name="list"),
    re_path(r"^(?P<code>[A-Za-z]{2})/$", views.CountryDetailView.as_view(), name="detail"),
]

from django.urls import path

from releases import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
]

from django.contrib import admin
from django.urls import path

admin.site.site_header = "Release tracker: data entry"
admin.site.site_title = "Release tracker admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
]

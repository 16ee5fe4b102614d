from django.contrib import admin

from tracker.models import Country, Source


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    show_full_result_count = False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "publisher", "published_on"]
    search_fields = ["title", "author", "publisher", "url"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "author", "publisher", "published_on", "url"]}),
        ("Quote", {"fields": ["quote"], "classes": ["collapse"]}),
    ]

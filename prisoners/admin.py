from django.contrib import admin
from django.db.models import Prefetch

from prisoners.models import Prisoner, PrisonerCount
from tracker.models import Country


@admin.register(Prisoner)
class PrisonerAdmin(admin.ModelAdmin):
    list_display = ["name", "name_native", "nationality_list", "status", "visibility"]
    list_filter = ["status", "visibility", "nationalities"]
    search_fields = ["name", "name_native", "other_names", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["nationalities", "sources"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            "Identity",
            {"fields": ["name", "name_native", "other_names", "slug", "nationalities", "role"]},
        ),
        ("Detention", {"fields": ["status", "detained_on", "charges", "sentence"]}),
        ("Description", {"fields": ["description"]}),
        ("Sources", {"fields": ["sources"]}),
        ("Publication", {"fields": ["visibility", "internal_notes", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("nationalities", queryset=Country.objects.only("name")))
        )

    @admin.display(description="Nationalities")
    def nationality_list(self, prisoner):
        return ", ".join(country.name for country in prisoner.nationalities.all())


@admin.register(PrisonerCount)
class PrisonerCountAdmin(admin.ModelAdmin):
    list_display = ["country", "as_of", "count", "note"]
    list_filter = ["country"]
    list_select_related = ["country"]
    search_fields = ["country__name", "country__code", "note"]
    autocomplete_fields = ["country", "sources"]
    date_hierarchy = "as_of"

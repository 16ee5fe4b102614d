from django import forms
from django.contrib import admin
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from releases.models import Release, ReleaseEvent, SanctionsConcession
from tracker.admin import (
    PreloadedAutocompleteInlineMixin,
    PublishableAdmin,
    PublishableInlineMixin,
)
from tracker.models import SubqueryCount


class ReleaseInlineFormSet(forms.BaseInlineFormSet):
    """Refuses more documented people than the event's reported count."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        documented = sum(
            1
            for form in self.forms
            if form.cleaned_data.get("prisoner") and not form.cleaned_data.get("DELETE")
        )
        reported = self.instance.reported_count
        if reported is not None and documented > reported:
            raise forms.ValidationError(
                ngettext(
                    "%(documented)d people are listed as freed, but only %(reported)d was "
                    "reported. Raise the reported count or remove people.",
                    "%(documented)d people are listed as freed, but only %(reported)d were "
                    "reported. Raise the reported count or remove people.",
                    reported,
                )
                % {"documented": documented, "reported": reported}
            )


class ReleaseInline(PreloadedAutocompleteInlineMixin, PublishableInlineMixin, admin.TabularInline):
    model = Release
    formset = ReleaseInlineFormSet
    extra = 0
    autocomplete_fields = ["prisoner", "destination", "sources"]
    fields = ["prisoner", "circumstances", "destination", "details", "sources", "visibility"]
    verbose_name = _("person freed")
    verbose_name_plural = _("people freed (documented by name)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("event", "prisoner", "destination")
            .prefetch_related("sources")
        )


class SanctionsConcessionInline(PublishableInlineMixin, admin.StackedInline):
    model = SanctionsConcession
    extra = 0
    autocomplete_fields = ["imposed_by", "target_country", "sources"]
    fieldsets = [
        (None, {"fields": ["imposed_by", "authority", "target", "target_country", "kind"]}),
        (
            "Instrument and dates",
            {
                "fields": [
                    "instrument",
                    "announced_on",
                    "issued_on",
                    "expires_on",
                    "target_remains_listed",
                ]
            },
        ),
        ("Value", {"fields": ["value_min_usd", "value_max_usd", "value_note"]}),
        ("Details", {"fields": ["description", "sources", "visibility", "internal_notes"]}),
    ]


@admin.register(ReleaseEvent)
class ReleaseEventAdmin(PublishableAdmin):
    list_display = [
        "title",
        "date",
        "releasing_country",
        "reported_count",
        "documented_count",
        "visibility",
    ]
    list_filter = ["visibility", ("releasing_country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["releasing_country"]
    search_fields = ["title", "slug", "summary", "intermediary"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "releasing_country",
        "counterparts",
        "reported_nationalities",
        "destinations",
        "sources",
    ]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "releasing_country", "summary"]}),
        ("Negotiation", {"fields": ["counterparts", "intermediary"]}),
        (
            "The freed, as reported",
            {"fields": ["reported_count", "reported_nationalities", "destinations"]},
        ),
        ("Sources", {"fields": ["sources"]}),
        ("Publication", {"fields": ["visibility", "internal_notes", "created_at", "updated_at"]}),
    ]
    inlines = [ReleaseInline, SanctionsConcessionInline]

    def get_queryset(self, request):
        # A subquery for the rows shown, where Count() grouped every release of every event
        # in each of the change list's queries.
        documented = SubqueryCount(Release.objects.filter(event=OuterRef("pk")))
        return super().get_queryset(request).annotate(documented=documented)

    @admin.display(description="Documented", ordering="documented")
    def documented_count(self, event):
        return event.documented


@admin.register(Release)
class ReleaseAdmin(PublishableAdmin):
    list_display = ["prisoner", "event", "circumstances", "destination", "visibility"]
    list_filter = ["visibility", "circumstances"]
    list_select_related = ["prisoner", "event", "destination"]
    # Newest first, through the primary key's index: the model's order joins two tables.
    ordering = ["-pk"]
    search_fields = ["prisoner__name", "prisoner__name_native", "event__title"]
    autocomplete_fields = ["event", "prisoner", "destination", "sources"]


@admin.register(SanctionsConcession)
class SanctionsConcessionAdmin(PublishableAdmin):
    list_display = ["target", "imposed_by", "kind", "announced_on", "event", "visibility"]
    list_filter = ["kind", "visibility", ("imposed_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["imposed_by", "event"]
    search_fields = ["target", "authority", "instrument", "description", "event__title"]
    autocomplete_fields = ["event", "imposed_by", "target_country", "sources"]
    date_hierarchy = "announced_on"

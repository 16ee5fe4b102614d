from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from prisoners.duplicates import possible_duplicates
from prisoners.models import Prisoner, PrisonerCount
from tracker.admin import PublishableAdmin, VersionedAdminMixin, VersionedModelForm
from tracker.models import Country


class PrisonerAdminForm(VersionedModelForm):
    """Warns, before a new person is saved, of people already recorded under a similar name."""

    not_a_duplicate = forms.BooleanField(
        label=_("This is a different person"),
        required=False,
        help_text=_("Tick after checking the possible matches shown above, to save anyway."),
    )

    class Meta:
        model = Prisoner
        fields = ["name", "name_native", "name_be", "name_ru", "other_names"]  # and fieldsets

    def possible_duplicates(self):
        return possible_duplicates(
            self.cleaned_data.get("name", ""),
            self.cleaned_data.get("name_native", ""),
            "\n".join(
                self.cleaned_data.get(field) or ""
                for field in ("name_be", "name_ru", "other_names")
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk or cleaned.get("not_a_duplicate") or self.errors:
            return cleaned
        matches = self.possible_duplicates()
        if matches:
            links = format_html_join(
                ", ",
                '<a href="{}" target="_blank">{}</a>{}',
                (
                    (
                        reverse("admin:prisoners_prisoner_change", args=[person.pk]),
                        person.name,
                        f" ({person.name_native})" if person.name_native else "",
                    )
                    for person in matches
                ),
            )
            raise forms.ValidationError(
                format_html(
                    "{} {}. {}",
                    _("Possible duplicate: already recorded as"),
                    links,
                    _("If this is a different person, tick “This is a different person”."),
                ),
                code="possible_duplicate",
            )
        return cleaned


class NationalityFilter(admin.SimpleListFilter):
    """By nationality, among the countries that have nationals, with an EXISTS test: the
    admin's own filter on a many-to-many field makes every page and count DISTINCT."""

    title = _("nationality")
    parameter_name = "nationality"

    def lookups(self, request, model_admin):
        links = Prisoner.nationalities.through.objects.values("country")
        return Country.objects.filter(pk__in=links).values_list("code", "name")

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        links = Prisoner.nationalities.through.objects.filter(
            prisoner=OuterRef("pk"), country__code=self.value()
        )
        return queryset.filter(Exists(links))


@admin.register(Prisoner)
class PrisonerAdmin(PublishableAdmin):
    form = PrisonerAdminForm
    list_display = ["name", "name_native", "nationality_list", "status", "visibility"]
    list_filter = ["status", "visibility", NationalityFilter]
    search_fields = ["name"]  # any spelling, in any script: see get_search_results
    search_help_text = _("Any spelling, in Latin or Cyrillic; small typos are forgiven.")
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["nationalities", "sources"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "name",
                    "surname",
                    "name_native",
                    ("name_be", "name_ru"),
                    "other_names",
                    "slug",
                    "nationalities",
                    "role",
                ]
            },
        ),
        (
            _("Detention"),
            {
                "fields": [
                    "status",
                    ("detained_on", "detained_on_precision"),
                    "charges",
                    "sentence",
                ]
            },
        ),
        (_("Description"), {"fields": ["description"]}),
        (_("Sources"), {"fields": ["sources"]}),
        (
            _("Publication"),
            {"fields": ["visibility", "internal_notes", "created_at", "updated_at"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            fieldsets = [*fieldsets, (_("Duplicates"), {"fields": ["not_a_duplicate"]})]
        return fieldsets

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("nationalities", queryset=Country.objects.only("name")))
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    @admin.display(description=_("Nationalities"))
    def nationality_list(self, prisoner):
        return ", ".join(country.name for country in prisoner.nationalities.all())


@admin.register(PrisonerCount)
class PrisonerCountAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["country", "as_of_shown", "count_shown", "counted_by"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter), "qualifier"]
    list_select_related = ["country"]
    search_fields = ["country__name", "country__code", "counted_by"]
    fields = [
        "country",
        ("as_of", "as_of_precision"),
        ("count", "qualifier"),
        "counted_by",
        "sources",
    ]
    autocomplete_fields = ["country", "sources"]
    date_hierarchy = "as_of"

    @admin.display(description=_("as of"), ordering="as_of")
    def as_of_shown(self, count):
        return count.as_of_display

    @admin.display(description=_("political prisoners"), ordering="count")
    def count_shown(self, count):
        return count.display

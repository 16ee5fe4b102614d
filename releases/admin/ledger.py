"""The admin of the sanctions ledger: measures, the entities they cover, their links to releases
and the figures about them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from releases.models import (
    ConcessionFigure,
    ConcessionLink,
    SanctionedEntity,
    SanctionsConcession,
)
from tracker.admin import (
    PublishableAdmin,
    PublishableInlineMixin,
)


class ReleaseLinkInline(PublishableInlineMixin, admin.TabularInline):
    """The releases a measure followed, entered from the measure's page."""

    model = ConcessionLink
    fk_name = "concession"
    extra = 0
    autocomplete_fields = ["event", "sources"]
    fields = ["event", "basis", "note", "sources", "visibility"]
    verbose_name = _("release it followed")
    verbose_name_plural = _("releases it followed (none, one or several)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")


class ConcessionFigureInline(PublishableInlineMixin, admin.TabularInline):
    model = ConcessionFigure
    extra = 0
    autocomplete_fields = ["sources"]
    fields = [
        "measure",
        "slug",
        "low",
        "high",
        "qualifier",
        "currency",
        "unit",
        "period",
        "sources",
        "visibility",
    ]
    verbose_name_plural = _("figures about the measure (each with what it measures)")


@admin.register(SanctionsConcession)
class SanctionsConcessionAdmin(PublishableAdmin):
    list_display = [
        "__str__",
        "imposed_by",
        "kind",
        "announced_on",
        "issued_on",
        "expiry",
        "visibility",
    ]
    list_filter = ["kind", "visibility", ("imposed_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["imposed_by"]
    search_fields = [
        "slug",
        "identifier",
        "title",
        "target",
        "authority",
        "programme",
        "description",
    ]
    autocomplete_fields = ["imposed_by", "target_country", "entities", "supersedes", "sources"]
    # No prepopulated slug: left blank, clean() makes it from the state and the identifier
    # ("us-gl-13"), or from what the measure covers; one rule, for the admin and the importer.
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            _("Instrument"),
            {
                "fields": [
                    "imposed_by",
                    "authority",
                    "identifier",
                    "slug",
                    "title",
                    "url",
                    "programme",
                    "kind",
                ]
            },
        ),
        (_("What it covers"), {"fields": ["target", "target_country", "entities"]}),
        (
            _("Dates"),
            {
                "fields": [
                    ("announced_on", "announced_on_precision"),
                    ("issued_on", "issued_on_precision"),
                    ("expires_on", "expires_on_precision"),
                    "no_expiry",
                ]
            },
        ),
        (
            _("Scope"),
            {"fields": ["delists", "unblocks_property", "covers_owned_entities", "conditions"]},
        ),
        (_("Series"), {"fields": ["supersedes"]}),
        (_("Details and sources"), {"fields": ["description", "sources"]}),
        (
            _("Publication"),
            {"fields": ["visibility", "internal_notes", "created_at", "updated_at"]},
        ),
    ]
    inlines = [ReleaseLinkInline, ConcessionFigureInline]

    @admin.display(description=_("expires"))
    def expiry(self, concession):
        return concession.expiry_display


@admin.register(SanctionedEntity)
class SanctionedEntityAdmin(PublishableAdmin):
    list_display = ["name", "kind", "country", "designated_by", "visibility"]
    list_filter = ["kind", "visibility"]
    list_select_related = ["country", "designated_by"]
    search_fields = ["name", "slug", "list_identifiers", "programme"]
    autocomplete_fields = ["country", "designated_by", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "country", "description"]}),
        (
            _("Designation"),
            {
                "fields": [
                    "designated_by",
                    ("designated_on", "designated_on_precision"),
                    "programme",
                    "list_identifiers",
                ]
            },
        ),
        (_("Sources"), {"fields": ["sources"]}),
        (
            _("Publication"),
            {"fields": ["visibility", "internal_notes", "created_at", "updated_at"]},
        ),
    ]


@admin.register(ConcessionLink)
class ConcessionLinkAdmin(PublishableAdmin):
    list_display = ["concession", "event", "basis", "visibility"]
    list_select_related = ["concession__imposed_by", "event"]
    list_filter = ["basis", "visibility"]
    search_fields = ["concession__identifier", "concession__target", "event__title", "note"]
    autocomplete_fields = ["concession", "event", "sources"]


@admin.register(ConcessionFigure)
class ConcessionFigureAdmin(PublishableAdmin):
    list_display = ["measure", "concession", "visibility"]
    list_select_related = ["concession__imposed_by"]
    list_filter = ["visibility"]
    search_fields = ["measure", "concession__identifier", "concession__target"]
    autocomplete_fields = ["concession", "sources"]

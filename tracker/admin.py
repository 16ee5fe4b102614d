from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from tracker.models import Country, Source, Visibility


def can_publish(request, model):
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


class PublishableAdmin(SimpleHistoryAdmin):
    """Admin of a record with a visibility: only editors (the publish permission) change it.

    For everyone else the field is read-only, so new records stay restricted, and saving,
    reverting to an old version included, never changes a record's visibility.
    """

    actions = ["publish", "restrict"]

    def has_publish_permission(self, request):
        return can_publish(request, self.model)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("visibility")
        return readonly

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            stored = (
                type(obj)._default_manager.filter(pk=obj.pk).values_list("visibility", flat=True)
            )
            obj.visibility = (stored.first() if obj.pk else None) or Visibility.RESTRICTED
        super().save_model(request, obj, form, change)

    def _set_visibility(self, request, queryset, visibility, done):
        count = 0
        for record in queryset.exclude(visibility=visibility):
            record.visibility = visibility
            record._history_user = request.user
            record.save(update_fields=["visibility", "updated_at"])
            count += 1
        self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(permissions=["publish"], description=_("Publish the selected records"))
    def publish(self, request, queryset):
        self._set_visibility(
            request,
            queryset,
            Visibility.PUBLIC,
            lambda count: ngettext("%d record published.", "%d records published.", count) % count,
        )

    @admin.action(permissions=["publish"], description=_("Restrict the selected records"))
    def restrict(self, request, queryset):
        self._set_visibility(
            request,
            queryset,
            Visibility.RESTRICTED,
            lambda count: (
                ngettext("%d record restricted.", "%d records restricted.", count) % count
            ),
        )


class PublishableInlineMixin:
    """For inlines of records with a visibility: read-only for those who cannot publish."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request, self.model):
            readonly.append("visibility")
        return readonly


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    show_full_result_count = False


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "author", "publisher", "published_on"]
    search_fields = ["title", "author", "publisher", "url"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "author", "publisher", "published_on", "url"]}),
        ("Quote", {"fields": ["quote"], "classes": ["collapse"]}),
    ]

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from tracker.models import Country, Source, Visibility
from tracker.pagination import IndexPaginator


def can_publish(request, model):
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


class PublishableAdmin(SimpleHistoryAdmin):
    """Admin of a record with a visibility: only editors (the publish permission) change it.

    For everyone else the field is read-only, so new records stay restricted, and saving,
    reverting to an old version included, never changes a record's visibility.
    """

    actions = ["publish", "restrict"]
    # At 100,000 records: late pages through an index, and no second count of the whole table.
    paginator = IndexPaginator
    show_full_result_count = False

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


class PreloadedAutocompleteMixin:
    """An autocomplete widget that shows its selected records from `preloaded` when it holds
    them ({primary key as text: record}), where Django reads them again for every widget: one
    query per field of every row of an inline, 1,500 for a release of 500 people."""

    preloaded = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.preloaded is None or not selected <= self.preloaded.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            label = self.choices.field.label_from_instance(self.preloaded[key])
            options.append(self.create_option(name, key, label, selected, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteSelect(PreloadedAutocompleteMixin, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(PreloadedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class PreloadedAutocompleteInlineMixin:
    """For inlines of many rows: the autocomplete fields' selected records come with the rows.

    The inline's queryset must select_related() its autocomplete foreign keys and
    prefetch_related() its autocomplete many-to-many fields.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                PreloadedAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = list(self.get_autocomplete_fields(request))

        class PreloadedFormSet(formset):
            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                record = form.instance
                for name in fields:
                    if name not in form.fields or record.pk is None:
                        continue
                    widget = form.fields[name].widget
                    widget = getattr(widget, "widget", widget)  # the admin's "+" wrapper
                    model_field = record._meta.get_field(name)
                    if model_field.many_to_many:
                        related = getattr(record, name).all()
                    else:
                        related = [getattr(record, name)] if getattr(record, name) else []
                    widget.preloaded = {str(item.pk): item for item in related}
                return form

        return PreloadedFormSet


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
    paginator = IndexPaginator
    show_full_result_count = False
    list_display = ["title", "author", "publisher", "published_on"]
    search_fields = ["title", "author", "publisher", "url"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "author", "publisher", "published_on", "url"]}),
        ("Quote", {"fields": ["quote"], "classes": ["collapse"]}),
    ]

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.forms.models import InlineForeignKeyField
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from tracker import form_values, services
from tracker.models import Country, Source, Visibility
from tracker.pagination import IndexPaginator

SEEN_VERSIONS = "_seen_version"  # the change list's "pk:version" of each row shown


def can_publish(request, model):
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


class VersionedModelForm(forms.ModelForm):
    """A form that remembers which version of the record it showed, and refuses to save over a
    newer one (tracker.services.check_current).

    Beside each field it carries the value it showed (tracker.form_values), so that what the
    editor changed is what differs from the page, not from the record as it is by the time
    they save. On refusal the form is shown again with the record as stored now under the
    editor's changes: every field they left shows the stored value, a field both they and
    someone else changed keeps their entry and says what the other stored, and the visibility
    is the stored one, so a stale form never publishes or restricts by accident. Saving again
    then applies their changes, and only theirs, over the record as it now is.
    """

    seen_version = forms.IntegerField(
        label=_("seen version"), widget=forms.HiddenInput, required=False
    )
    # Set by VersionedAdminMixin.get_form for a history restore: the version that was current
    # when the restore page opened, rather than the old version's own.
    current_version = None
    # Set for the restore of a deleted record: it is saved as a new row again.
    restoring_deleted = False
    # Set where the record's sources are rows of an inline, saved after the record: the
    # inline's formset checks that a public record cites one.
    sources_in_inline = False
    # The record as stored, its row locked, when clean() checked the version shown: the save
    # that follows in the same transaction does not read it again.
    checked = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.current_version or self.instance.version
        if self.is_update and self.current_version is None:  # a restore shows an old version
            for name in [*self.record_fields(), "seen_version"]:
                self.fields[name].show_hidden_initial = True

    # Whether a form the user left untouched is checked too: an admin page saves its main form
    # whatever the user changed; a formset saves only the rows that changed.
    check_unchanged = True

    def record_fields(self):
        """The names of the form's fields that are the record's own (not the inline's parent,
        not the form's extra questions)."""
        opts = self.instance._meta
        own = {
            field.name
            for field in [*opts.concrete_fields, *opts.many_to_many]
            if field.editable and not field.primary_key
        }
        return [
            name
            for name, field in self.fields.items()
            if name in own and not isinstance(field, InlineForeignKeyField)
        ]

    @property
    def carries_shown_values(self):
        """Whether the posted page carried the values it showed (a page rendered for this
        version of the record; a request built by hand may not)."""
        return self.is_bound and self.add_initial_prefix("seen_version") in self.data

    @cached_property
    def changed_data(self):
        """The fields the editor changed: against the values the page showed when it carries
        them, else against the record as stored."""
        shown = self.carries_shown_values
        return [field.name for field in self if self._changed(field, shown)]

    def _changed(self, bound_field, shown):
        if shown and bound_field.field.show_hidden_initial:
            try:
                initial = form_values.shown_value(self, bound_field)
            except ValidationError:
                return True
        else:
            initial = bound_field.initial
        return form_values.differs(bound_field.field, initial, bound_field.data)

    def has_changed(self):
        """Whether the user changed anything: the version shown is not an entry of theirs."""
        return any(name != "seen_version" for name in self.changed_data)

    @property
    def is_update(self):
        adding = self.instance._state.adding or self.restoring_deleted
        return self.instance.pk is not None and not adding

    def clean(self):
        cleaned = super().clean()
        deleting = bool(cleaned.get("DELETE"))
        stored = None
        if self.is_update and (self.check_unchanged or self.has_changed() or deleting):
            try:
                stored = services.check_current(self.instance, cleaned.get("seen_version"))
            except services.StaleRecord as stale:
                self._refuse_as_stale(stale)
            self.checked = stored
        if not deleting and self.needs_publication_check(cleaned, stored):
            sources = cleaned.get("sources") if "sources" in self.fields else None
            try:
                services.check_publishable(self.instance, sources=sources)
            except ValidationError as error:
                self.add_error("visibility" if "visibility" in self.fields else None, error)
        return cleaned

    def needs_publication_check(self, cleaned, stored):
        """A record that becomes public, or a public one whose sources change, must cite one."""
        if self.sources_in_inline or not self.will_be_public(cleaned):
            return False
        if self.is_update and stored is None:  # an inline row left as it was
            return False
        return getattr(stored, "visibility", None) != Visibility.PUBLIC or (
            "sources" in self.changed_data
        )

    def will_be_public(self, cleaned):
        if "visibility" in self.fields:
            return cleaned.get("visibility") == Visibility.PUBLIC
        return getattr(self.instance, "visibility", None) == Visibility.PUBLIC

    def _refuse_as_stale(self, stale):
        """Show the form again over the record as stored now (see the class), then refuse."""
        current = stale.current
        if current is None:
            raise stale
        data = form_values.editable_copy(self.data)
        merged = self.carries_shown_values
        if merged:
            form_values.show_stored_under_entries(self, data, current, stale.changes)
            data[self.add_initial_prefix("seen_version")] = current.version
        data[self.add_prefix("seen_version")] = current.version
        if "visibility" in self.fields:
            form_values.reset_visibility(self, data, current)
        self.data = data
        if not merged:
            raise stale
        raise services.StaleRecord(
            services.stale_message(
                stale.changes,
                advice=_(
                    "The form now shows the record as it is, with your changes; where someone "
                    "else changed a field you changed too, your entry is kept and theirs is "
                    "named. Check them, then save again."
                ),
            ),
            current=current,
            changes=stale.changes,
        )


class VersionedInlineForm(VersionedModelForm):
    """A stored inline row left as it was is not saved (a formset saves the rows that changed),
    so it is not validated either, as Django's formsets do for blank extra rows: its checks
    cost queries a row (each foreign key, each database constraint), hundreds for an event of
    many people freed. Its `cleaned_data` is empty; its values are the stored record's."""

    check_unchanged = False

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.pk is not None:
            kwargs["empty_permitted"] = True
        super().__init__(*args, instance=instance, **kwargs)


def with_seen_version(fieldsets):
    """The fieldsets, with the form's hidden `seen_version` in the last one."""
    *others, (name, options) = fieldsets
    if "seen_version" in options["fields"]:
        return fieldsets
    return [*others, (name, {**options, "fields": [*options["fields"], "seen_version"]})]


def form_links(form):
    """{many-to-many field name: the records chosen} of a validated model form; of a form that
    showed the record as stored (not a restore), only those the user changed: the others are
    stored as shown."""
    shows_stored = (
        isinstance(form, VersionedModelForm)
        and form.checked is not None
        and form.current_version is None
    )
    return {
        field.name: form.cleaned_data[field.name]
        for field in form.instance._meta.many_to_many
        if field.name in form.fields
        and field.name in form.cleaned_data
        and (field.name in form.changed_data or not shows_stored)
    }


def save_from_form(request, record, form):
    """Save a record a model form validated, with its many-to-many links, through the service;
    a VersionedModelForm's as the version after the one it showed."""
    if getattr(form, "restoring_deleted", False):
        record._state.adding = True
    services.save_record(
        record,
        user=request.user,
        seen_version=form.cleaned_data.get("seen_version"),
        checked=getattr(form, "checked", None),
        sources=form.cleaned_data.get("sources") if "sources" in form.fields else None,
        check_sources=not getattr(form, "sources_in_inline", False),
        links=form_links(form),
    )
    form.save_m2m = lambda: None  # the service saved the links: nothing is left to save


class ServicedAdminMixin:
    """An admin whose every write (form, inline rows, delete, history restore) goes through the
    services (tracker.services): the forms validate, the services write."""

    def save_model(self, request, obj, form, change):
        save_from_form(request, obj, form)

    def save_related(self, request, form, formsets, change):
        """The inline rows, each through the service (the record's own links were saved with
        it: save_model)."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)  # validated rows as unsaved records; writes nothing
        for record in formset.deleted_objects:
            services.delete_record(record, user=request.user)
        for row in formset.saved_forms:
            save_from_form(request, row.instance, row)

    def delete_model(self, request, obj):
        services.delete_record(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for record in queryset:
            services.delete_record(record, user=request.user)


class VersionedAdminMixin(ServicedAdminMixin):
    """An admin whose every write (form, inline row, restore) checks and bumps the version."""

    form = VersionedModelForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is None else with_seen_version(fieldsets)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if hasattr(request, "restoring"):  # set by history_form_view: the record as it is now
            current = request.restoring
            attributes = {
                "current_version": current.version if current else None,
                "restoring_deleted": current is None,
            }
            form = type(form.__name__, (form,), attributes)
        return form

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring an old version changes the record: it needs the change permission, and
        bringing back a deleted record needs the delete permission. (django-simple-history
        lets anyone who may view the history do either.)"""
        current = self.get_object(request, object_id)
        if request.method == "POST" and not self.may_restore(request, current):
            raise PermissionDenied
        request.restoring = current
        with transaction.atomic():  # as the change form: the version check locks the row
            return super().history_form_view(request, object_id, version_id, extra_context)

    def may_restore(self, request, current):
        if current is None:
            return self.has_delete_permission(request) and self.has_add_permission(request)
        return self.has_change_permission(request, current)

    def revert_disabled(self, request, obj=None):
        current = getattr(request, "restoring", obj)
        return super().revert_disabled(request, obj) or not self.may_restore(request, current)


class VersionedInlineMixin:
    """Inline rows that remember the version they showed (see VersionedModelForm)."""

    form = VersionedInlineForm

    def get_fieldsets(self, request, obj=None):
        return with_seen_version(super().get_fieldsets(request, obj))


class PublishableAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
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

    def action_checkbox(self, obj):
        """The row's checkbox, and the version shown, so that an action refuses a record
        changed since the list was loaded."""
        return format_html(
            '{}<input type="hidden" name="{}" value="{}:{}">',
            super().action_checkbox(obj),
            SEEN_VERSIONS,
            obj.pk,
            obj.version,
        )

    @staticmethod
    def seen_versions(request):
        """{pk: version} of the rows the change list showed."""
        seen = {}
        for value in request.POST.getlist(SEEN_VERSIONS):
            pk, _sep, version = value.partition(":")
            if pk.isdigit() and version.isdigit():
                seen[int(pk)] = int(version)
        return seen

    def set_visibility(self, request, queryset, visibility):
        """Publish or restrict each record, unless it changed since the list was loaded or may
        not be public: ([records changed], {record: why it was refused})."""
        return services.set_visibility(
            queryset, visibility, user=request.user, seen_versions=self.seen_versions(request)
        )

    def report_visibility(self, request, visibility, changed, refused):
        count = len(changed)
        if visibility == Visibility.PUBLIC:
            done = ngettext("%d record published.", "%d records published.", count)
        else:
            done = ngettext("%d record restricted.", "%d records restricted.", count)
        self.message_user(request, done % count, messages.SUCCESS)
        if refused:
            self.message_user(request, services.refused_message(refused), messages.ERROR)

    @admin.action(permissions=["publish"], description=_("Publish the selected records"))
    def publish(self, request, queryset):
        changed, refused = self.set_visibility(request, queryset, Visibility.PUBLIC)
        self.report_visibility(request, Visibility.PUBLIC, changed, refused)

    @admin.action(permissions=["publish"], description=_("Restrict the selected records"))
    def restrict(self, request, queryset):
        changed, refused = self.set_visibility(request, queryset, Visibility.RESTRICTED)
        self.report_visibility(request, Visibility.RESTRICTED, changed, refused)


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


class PublishableInlineMixin(VersionedInlineMixin):
    """For inlines of records with a visibility: read-only for those who cannot publish."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request, self.model):
            readonly.append("visibility")
        return readonly


# Names people type for a country that its ISO name does not contain.
COUNTRY_ALIASES = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "america": "US",
    "united states of america": "US",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "south korea": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "laos": "LA",
    "moldova": "MD",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "taiwan": "TW",
    "czech republic": "CZ",
    "czechia": "CZ",
    "holland": "NL",
    "turkey": "TR",
    "ivory coast": "CI",
    "burma": "MM",
    "vatican": "VA",
    "palestine": "PS",
    "eu": "EU",
    "europe": "EU",
}


@admin.register(Country)
class CountryAdmin(ServicedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """Countries matching the term, best first: the exact code ("LT"), the exact name or a
        common name ("UK", "Britain", "USA"), names starting with the term, then names
        containing it. Codes match only in full: "LT" is Lithuania, not Gibraltar."""
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        folded = term.casefold()
        alias = COUNTRY_ALIASES.get(folded)
        exact_code = Q(code=term.upper()) if len(term) == 2 else Q(pk__in=[])
        exact_name = Q(name__iexact=term) | (Q(code=alias) if alias else Q(pk__in=[]))
        matches = queryset.filter(exact_code | exact_name | Q(name__icontains=term))
        ranked = matches.annotate(
            rank=Case(
                When(exact_code, then=Value(0)),
                When(exact_name, then=Value(1)),
                When(name__istartswith=term, then=Value(2)),
                default=Value(3),
            )
        )
        return ranked.order_by("rank", "name"), False


@admin.register(Source)
class SourceAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    paginator = IndexPaginator
    show_full_result_count = False
    list_display = ["title", "author", "publisher", "publication_date"]
    search_fields = ["title", "slug", "author", "publisher", "url"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "author",
                    "publisher",
                    ("published_on", "published_on_precision"),
                    "url",
                ]
            },
        ),
        (_("Quote"), {"fields": ["quote"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("published"), ordering="published_on")
    def publication_date(self, source):
        return source.published_on_display

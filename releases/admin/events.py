"""The admin of release events, the people freed and the evidence about them."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from releases import services
from releases.admin.forms import (
    HiddenRecords,
    ReleaseAdminForm,
    ReleaseEventAdminForm,
    ReleaseInlineFormSet,
    ReleaseSourceFormSet,
)
from releases.models import (
    ConcessionLink,
    Participant,
    Release,
    ReleaseEvent,
    ReleaseSource,
    ReportedNationality,
    RouteLeg,
)
from tracker import services as tracker_services
from tracker.admin import (
    PreloadedAutocompleteInlineMixin,
    PublishableAdmin,
    PublishableInlineMixin,
)
from tracker.models import SubqueryCount, Visibility


class ReleaseInline(PreloadedAutocompleteInlineMixin, PublishableInlineMixin, admin.TabularInline):
    model = Release
    formset = ReleaseInlineFormSet
    extra = 0
    autocomplete_fields = ["prisoner", "transit", "destination"]
    fields = [
        "prisoner",
        "status",
        "circumstances",
        "transit",
        "destination",
        "details",
        "visibility",
    ]
    # The sources a person freed cites, for and against, are entered on its own page.
    show_change_link = True
    verbose_name = _("person freed")
    verbose_name_plural = _("people freed (documented by name; sources on each one's page)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("event", "prisoner", "transit", "destination")
        )


class ReportedNationalityInline(PublishableInlineMixin, admin.TabularInline):
    model = ReportedNationality
    extra = 0
    autocomplete_fields = ["country", "source"]
    fields = ["country", "count", "qualifier", "source", "quote", "visibility"]
    verbose_name_plural = _(
        "nationalities reported among the freed (one row a source: sources may disagree)"
    )


class RouteLegInline(PublishableInlineMixin, admin.TabularInline):
    model = RouteLeg
    extra = 0
    autocomplete_fields = ["from_country", "via_country", "to_country", "sources"]
    fields = [
        "position",
        "from_country",
        "via_country",
        "to_country",
        "count",
        "qualifier",
        "receiving_body",
        "note",
        "sources",
        "visibility",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sources")


class ParticipantInline(PublishableInlineMixin, admin.TabularInline):
    model = Participant
    extra = 0
    autocomplete_fields = ["country", "sources"]
    fields = ["name", "role", "title", "country", "sources", "visibility"]
    verbose_name_plural = _("participants (envoys, negotiators, spokespeople, facilitators...)")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sources")


class ConcessionLinkInline(PublishableInlineMixin, admin.TabularInline):
    """The measures a release is linked to, entered from the release's page."""

    model = ConcessionLink
    fk_name = "event"
    extra = 0
    autocomplete_fields = ["concession", "sources"]
    fields = ["concession", "basis", "note", "sources", "visibility"]
    verbose_name = _("sanctions measure linked")
    verbose_name_plural = _(
        "sanctions measures linked to this release (enter the measure itself under "
        "Sanctions measures)"
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("concession__imposed_by")
            .prefetch_related("sources")
        )


@admin.register(ReleaseEvent)
class ReleaseEventAdmin(PublishableAdmin):
    form = ReleaseEventAdminForm
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
    search_fields = ["title", "slug", "summary"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["releasing_country", "counterparts", "sources"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "date", "date_precision", "releasing_country", "summary"]},
        ),
        (_("Negotiation"), {"fields": ["counterparts"]}),
        (_("The freed, as reported"), {"fields": ["reported_count"]}),
        (_("Sources"), {"fields": ["sources"]}),
        (
            _("Publication"),
            {"fields": ["visibility", "internal_notes", "created_at", "updated_at"]},
        ),
    ]
    inlines = [
        ParticipantInline,
        ReportedNationalityInline,
        RouteLegInline,
        ReleaseInline,
        ConcessionLinkInline,
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_publish_permission(request) or (obj is not None and obj.is_public):
            return fieldsets
        asked = ["hidden_records"] if obj is None else ["hidden_records", "hidden_shown"]
        return [
            (name, {**options, "fields": [*options["fields"], *asked]})
            if "visibility" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if hasattr(request, "restoring"):
            form.checks_stored_releases = True
        return form

    def get_queryset(self, request):
        # Subqueries for the rows shown, where Count() grouped every release of every event
        # in each of the change list's queries.
        releases = Release.objects.filter(event=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                documented=SubqueryCount(releases),
                documented_public=SubqueryCount(
                    releases.filter(
                        visibility=Visibility.PUBLIC, prisoner__visibility=Visibility.PUBLIC
                    )
                ),
            )
        )

    @admin.display(description=_("Documented: public / all"), ordering="documented")
    def documented_count(self, event):
        """What the public page shows beside what staff have entered, e.g. "2 / 4"."""
        if event.visibility != Visibility.PUBLIC:
            return f"0 / {event.documented}"
        return f"{event.documented_public} / {event.documented}"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A refusal from a service during the save (the hidden records changed, a row saved
        by someone else since) undoes the whole save (Django's transaction of the view) and
        says why: never a 500."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(
                request,
                _("Nothing was saved. %(problem)s") % {"problem": " ".join(error.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        deleting = {
            shown_key(row.instance) for formset in formsets for row in formset.deleted_forms
        }  # before the rows are deleted, and lose their primary keys
        super().save_related(request, form, formsets, change)
        event = form.instance
        if event.visibility != Visibility.PUBLIC or not self.has_publish_permission(request):
            return
        choice = form.cleaned_data.get("hidden_records")
        if change:
            if choice != HiddenRecords.PUBLISH or not form.hidden:
                return
            hidden, shown = as_saved(
                form.hidden, form.cleaned_data["hidden_shown"], formsets, deleting
            )
        else:
            # A new release: its hidden rows are the ones the editor entered in this save.
            hidden = services.hidden_with(event)
            if not hidden:
                return
            if choice != HiddenRecords.PUBLISH:
                self.message_user(
                    request,
                    _("The release is public; these stay hidden: %(hidden)s.")
                    % {"hidden": services.describe_hidden(hidden)},
                    messages.WARNING,
                )
                return
            shown = services.parse_shown(services.shown_token(r) for r, _p in hidden)
        published = services.publish_hidden(event, user=request.user, shown=shown, hidden=hidden)
        self.message_user(
            request,
            ngettext(
                "%(count)d hidden record was published with the release: %(kinds)s.",
                "%(count)d hidden records were published with the release: %(kinds)s.",
                len(published),
            )
            % {"count": len(published), "kinds": services.count_by_kind(published)},
            messages.SUCCESS,
        )

    @admin.action(permissions=["publish"], description=_("Publish the selected records"))
    def publish(self, request, queryset):
        """Publish events; when some have records hidden (public events included), first ask
        whether to publish those with them (a confirmation page, like Django's delete), and
        publish exactly the records that page listed."""
        choice = request.POST.get("hidden_records")
        hidden = {event: services.hidden_with(event) for event in queryset}
        hidden = {event: records for event, records in hidden.items() if records}
        if hidden and choice not in HiddenRecords.values:
            return self.publish_confirmation(request, hidden)
        if choice == HiddenRecords.PUBLISH:
            try:
                shown = {
                    event: services.parse_shown(request.POST.getlist(f"hidden_shown_{event.pk}"))
                    for event in hidden
                }
            except ValidationError as error:
                return self.publish_confirmation(request, hidden, problem=error.messages)
            differences = [
                f"{event}: {difference}"
                for event in hidden
                if (difference := services.hidden_changes(hidden[event], shown[event]))
            ]
            if differences:
                return self.publish_confirmation(request, hidden, problem=differences)
        published = []
        with transaction.atomic():
            changed, refused = self.set_visibility(request, queryset, Visibility.PUBLIC)
            try:
                if choice == HiddenRecords.PUBLISH:
                    for event, records in hidden.items():
                        if event in changed or event.visibility == Visibility.PUBLIC:
                            published += services.publish_hidden(
                                event, user=request.user, shown=shown[event], hidden=records
                            )
            except ValidationError as error:
                transaction.set_rollback(True)
                self.message_user(
                    request,
                    _("Nothing was published. %(problem)s") % {"problem": " ".join(error.messages)},
                    messages.ERROR,
                )
                return None
        staying = (
            []
            if choice == HiddenRecords.PUBLISH
            else [pair for records in hidden.values() for pair in records]
        )
        self.message_user(request, published_message(changed, published, staying), messages.SUCCESS)
        if refused:
            self.message_user(request, tracker_services.refused_message(refused), messages.ERROR)
        return None

    def publish_confirmation(self, request, hidden, *, problem=()):
        """The page that lists each event's hidden records and carries them, with the versions
        shown, to the publish that follows."""
        if problem:
            self.message_user(
                request,
                _("Nothing was published: the records hidden changed. %(problem)s")
                % {"problem": " ".join(problem)},
                messages.ERROR,
            )
        return TemplateResponse(
            request,
            "admin/releases/releaseevent/publish_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Publish release events"),
                "opts": self.model._meta,
                "hidden": [
                    (
                        event,
                        services.describe_hidden(records),
                        f"hidden_shown_{event.pk}",
                        [services.shown_token(record) for record, _problems in records],
                    )
                    for event, records in hidden.items()
                ],
                "choices": HiddenRecords.choices,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "seen_versions": request.POST.getlist("_seen_version"),
                "select_across": request.POST.get("select_across", "0"),
            },
        )


def shown_key(record):
    return (record._meta.label_lower, record.pk)


def as_saved(hidden, shown, formsets, deleted):
    """The form's hidden list and the versions it showed, as this save left them: a row the
    inlines saved is the record as saved, at the version it wrote (the editor saw it: they
    entered it); a row `deleted` ({shown_key}) or made public in the save is hidden no more."""
    saved = {
        shown_key(row.instance): row.instance for formset in formsets for row in formset.saved_forms
    }
    shown, now_hidden = dict(shown), []
    for record, problems in hidden:
        key = shown_key(record)
        record = saved.get(key, record)
        if key in deleted or record.visibility == Visibility.PUBLIC:
            shown.pop(key, None)
            continue
        if key in saved and key in shown:
            shown[key] = record.version
        now_hidden.append((record, problems))
    return now_hidden, shown


def published_message(events, published, staying):
    """What a publish did, by kind: "Published 1 release event and 4 people freed; 2 stay
    hidden: …"."""
    done = services.count_by_kind([*events, *published]) or _("nothing")
    message = _("Published: %(done)s.") % {"done": done}
    if staying:
        message += " " + ngettext(
            "%(count)d stays hidden: %(hidden)s.",
            "%(count)d stay hidden: %(hidden)s.",
            len(staying),
        ) % {"count": len(staying), "hidden": services.describe_hidden(staying)}
    return message


class ReleaseSourceInline(admin.TabularInline):
    model = ReleaseSource
    formset = ReleaseSourceFormSet
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "stance", "quote"]


@admin.register(Release)
class ReleaseAdmin(PublishableAdmin):
    form = ReleaseAdminForm
    list_display = ["prisoner", "event", "status", "circumstances", "destination", "visibility"]
    list_filter = ["visibility", "status", "circumstances"]
    list_select_related = ["prisoner", "event", "destination"]
    # Newest first, through the primary key's index: the model's order joins two tables.
    ordering = ["-pk"]
    search_fields = ["prisoner__name", "prisoner__name_native", "event__title"]
    autocomplete_fields = ["event", "prisoner", "transit", "destination"]
    inlines = [ReleaseSourceInline]


@admin.register(ReportedNationality)
class ReportedNationalityAdmin(PublishableAdmin):
    list_display = ["event", "country", "count", "qualifier", "source", "visibility"]
    list_select_related = ["event", "country", "source"]
    list_filter = ["visibility"]
    search_fields = ["event__title", "country__name", "quote"]
    autocomplete_fields = ["event", "country", "source"]


@admin.register(RouteLeg)
class RouteLegAdmin(PublishableAdmin):
    list_display = ["event", "position", "from_country", "via_country", "to_country", "count"]
    list_select_related = ["event", "from_country", "via_country", "to_country"]
    list_filter = ["visibility"]
    search_fields = ["event__title", "receiving_body", "note"]
    autocomplete_fields = ["event", "from_country", "via_country", "to_country", "sources"]


@admin.register(Participant)
class ParticipantAdmin(PublishableAdmin):
    list_display = ["name", "role", "title", "country", "event", "visibility"]
    list_select_related = ["event", "country"]
    list_filter = ["role", "visibility"]
    search_fields = ["name", "title", "event__title"]
    autocomplete_fields = ["event", "country", "sources"]

"""The forms of the release event admin: the event with its people freed, and the list of hidden
records that publishing binds to."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from releases import services
from releases.models import (
    DOCUMENTED_STATUSES,
)
from tracker import services as tracker_services
from tracker.admin import (
    VersionedModelForm,
)
from tracker.models import Visibility


class ReleaseInlineFormSet(forms.BaseInlineFormSet):
    """The people freed as the event page lists them, checked against its reported figure."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        documented = set()
        for form in self.forms:
            if form.has_changed():  # validated: the values entered
                values = form.cleaned_data
                if values.get("DELETE") or not values.get("prisoner"):
                    continue
                prisoner, status = values["prisoner"].pk, values.get("status")
            elif form.instance.pk is not None:  # a row left as stored (VersionedInlineForm)
                prisoner, status = form.instance.prisoner_id, form.instance.status
            else:
                continue
            if status in DOCUMENTED_STATUSES:
                documented.add(prisoner)
        services.check_documented_within_reported(
            reported_count=self.instance.reported_count, documented=len(documented)
        )


class ReleaseAdminForm(VersionedModelForm):
    """A person freed, entered on its own: the event's other people count too."""

    sources_in_inline = True  # checked by ReleaseSourceFormSet

    def clean(self):
        cleaned = super().clean()
        event, prisoner = cleaned.get("event"), cleaned.get("prisoner")
        if event and prisoner and cleaned.get("status") in DOCUMENTED_STATUSES:
            try:
                services.check_documented_within_reported(
                    reported_count=event.reported_count,
                    documented=services.documented_after(
                        event, prisoner=prisoner, replacing=self.instance
                    ),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class HiddenRecords(models.TextChoices):
    PUBLISH = "publish", _("Publish them with the release")
    LEAVE = "leave", _("Publish the release alone; they stay hidden")


class ShownRecordsField(forms.Field):
    """The hidden records a page listed, each with the version shown ("releases.release:12:3"),
    so that publishing them publishes what the editor saw and nothing else."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return services.parse_shown(value or [])


class ReleaseEventAdminForm(VersionedModelForm):
    """Publishing an event is one deliberate step: the editor sees what it would leave hidden
    (restricted people freed and concessions) and chooses to publish them with it or not."""

    hidden_records = forms.ChoiceField(
        label=_("Records still hidden"),
        choices=HiddenRecords.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    hidden_shown = ShownRecordsField(required=False)
    # A history restore has no inline rows: the stored people freed are checked instead.
    checks_stored_releases = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hidden = []  # computed once a request, in its transaction
        if self.is_update and self.instance.visibility != Visibility.PUBLIC:
            self.hidden = services.hidden_with(self.instance)
        self.fields["hidden_shown"].initial = [
            services.shown_token(record) for record, _problems in self.hidden
        ]
        if self.hidden:
            self.fields["hidden_records"].help_text = format_html(
                _("Publishing this release would leave hidden: {}."),
                services.describe_hidden(self.hidden),
            )
        elif self.is_update:
            self.fields["hidden_records"].widget = forms.HiddenInput()
        else:
            self.fields["hidden_records"].help_text = _(
                "If you publish the new release, the restricted rows you add below (people "
                "freed, nationality reports, links to measures...) are published with it, or "
                "stay hidden."
            )

    def clean(self):
        cleaned = super().clean()
        if self.checks_stored_releases and self.is_update:
            documented = self.instance.releases.documented().count()
            try:
                services.check_documented_within_reported(
                    reported_count=cleaned.get("reported_count"), documented=documented
                )
            except ValidationError as error:
                self.add_error("reported_count", error)
        if self.hidden and self.will_be_public(cleaned):
            self._clean_hidden_choice(cleaned)
        return cleaned

    def _clean_hidden_choice(self, cleaned):
        choice = cleaned.get("hidden_records")
        if not choice:
            self.add_error(
                "hidden_records",
                _(
                    "Publishing this release would leave hidden: %(hidden)s. Choose whether "
                    "to publish them with it."
                )
                % {"hidden": services.describe_hidden(self.hidden)},
            )
        elif choice == HiddenRecords.PUBLISH:
            shown = cleaned.get("hidden_shown")
            if shown is None:  # the list was damaged: its own error says so
                return
            difference = services.hidden_changes(self.hidden, shown)
            if difference:
                self.show_current_hidden()
                self.add_error(
                    "hidden_records",
                    _(
                        "The records hidden with this release changed after you opened it: "
                        "%(difference)s. Check the new list above and choose again."
                    )
                    % {"difference": difference},
                )
            elif any(problems for _r, problems in self.hidden):
                self.add_error(
                    "hidden_records",
                    _(
                        "Some of them cannot be published yet: %(hidden)s. Add their sources "
                        "first, or publish the release alone."
                    )
                    % {
                        "hidden": services.describe_hidden(
                            [(record, problems) for record, problems in self.hidden if problems]
                        )
                    },
                )

    def show_current_hidden(self):
        """The form shown again lists, and carries, the records hidden now; the choice is asked
        again."""
        data = self.data.copy()
        data.setlist(self.add_prefix("hidden_shown"), self.fields["hidden_shown"].initial)
        data.pop(self.add_prefix("hidden_records"), None)
        self.data = data


class ReleaseSourceFormSet(forms.BaseInlineFormSet):
    """The sources a person freed cites. Its page saves them after the record itself, so the
    rule that a public record cites a source (tracker.services) is checked here."""

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.visibility != Visibility.PUBLIC:
            return
        cited = [
            form.cleaned_data["source"]
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        tracker_services.check_publishable(self.instance, sources=cited)

"""The admin's fixture import: upload, preview what would change, confirm or cancel.

Between the preview and the confirmation the upload waits in this site's private folder
(settings.IMPORT_DIR, mode 0700, files 0600), with the fingerprint of what the preview read:
the confirmation applies exactly what the preview showed, or refuses if the database changed
since. Pending uploads are removed on confirm and cancel; ones left over (the editor walked
away) are removed after settings.IMPORT_PENDING_HOURS by the next upload or by
`manage.py clean_imports`.
"""

import json
import os
import secrets
import time

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views import View

from tracker.imports import ImportFailed, PreviewOutdated, check_size, import_fixture, read_fixture

SESSION_KEY = "pending_import"


def pending_dir():
    """The private folder of pending uploads, made (mode 0700) if need be."""
    settings.IMPORT_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    return settings.IMPORT_DIR


def write_private(path, data):
    """Write `data` to a new file that only this site's user can read, from its creation."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)


def pending_paths(token):
    """The uploaded file and the preview's fingerprint of a pending import."""
    folder = pending_dir()
    return folder / f"{token}.json", folder / f"{token}.fingerprint.json"


def discard(token):
    for path in pending_paths(token):
        path.unlink(missing_ok=True)


def remove_stale_imports():
    """Remove pending uploads older than settings.IMPORT_PENDING_HOURS; return how many files."""
    limit = time.time() - settings.IMPORT_PENDING_HOURS * 3600
    removed = 0
    for path in pending_dir().glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by another process
            pass
    return removed


def chosen(data, version):
    """The tags of the conflicts for which the editor chose `version` ("file" or "stored") on
    the preview (a choice per record, named "version <tag>")."""
    return [
        name.removeprefix("version ")
        for name, value in data.items()
        if name.startswith("version ") and value == version
    ]


# The upload form's choices, kept with a pending upload from its preview to its confirmation,
# and what each is when a pending upload does not say.
PREVIEW_OPTIONS = {"restrict_new": True, "apply_visibility": False, "replace_links": False}


def options_of(pending):
    return {name: pending.get(name, default) for name, default in PREVIEW_OPTIONS.items()}


class ImportUploadForm(forms.Form):
    fixture = forms.FileField(
        label=_("JSON fixture"),
        help_text=_("A file downloaded from a tracker (format=json) or written by dumpdata."),
    )
    publish_new = forms.BooleanField(
        label=_("New records take the file's visibility"),
        required=False,
        initial=False,
        help_text=_(
            "Off: new records stay restricted until an editor publishes them. On: those the file "
            "marks public are published with the import."
        ),
    )
    apply_visibility = forms.BooleanField(
        label=_("Apply the file's visibility to existing records"),
        required=False,
        initial=False,
        help_text=_(
            "Off: records already here keep their visibility, whatever the file says (every "
            "download says “public”). On: the file may publish or restrict them."
        ),
    )

    replace_links = forms.BooleanField(
        label=_("Lists of links replace the ones stored"),
        required=False,
        initial=False,
        help_text=_(
            "Off: a record's list of sources or nationalities in the file adds to the one stored "
            "here. On: links the file does not list are removed (the preview names them)."
        ),
    )

    def clean_fixture(self):
        upload = self.cleaned_data["fixture"]
        try:
            check_size(upload.size)
        except ImportFailed as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class ImportFixtureView(View):
    """Editors only (the tracker.import_data permission). The uploaded file waits on the server,
    under a random token kept in the session, between the preview and the confirmation."""

    template_name = "admin/import_fixture.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("tracker.import_data"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, status=200, **context):
        context = {
            **admin.site.each_context(request),
            "title": _("Import data"),
            **context,
        }
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(request, form=ImportUploadForm())

    def post(self, request):
        if "confirm" in request.POST:
            return self.confirm(request)
        if "cancel" in request.POST:
            return self.cancel(request)
        remove_stale_imports()
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, status=400, form=form)
        raw = form.cleaned_data["fixture"].read()
        options = {
            "restrict_new": not form.cleaned_data["publish_new"],
            "apply_visibility": form.cleaned_data["apply_visibility"],
            "replace_links": form.cleaned_data["replace_links"],
        }
        return self.preview(
            request, raw, {"name": form.cleaned_data["fixture"].name, **options}, form=form
        )

    def preview(self, request, raw, pending, *, form=None, error=None, status=200):
        """What the import of `raw` would do now, shown; the upload and the preview's
        fingerprint wait under a new token for the confirmation. `pending`: the file's name and
        the upload form's choices (and the token it waited under before, if it did)."""
        options = options_of(pending)
        try:
            report = import_fixture(
                read_fixture(raw), user=request.user, dry_run=True, check_duplicates=True, **options
            )
        except ImportFailed as failed:
            if "token" in pending:
                discard(pending["token"])
            shown = f"{error} {failed}" if error else str(failed)
            return self.render(request, status=400, form=form or ImportUploadForm(), error=shown)
        waiting = {**pending, "token": secrets.token_hex(16)}
        upload_path, fingerprint_path = pending_paths(waiting["token"])
        write_private(upload_path, raw)
        write_private(fingerprint_path, json.dumps(report.fingerprint).encode())
        for replaced in (request.session.get(SESSION_KEY), pending):  # one upload waits
            if replaced and "token" in replaced:
                discard(replaced["token"])
        request.session[SESSION_KEY] = waiting
        return self.render(
            request,
            status=status,
            report=report,
            filename=pending["name"],
            error=error,
            **options,
        )

    def pending(self, request):
        """The pending import of this session and its files, or (None, None, None)."""
        pending = request.session.pop(SESSION_KEY, None)
        if not pending:
            return None, None, None
        upload_path, fingerprint_path = pending_paths(pending["token"])
        if not (upload_path.exists() and fingerprint_path.exists()):
            discard(pending["token"])
            return None, None, None
        return pending, upload_path, fingerprint_path

    def confirm(self, request):
        pending, upload_path, fingerprint_path = self.pending(request)
        if pending is None:
            messages.error(request, _("Nothing is waiting to be imported. Upload the file again."))
            return redirect("admin-import")
        raw = upload_path.read_bytes()
        try:
            report = import_fixture(
                read_fixture(raw),
                user=request.user,
                **options_of(pending),
                take_file_version=chosen(request.POST, "file"),
                keep_stored=chosen(request.POST, "stored"),
                # The public records listed on the preview (their versions are in its
                # fingerprint): a change to any other one stops the import.
                publish_changes=request.POST.getlist("public_change")
                if request.POST.get("publish_changes")
                else (),
                check_duplicates=True,
                allow_duplicates=bool(request.POST.get("allow_duplicates")),
                expected_fingerprint=json.loads(fingerprint_path.read_bytes()),
            )
        except (PreviewOutdated, ImportFailed) as refused:
            # The upload stays: the editor sees the preview as it is now, and chooses again.
            status = 409 if isinstance(refused, PreviewOutdated) else 400
            return self.preview(request, raw, pending, error=str(refused), status=status)
        discard(pending["token"])
        messages.success(
            request,
            _(
                "Imported %(name)s: %(created)d created, %(changed)d changed, %(same)d unchanged, "
                "%(kept)d kept as they are here."
            )
            % {
                "name": pending["name"],
                "created": report.count("created"),
                "changed": report.count("changed"),
                "same": report.count("unchanged"),
                "kept": report.count("kept"),
            },
        )
        return redirect("admin:index")

    def cancel(self, request):
        pending, _upload, _fingerprint = self.pending(request)
        if pending is not None:
            discard(pending["token"])
            messages.info(request, _("Import cancelled: nothing was changed."))
        return redirect("admin-import")

"""The admin's fixture import: upload, preview what would change, confirm."""

import secrets
import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views import View

from tracker.imports import ImportFailed, import_fixture, read_fixture

PENDING_DIR = Path(tempfile.gettempdir()) / "tracker-imports"
SESSION_KEY = "pending_import"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportUploadForm(forms.Form):
    fixture = forms.FileField(
        label=_("JSON fixture"),
        help_text=_("A file downloaded from a tracker (format=json) or written by dumpdata."),
    )
    restrict_new = forms.BooleanField(
        label=_("Keep new records restricted until they are reviewed"),
        required=False,
        initial=True,
    )

    def clean_fixture(self):
        upload = self.cleaned_data["fixture"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB; use the command."))
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
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, status=400, form=form)
        raw = form.cleaned_data["fixture"].read()
        restrict_new = form.cleaned_data["restrict_new"]
        try:
            report = import_fixture(
                read_fixture(raw), user=request.user, dry_run=True, restrict_new=restrict_new
            )
        except ImportFailed as error:
            return self.render(request, status=400, form=form, error=str(error))
        token = secrets.token_hex(16)
        PENDING_DIR.mkdir(mode=0o700, exist_ok=True)
        (PENDING_DIR / f"{token}.json").write_bytes(raw)
        request.session[SESSION_KEY] = {
            "token": token,
            "name": form.cleaned_data["fixture"].name,
            "restrict_new": restrict_new,
        }
        return self.render(
            request,
            report=report,
            filename=form.cleaned_data["fixture"].name,
            restrict_new=restrict_new,
        )

    def confirm(self, request):
        pending = request.session.pop(SESSION_KEY, None)
        path = PENDING_DIR / f"{pending['token']}.json" if pending else None
        if path is None or not path.exists():
            messages.error(request, _("Nothing is waiting to be imported. Upload the file again."))
            return redirect("admin-import")
        try:
            report = import_fixture(
                read_fixture(path.read_bytes()),
                user=request.user,
                restrict_new=pending["restrict_new"],
            )
        except ImportFailed as error:
            return self.render(request, status=400, form=ImportUploadForm(), error=str(error))
        finally:
            path.unlink(missing_ok=True)
        messages.success(
            request,
            _("Imported %(name)s: %(created)d created, %(changed)d changed, %(same)d unchanged.")
            % {
                "name": pending["name"],
                "created": report.count("created"),
                "changed": report.count("changed"),
                "same": report.count("unchanged"),
            },
        )
        return redirect("admin:index")

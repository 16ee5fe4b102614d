"""The site's own pages: the method (/about/) and the whole public dataset (/data/)."""

import base64

from django.apps import apps
from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.dateparse import parse_datetime
from django.views.generic import TemplateView

from tracker.exports import dataset
from tracker.views import CachedPageMixin


def corrections_contact():
    """(link, text) of where to ask for a correction (settings.CORRECTIONS_CONTACT), or None."""
    contact = settings.CORRECTIONS_CONTACT
    if not contact:
        return None
    if "@" in contact and "://" not in contact:
        return f"mailto:{contact}", contact
    return contact, contact


class AboutView(CachedPageMixin, TemplateView):
    """What the figures mean, how facts are sourced and corrected, the licence, how to cite."""

    template_name = "about.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contact=corrections_contact(),
            last_change=dataset.last_public_change(),
            licence_name=dataset.LICENCE_NAME,
            licence_url=dataset.LICENCE_URL,
            site_url=self.request.build_absolute_uri("/"),
            **kwargs,
        )


class DatasetView(TemplateView):
    """The whole public dataset: its files with sizes and checksums, its record counts.

    Not in the page cache: the dataset's own files follow every change already."""

    template_name = "dataset.html"

    def get_context_data(self, **kwargs):
        info = dataset.current()
        counts = [
            (apps.get_model(label)._meta.verbose_name_plural, number)
            for label, number in info["counts"].items()
        ]
        changed = info["last_public_change"]
        return super().get_context_data(
            files=info["files"],
            counts=counts,
            total=sum(info["counts"].values()),
            last_change=parse_datetime(changed) if changed else None,
            generated_at=parse_datetime(info["generated_at"]),
            licence_name=dataset.LICENCE_NAME,
            licence_url=dataset.LICENCE_URL,
            fixture_name=dataset.FIXTURE_NAME,
            **kwargs,
        )


def dataset_file(request, kind):
    """One of the dataset's files, as written (tracker.exports.dataset), with its licence and
    checksum in the headers."""
    for _attempt in range(2):
        entry = dataset.current()["files"].get(kind)
        if entry is None:
            raise Http404
        try:
            file = open(entry["path"], "rb")  # noqa: SIM115 - FileResponse closes it
            break
        except FileNotFoundError:
            continue  # another process wrote a newer dataset and removed this one meanwhile
    else:
        raise Http404
    content_type = "application/json" if kind == "json" else "application/zip"
    response = FileResponse(
        file,
        as_attachment=True,
        filename=entry["name"],
        content_type=content_type,
    )
    response["Link"] = dataset.LICENCE_LINK
    digest = base64.b64encode(bytes.fromhex(entry["sha256"])).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"  # RFC 9530
    response["Cache-Control"] = "no-cache"
    return response

"""The stored source that a new one may repeat under another slug: the same address, however
it is written (RecordKind.same_record, for the importer)."""

from urllib.parse import urlsplit

from tracker.models import Source


def normalised_url(url):
    """An address without what does not tell pages apart: the scheme, "www.", the case of the
    host, a trailing slash, a fragment."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


def same_source(source):
    """The stored sources at its address."""
    if not source.url:
        return []
    wanted = normalised_url(source.url)
    host_and_path = wanted.split("?")[0]
    candidates = Source.objects.filter(url__icontains=host_and_path).exclude(pk=source.pk)
    return [candidate for candidate in candidates if normalised_url(candidate.url) == wanted]

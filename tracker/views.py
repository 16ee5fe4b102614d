"""Public view machinery shared by every listing and detail page: filters, pages, downloads."""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.response import SimpleTemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from tracker.exports import DOWNLOAD_FORMATS, download_filename
from tracker.exports.csv import table_response
from tracker.exports.dataset import LICENCE_LINK
from tracker.exports.fixture import fixture_response
from tracker.exports.ftm import ftm_response
from tracker.figures import FIGURES_TIMEOUT, figure_key
from tracker.pagination import CachedCountPaginator


def error_page(request, message, *, status):
    """A page in the site's style that says what was wrong with the request."""
    return render(request, "error.html", {"message": message, "status": status}, status=status)


def unknown_format(request, value):
    return error_page(
        request,
        _("Unknown download format “%(value)s”. Use format=json, format=csv or format=ftm.")
        % {"value": value[:50]},
        status=400,
    )


class _ReadRecorder:
    """Query data that remembers which parameters a widget reads, and whether it reads every
    value (`getlist`) or one (`get`, `in`); it holds none."""

    def __init__(self):
        self.read = {}  # name -> True if every value is read

    def get(self, name, default=None):
        self.read.setdefault(name, False)
        return default

    def __contains__(self, name):
        self.read.setdefault(name, False)
        return False

    def getlist(self, name, default=None):
        self.read[name] = True
        return [] if default is None else default


@functools.cache
def filterset_parameters(filterset_class):
    """{query parameter: whether every value counts} for the parameters the filterset's form
    reads. Each field's widget is asked, so that a widget of several inputs or of several values
    is read as the form reads it. Once a class: the listings' filters do not vary by request."""
    recorder = _ReadRecorder()
    form_class = filterset_class().get_form_class()
    for name, field in form_class.base_fields.items():
        field.widget.value_from_datadict(recorder, {}, name)
    return recorder.read


class CachedPageMixin:
    """A public page is the same for every visitor, so once rendered it is kept with the cached
    figures (tracker.figures): until any record changes, a minute at most. Only pages that
    answered 200 are kept; downloads (`?format=`) stream and are not.

    A page reads only the query parameters it knows (page_parameters()): the others
    (`?utm_source=`) are dropped from the request before the view sees them, so they neither
    change the page nor make a new cache entry. The known ones are put in one order, with the
    one value the page reads (the last, or for a field of several values each value once),
    empty values dropped: the page is kept by language, path and that query.
    settings.PUBLIC_PAGE_CACHE = False turns the cache off (the tests read each response's
    context), not the dropping of unknown parameters.
    """

    def page_parameters(self):
        """{parameter: whether every value counts} for the query parameters this page reads:
        its filters' (the filterset's form fields: `q`, `sort` and the rest) and the page number.
        """
        parameters = {}
        if getattr(self, "filterset_class", None) is not None:
            parameters.update(filterset_parameters(self.get_filterset_class()))
        if getattr(self, "paginate_by", None):
            parameters[self.page_kwarg] = False
        return parameters

    def known_query(self):
        """The request's query reduced to the parameters the page reads, in a canonical form."""
        query = QueryDict(mutable=True)
        for name, every_value in sorted(self.page_parameters().items()):
            values = self.request.GET.getlist(name)
            if not values:
                continue
            values = sorted(set(values)) if every_value else values[-1:]
            values = [value for value in values if value != ""]
            if values:
                query.setlist(name, values)
        return QueryDict(query.urlencode())  # immutable, as Django's own request.GET

    def dispatch(self, request, *args, **kwargs):
        if request.method != "GET" or "format" in request.GET:
            return super().dispatch(request, *args, **kwargs)
        request.GET = self.known_query()
        if not settings.PUBLIC_PAGE_CACHE:
            return super().dispatch(request, *args, **kwargs)
        page = hashlib.sha256(f"{request.path}?{request.GET.urlencode()}".encode()).hexdigest()
        key = figure_key(f"page:{get_language()}:{page}")
        kept = cache.get(key)
        if kept is not None:
            content_type, content = kept
            return HttpResponse(content, content_type=content_type)
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if isinstance(response, SimpleTemplateResponse):
                response.render()
            cache.set(key, (response["Content-Type"], response.content), FIGURES_TIMEOUT)
        return response


class DownloadMixin:
    """`?format=json` (a loaddata fixture) or `?format=csv` at the page's own URL.

    Subclasses give `download_stem`, `csv_columns` (a list of (header, function of a record))
    and implement `get_download_records()` (the records shown, for CSV) and, if the fixture
    holds more than those records, `get_fixture_roots()`.
    """

    download_stem = None
    csv_columns = ()
    # Lookups the CSV columns read, prefetched so that the download's queries do not grow with
    # its rows. None: the records' sources, if their model has any.
    csv_prefetch = None

    def get_download_stem(self):
        return self.download_stem

    def get_fixture_roots(self):
        return [self.get_download_records()]

    def get_ftm_roots(self):
        """The records of the FollowTheMoney download: those of the fixture (tracker.exports.ftm
        converts each model that an app registered)."""
        return self.get_fixture_roots()

    def download(self, fmt):
        response = self.download_response(fmt)
        response["Link"] = LICENCE_LINK  # the data's licence, outside the file itself
        return response

    def download_response(self, fmt):
        extension = "ftm.json" if fmt == "ftm" else fmt
        filename = download_filename(self.get_download_stem(), self.request.GET, extension)
        if fmt == "json":
            return fixture_response(self.get_fixture_roots(), filename)
        if fmt == "ftm":
            return ftm_response(
                self.get_ftm_roots(), filename, absolute_uri=self.request.build_absolute_uri
            )
        return table_response(
            self.csv_columns,
            self.get_csv_records(),
            filename,
            absolute_uri=self.request.build_absolute_uri,
        )

    def get_csv_records(self):
        """The records of the CSV download, with what its columns read prefetched."""
        records = self.get_download_records()
        lookups = self.csv_prefetch
        if lookups is None:
            names = {field.name for field in records.model._meta.many_to_many}
            lookups = ["sources"] if "sources" in names else []
        return records.prefetch_related(*lookups) if lookups else records


class PublicListView(CachedPageMixin, DownloadMixin, FilterView):
    """A filtered, paginated public listing.

    Invalid filters show the form with its errors and a 400; a page that does not exist shows an
    empty list with a message and a 404. Downloads hold every record that matches the filters,
    not only the current page.
    """

    paginate_by = 50
    paginator_class = CachedCountPaginator
    strict = True
    page_error = None
    page_status = 200

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is not None and fmt not in DOWNLOAD_FORMATS:
            return unknown_format(request, fmt)
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.object_list = self.filterset.queryset.none()
            context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
            return self.render_to_response(context, status=400)
        self.object_list = self.filterset.qs
        if fmt is not None:
            return self.download(fmt)
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context, status=self.page_status)

    def get_download_records(self):
        return self.object_list

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404:
            paginator = self.get_paginator(queryset, page_size)
            value = self.request.GET.get(self.page_kwarg, "")
            if value.isdigit():
                message = _("There is no page %(page)s: this list has %(pages)d.") % {
                    "page": value[:20],
                    "pages": paginator.num_pages,
                }
                self.page_error, self.page_status = message, 404
            else:
                self.page_error = _("A page number must be a whole number, like 2.")
                self.page_status = 400
            return paginator, None, queryset.none(), False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_error"] = self.page_error
        query = self.request.GET.copy()
        for key in ("page", "format"):
            query.pop(key, None)
        context["query_without_page"] = query.urlencode()
        return context


class PublicDetailView(CachedPageMixin, DownloadMixin, DetailView):
    """A public record's page; a record that is not public is a 404, like one that never existed."""

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is not None and fmt not in DOWNLOAD_FORMATS:
            return unknown_format(request, fmt)
        self.object = self.get_object()
        if fmt is not None:
            return self.download(fmt)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_download_stem(self):
        return f"{self.download_stem}_{self.object.slug}"

    def get_download_records(self):
        return self.get_queryset().filter(pk=self.object.pk)

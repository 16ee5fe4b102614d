"""Shared reference data (countries, sources) and the publication rules every record follows."""

import datetime
import functools
import gettext

import pycountry
from anyascii import anyascii
from django.db import models
from django.db.models import Subquery
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker import dates
from tracker.dates import DatePrecision


class Visibility(models.TextChoices):
    """Who may see a record. Only PUBLIC records ever leave the admin."""

    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted (staff only)")


class CountQualifier(models.TextChoices):
    """How a count reads in its source: "1,227", "more than 1,100", "about 1,200"."""

    EXACT = "exact", _("Exact")
    AT_LEAST = "at_least", _("At least (a lower bound)")
    ABOUT = "about", _("About (approximate)")


def qualified(number, qualifier):
    """A number, already written out, as its source gives it: "1,227", "at least 1,100",
    "about 18 %"."""
    if qualifier == CountQualifier.AT_LEAST:
        return _("at least %(number)s") % {"number": number}
    if qualifier == CountQualifier.ABOUT:
        return _("about %(number)s") % {"number": number}
    return number


def count_display(count, qualifier):
    """A count with its qualifier, grouped: "1,227", "at least 1,100", "about 1,200"."""
    if count is None:
        return ""
    return qualified(formats.number_format(count, force_grouping=True), qualifier)


class PublishableQuerySet(models.QuerySet):
    def public(self):
        """What the public may see: the base of every public page, count, feed and download."""
        return self.filter(visibility=Visibility.PUBLIC)

    def not_public(self):
        """What the public may not see: restricted, or any other state but public. Few
        records, read from the visibility index."""
        hidden = [value for value in Visibility.values if value != Visibility.PUBLIC]
        return self.filter(visibility__in=hidden)


class ChoiceLabel:
    """`get_FOO_display()` that translates only the label shown.

    Django's own hashes every (lazy) label of the field's choices at each call, which
    translates them all: for a listing's rows, thousands of translations. Declared on the model,
    `get_kind_display = ChoiceLabel(ConcessionKind, "kind")`, it stands where Django would add
    its own (a field adds `get_FOO_display` only to a model that declares none)."""

    def __init__(self, choices, field_name):
        self.choices = choices
        self.field_name = field_name

    def __get__(self, record, owner=None):
        if record is None:
            return self
        return functools.partial(self.label, record)

    def label(self, record):
        value = getattr(record, self.field_name)
        try:
            return str(self.choices(value).label)
        except ValueError:  # not one of the choices (an unsaved, unvalidated record)
            return value


class Versioned(models.Model):
    """A record edited by several people at once: `version` counts the writes to it.

    Every write path (tracker.services.save_record, the importer, history restore) checks the
    version the writer saw and writes the next one, so a stale form cannot overwrite a newer
    change. Set by the site only: never edited, exported or imported.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class Publishable(Versioned):
    """A record that NGO staff may keep out of public view. New records start restricted."""

    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=Visibility,
        default=Visibility.RESTRICTED,
        db_index=True,
        help_text=_("Only public records appear on the public site and in downloads."),
    )
    internal_notes = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_("For staff only: never shown on the public site or in downloads."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values),
                name="%(app_label)s_%(class)s_visibility_valid",
            )
        ]

    @property
    def is_public(self):
        return self.visibility == Visibility.PUBLIC


class SubqueryCount(Subquery):
    """The number of rows of a queryset filtered on an OuterRef, as a correlated subquery.

    Unlike Count() over a join, it adds no GROUP BY to the outer query and cannot multiply rows.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = models.IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)


def unique_slug(instance, text, *, max_length=200):
    """A slug made from `text` that no other row of the instance's model uses ("name-2", ...)."""
    base = slugify(anyascii(text))[:max_length].strip("-") or "record"
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    slug, suffix = base, 2
    while others.filter(slug=slug).exists():
        tail = f"-{suffix}"
        slug = f"{base[: max_length - len(tail)]}{tail}"
        suffix += 1
    return slug


# Names the ISO 3166 catalogues lack (EU), or give in a form the register does not use.
COUNTRY_NAMES = {
    "EU": pgettext_lazy("country", "European Union"),
    "RU": pgettext_lazy("country", "Russia"),
    "US": pgettext_lazy("country", "United States"),
}


@functools.cache
def _iso_catalogue(language):
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code, name):
    """A country's name in the active language. `name` is the stored English name; pycountry's
    ISO 3166 catalogues (installed with it: nothing is fetched) translate it."""
    language = get_language() or "en"
    if language == "en":
        return name
    if code in COUNTRY_NAMES:
        return str(COUNTRY_NAMES[code])
    return _iso_catalogue(language).gettext(name)


_CYRILLIC_ORDER = str.maketrans({"ё": "е\uffff", "і": "и\uffff", "ў": "у\uffff"})


def name_order(name):
    """A sort key that puts Cyrillic names in alphabetical order (І after И, Ў after У)."""
    return name.casefold().translate(
        str.maketrans({"ё": "е\uffff", "і": "и\uffff", "ў": "у\uffff"})
    )


@functools.lru_cache(maxsize=4096)
def _country_url(code, language, script_prefix, urlconf):
    """A country page's URL, reversed once for each language (and prefix and URLconf): rows
    link countries by the hundred, and each reverse() costs tens of microseconds."""
    return reverse("countries:detail", kwargs={"code": code})


class CountryQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(models.Model):
    """An ISO 3166-1 country. The table is filled by a migration from pycountry."""

    code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2 code in capitals, e.g. BY for Belarus."),
    )
    name = models.CharField(_("name"), max_length=100)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}$"),
                name="tracker_country_code_two_capitals",
            )
        ]

    def __str__(self):
        return self.local_name

    def get_absolute_url(self):
        return _country_url(self.code, get_language(), get_script_prefix(), get_urlconf())

    @property
    def local_name(self):
        """The name in the page's language; `name` is always English (downloads use it)."""
        return country_name(self.code, self.name)

    def natural_key(self):
        return (self.code,)


class SourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug, *legacy):
        """The source with this slug; or, given the key used before sources had slugs
        (title, publication date "YYYY-MM-DD"), the source with that title published then.

        Fixtures written before the change still load. A legacy key also finds a source whose
        date was made partial or unknown since: the one source of that title whose period
        holds the date (or with no date), if there is exactly one.
        """
        if not legacy:
            return self.get(slug=slug)
        if len(legacy) != 1:
            raise self.model.DoesNotExist("A source's key is its slug, or its title and date.")
        title, published_on = slug, legacy[0]
        if published_on in (None, ""):
            return self.get(title=title, published_on__isnull=True)
        day = datetime.date.fromisoformat(str(published_on))
        try:
            return self.get(title=title, published_on=day)
        except self.model.DoesNotExist:
            candidates = [
                source
                for source in self.filter(title=title)
                if source.published_on is None
                or source.published_on
                <= day
                <= dates.period_end(source.published_on, source.published_on_precision)
            ]
            if len(candidates) != 1:
                raise
            return candidates[0]


class Source(Versioned):
    """A published document that a record's facts come from.

    Its natural key is its slug: it survives a moved or dead link and a date found out or
    corrected later. The URL, when there is one, is unique as well. The publication date is
    partial (tracker.dates): "December 2025", "2025", or unknown.
    """

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "How downloads and imports refer to this source; it never changes with the date. "
            "Leave blank to make one from the title."
        ),
        error_messages={
            "unique": _("Another source already uses this slug. Choose a different one."),
        },
    )
    publisher = models.CharField(
        _("publisher"),
        max_length=200,
        blank=True,
        help_text=_("The outlet or organisation, e.g. CapitalismInstitute.org. Blank if unknown."),
    )
    author = models.CharField(_("author"), max_length=200, blank=True)
    url = models.URLField(
        _("URL"), max_length=500, blank=True, help_text=_("Blank when the document is not online.")
    )
    published_on = models.DateField(
        _("published on"),
        null=True,
        blank=True,
        help_text=_(
            "The first day of the period the document gives: 2025-12-01 for “December 2025”. "
            "Blank if unknown."
        ),
    )
    published_on_precision = dates.precision_field(verbose_name=_("publication date precision"))
    quote = models.TextField(
        _("quote"), blank=True, help_text=_("Optional: the passage that supports the facts cited.")
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("published_on").desc(nulls_last=True), "title", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        permissions = [("import_data", "Can import JSON fixtures")]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~models.Q(url=""),
                name="tracker_source_unique_url",
                violation_error_message=_("A source with this URL already exists."),
            ),
            # Every create path makes a slug (clean(), or fill_source_slug for raw saves).
            models.CheckConstraint(
                condition=~models.Q(slug=""), name="tracker_source_slug_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(published_on_precision__in=DatePrecision.values),
                name="tracker_source_published_on_precision_valid",
            ),
            # A date "unknown" is blank; a blank date is unknown whatever its precision says.
            models.CheckConstraint(
                condition=~models.Q(published_on_precision=DatePrecision.UNKNOWN)
                | models.Q(published_on__isnull=True),
                name="tracker_source_published_on_unknown_is_blank",
            ),
        ]

    def __str__(self):
        parts = [part for part in (self.author, self.publisher) if part]
        when = dates.display(self.published_on, self.published_on_precision)
        return f"{self.title} ({', '.join([*parts, when])})"

    def natural_key(self):
        """(slug,). A record read from a fixture written before sources had slugs has none
        yet: its key is then the old one, (title, date), which get_by_natural_key accepts."""
        if self.slug:
            return (self.slug,)
        return (self.title, self.published_on.isoformat() if self.published_on else "")

    @property
    def published_on_display(self):
        return dates.display(self.published_on, self.published_on_precision)

    @property
    def published_on_iso(self):
        return dates.iso(self.published_on, self.published_on_precision)

    def clean(self):
        dates.clean_partial_date(
            self, "published_on", "published_on_precision", blank_is_unknown=True
        )
        if not self.slug and self.title:
            self.slug = unique_slug(self, self.title)


@receiver(pre_save, sender=Source)
def fill_source_slug(sender, instance, raw=False, **kwargs):
    """A source read from a fixture written before sources had slugs (a raw save, which skips
    clean()) keeps the slug it has here, or gets one made from its title."""
    if instance.slug:
        return
    if instance.pk is not None:
        stored = Source.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if stored:
            instance.slug = stored
            return
    instance.slug = unique_slug(instance, instance.title or "source")

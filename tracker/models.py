"""Shared reference data (countries, sources) and the publication rules every record follows."""

from anyascii import anyascii
from django.db import models
from django.db.models import Subquery
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Visibility(models.TextChoices):
    """Who may see a record. Only PUBLIC records ever leave the admin."""

    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted (staff only)")


class CountQualifier(models.TextChoices):
    """How a reported number is meant: "123", "more than 1,100", "about 1,200"."""

    EXACT = "exact", _("exactly")
    AT_LEAST = "at_least", _("at least")
    ABOUT = "about", _("about")


class PublishableQuerySet(models.QuerySet):
    def public(self):
        """What the public may see: the base of every public page, count, feed and download."""
        return self.filter(visibility=Visibility.PUBLIC)


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
        return self.name

    def get_absolute_url(self):
        return reverse("countries:detail", kwargs={"code": self.code})

    def natural_key(self):
        return (self.code,)


class SourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, title, published_on):
        return self.get(title=title, published_on=published_on)


class Source(Versioned):
    """A published document that a record's facts come from.

    Its natural key is title + publication date, which survives a moved or dead link; the URL,
    when there is one, is unique as well.
    """

    title = models.CharField(_("title"), max_length=300)
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
    published_on = models.DateField(_("published on"))
    quote = models.TextField(
        _("quote"), blank=True, help_text=_("Optional: the passage that supports the facts cited.")
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        permissions = [("import_data", "Can import JSON fixtures")]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "published_on"],
                name="tracker_source_unique_title_date",
                violation_error_message=_("A source with this title and date already exists."),
            ),
            models.UniqueConstraint(
                fields=["url"],
                condition=~models.Q(url=""),
                name="tracker_source_unique_url",
                violation_error_message=_("A source with this URL already exists."),
            ),
        ]

    def __str__(self):
        parts = [part for part in (self.author, self.publisher) if part]
        return f"{self.title} ({', '.join([*parts, f'{self.published_on:%d %b %Y}'])})"

    def natural_key(self):
        return (self.title, self.published_on.isoformat())

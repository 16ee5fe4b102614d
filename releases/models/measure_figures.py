"""Figures about a sanctions measure: what is measured, a low and a high value, a unit, each
sourced ("potash exports before sanctions: US$2.5–2.8 billion a year")."""

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from releases.models.ledger import SanctionsConcession
from tracker.models import (
    CountQualifier,
    Publishable,
    PublishableQuerySet,
    Source,
    Visibility,
    qualified,
)


class ConcessionFigureQuerySet(PublishableQuerySet):
    def public(self):
        """Public figures about public measures."""
        return super().public().filter(concession__visibility=Visibility.PUBLIC)

    def get_by_natural_key(self, concession_slug, slug):
        return self.get(concession__slug=concession_slug, slug=slug)


class ConcessionFigure(Publishable):
    """A sourced figure about a measure: what is measured, a low and a high value, a unit.

    "Potash exports before sanctions: US$2.5–2.8 billion a year" and "Belaruskali's share of
    the world market: about 18%" are two figures; neither is the value of the measure itself.
    """

    concession = models.ForeignKey(
        SanctionsConcession,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("sanctions measure"),
    )
    slug = models.SlugField(
        _("key"),
        max_length=100,
        blank=True,
        help_text=_("Tells the measure's figures apart in downloads, e.g. “export-revenue”."),
    )
    measure = models.CharField(
        _("what is measured"),
        max_length=300,
        help_text=_("E.g. “Belarus's potash exports per year before sanctions”."),
    )
    low = models.DecimalField(_("low"), max_digits=20, decimal_places=4, null=True, blank=True)
    high = models.DecimalField(
        _("high"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Same as low for a single value. Blank if only a lower bound is given; low blank if "
            "only an upper one (“up to 7%”)."
        ),
    )
    qualifier = models.CharField(
        _("the value is"), max_length=10, choices=CountQualifier, default=CountQualifier.EXACT
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code, e.g. USD. Blank for figures that are not money."),
    )
    unit = models.CharField(
        _("unit"),
        max_length=50,
        blank=True,
        help_text=_("For figures that are not money, e.g. “%” or “tonnes”."),
    )
    period = models.CharField(
        _("period"),
        max_length=100,
        blank=True,
        help_text=_("E.g. “a year, before sanctions”, “2021”. Blank if none."),
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="concession_figures", verbose_name=_("sources")
    )

    objects = ConcessionFigureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta(Publishable.Meta):
        ordering = ["concession", "slug"]
        verbose_name = _("figure about a measure")
        verbose_name_plural = _("figures about the measure")
        permissions = [("publish_concessionfigure", "Can publish figures about measures")]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["concession", "slug"],
                name="releases_concessionfigure_unique_concession_slug",
                violation_error_message=_("This measure already has a figure with this key."),
            ),
            models.CheckConstraint(
                condition=~models.Q(slug=""), name="releases_concessionfigure_slug_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(low__isnull=True)
                | models.Q(high__isnull=True)
                | models.Q(low__lte=models.F("high")),
                name="releases_concessionfigure_range_ordered",
                violation_error_message=_("The low value is above the high value."),
            ),
            models.CheckConstraint(
                condition=models.Q(qualifier__in=CountQualifier.values),
                name="releases_concessionfigure_qualifier_valid",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.value_display}"

    def natural_key(self):
        return (*self.concession.natural_key(), self.slug)

    natural_key.dependencies = ["releases.sanctionsconcession"]

    @property
    def value_display(self):
        """ "USD 2,500,000,000–2,800,000,000", "about 18 %", "up to 7 %", "value not given".

        A low value alone is a lower bound ("at least"); a high value alone an upper one."""
        if self.low is None and self.high is None:
            return str(_("value not given"))
        shown = [_plain_number(value) for value in (self.low, self.high) if value is not None]
        text = shown[0] if len(set(shown)) == 1 else "–".join(shown)
        if self.currency:
            text = f"{self.currency} {text}"
        if self.unit:
            text = f"{text} {self.unit}"
        if self.low is None:
            return str(_("up to %(value)s")) % {"value": text}
        if self.high is None and self.qualifier == CountQualifier.EXACT:
            return qualified(text, CountQualifier.AT_LEAST)
        return qualified(text, self.qualifier)

    def clean(self):
        if not self.slug and self.measure:
            others = ConcessionFigure.objects.filter(concession_id=self.concession_id).exclude(
                pk=self.pk
            )
            base = slugify(anyascii(self.measure))[:90].strip("-") or "figure"
            slug, suffix = base, 2
            while others.filter(slug=slug).exists():
                slug, suffix = f"{base}-{suffix}", suffix + 1
            self.slug = slug
        if self.currency:
            self.currency = self.currency.upper()
            if not (len(self.currency) == 3 and self.currency.isalpha()):
                raise ValidationError({"currency": _("Use a three-letter code such as USD.")})


def _plain_number(value):
    """2500000000.0000 as "2,500,000,000"; 18.5000 as "18.5" (grouped and with the decimal
    mark of the page's language: "2 500 000 000", "18,5")."""
    value = value.normalize()
    if value == value.to_integral():
        return formats.number_format(int(value), force_grouping=True)
    return formats.number_format(value, force_grouping=True)

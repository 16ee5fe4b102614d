"""People held or freed, and how many political prisoners a country holds over time."""

from anyascii import anyascii
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from prisoners import search, search_index
from tracker import dates
from tracker.dates import DatePrecision
from tracker.models import (
    ChoiceLabel,
    CountQualifier,
    Country,
    Publishable,
    PublishableQuerySet,
    Source,
    Versioned,
    count_display,
    unique_slug,
)


class PrisonerStatus(models.TextChoices):
    DETAINED = "detained", _("Detained")
    RELEASED = "released", _("Released")
    DECEASED = "deceased", _("Died in custody")
    UNKNOWN = "unknown", _("Unknown")


class RankingPosition(models.Func):
    """A row's position in a ranking made in Python: CASE id WHEN ... THEN 0 ... END.

    Written as one expression: Case() with a When() a person cost about half a millisecond
    each to build, in every query of a page of 500 results.
    """

    output_field = models.IntegerField()

    def __init__(self, pks):
        super().__init__(models.F("pk"))
        self.pks = list(pks)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        whens = " ".join(f"WHEN %s THEN {position}" for position in range(len(self.pks)))
        return f"CASE {column} {whens} END", [*params, *self.pks]


class PrisonerQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def search(self, text):
        """People whose name, in any spelling or script, matches `text`, best match first."""
        words = search.query_words(text)
        if not words:
            return self.none()
        if connection.vendor == "postgresql":
            # Index-assisted: the keys with a word that fits one of the query's well enough.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                    [str(search.candidate_threshold(words))],
                )
            fits = models.Q()
            for word in words:
                fits |= models.Q(search_key__trigram_word_similar=word)
            candidates = self.filter(fits)
        elif connection.vendor == "sqlite":
            fitting = search.fitting_words(words, search_index.sqlite_vocabulary())
            if not fitting:
                return self.none()
            candidates = self.filter(pk__in=RawSQL(*search_index.sqlite_matches(fitting)))
        else:
            candidates = self
        # Not .iterator(): PostgreSQL plans a server-side cursor for its first rows, and
        # chose a scan of every row over the trigram index.
        ranked = search.rank(words, candidates.values_list("pk", "search_key"))
        if not ranked:
            return self.none()
        return self.filter(pk__in=ranked).order_by(RankingPosition(ranked))


class Prisoner(Publishable):
    """A person documented as a political prisoner, in custody or freed."""

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("As commonly written in English, e.g. Ales Bialiatski."),
    )
    surname = models.CharField(
        _("surname"),
        max_length=200,
        blank=True,
        help_text=_(
            "As written in the name above, e.g. Kolesnikova: people are listed by it. Blank "
            "if unknown or if the name has none: the person is listed by the whole name."
        ),
    )
    name_native = models.CharField(
        _("name in original script"),
        max_length=200,
        blank=True,
        help_text=_("E.g. Алесь Бяляцкі. Blank if unknown."),
    )
    name_be = models.CharField(
        _("name in Belarusian"),
        max_length=200,
        blank=True,
        help_text=_(
            "As written in Belarusian, shown on the Belarusian pages, e.g. Алесь Бяляцкі. "
            "Blank if not recorded: those pages then show the English name."
        ),
    )
    name_ru = models.CharField(
        _("name in Russian"),
        max_length=200,
        blank=True,
        help_text=_(
            "As written in Russian, shown on the Russian pages, e.g. Алесь Беляцкий. "
            "Blank if not recorded: those pages then show the English name."
        ),
    )
    other_names = models.TextField(
        _("other spellings"),
        blank=True,
        help_text=_("One per line: other transliterations, the Russian form, maiden names."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The web address: /prisoners/slug/, e.g. /prisoners/maria-kolesnikova/. "
            "Leave blank to make one from the name."
        ),
        error_messages={
            "unique": _("Another person already uses this slug. Choose a different one."),
        },
    )
    nationalities = models.ManyToManyField(
        Country,
        blank=True,
        related_name="nationals",
        verbose_name=_("nationalities"),
        help_text=_("Every citizenship the person holds; dual nationals have several."),
    )
    role = models.CharField(
        _("role"),
        max_length=300,
        blank=True,
        help_text=_("One line, e.g. 'Human rights defender, 2022 Nobel Peace Prize laureate'."),
    )
    description = models.TextField(_("description"), blank=True)
    detained_on = models.DateField(
        _("detained on"),
        null=True,
        blank=True,
        help_text=_(
            "The first day of the period the sources give: 2020-06-01 for “arrested in June "
            "2020”. Blank if unknown."
        ),
    )
    detained_on_precision = dates.precision_field(verbose_name=_("detention date precision"))
    charges = models.TextField(_("charges"), blank=True)
    sentence = models.CharField(
        _("sentence"), max_length=200, blank=True, help_text=_("E.g. '10 years, strict regime'.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PrisonerStatus,
        default=PrisonerStatus.UNKNOWN,
        db_index=True,
    )
    get_status_display = ChoiceLabel(PrisonerStatus, "status")
    sources = models.ManyToManyField(
        Source, blank=True, related_name="prisoners", verbose_name=_("sources")
    )
    sort_name = models.CharField(
        max_length=400,
        editable=False,
        default="",
        help_text="Surname first, transliterated and folded: the listing's order (sort_key).",
    )
    search_key = models.TextField(
        editable=False,
        default="",
        help_text="Every spelling of the name, transliterated and folded (prisoners.search).",
    )

    objects = PrisonerQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[nationalities, sources], excluded_fields=["search_key", "sort_name"]
    )

    class Meta(Publishable.Meta):
        ordering = ["sort_name", "id"]
        verbose_name = _("prisoner")
        verbose_name_plural = _("prisoners")
        permissions = [("publish_prisoner", "Can publish people")]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(status__in=PrisonerStatus.values),
                name="prisoners_prisoner_status_valid",
            ),
            # Every create path makes a slug (clean()); this catches one that forgets.
            models.CheckConstraint(
                condition=~models.Q(slug=""), name="prisoners_prisoner_slug_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(detained_on_precision__in=DatePrecision.values),
                name="prisoners_prisoner_detained_on_precision_valid",
            ),
            # A date "unknown" is blank; a blank date is unknown whatever its precision says.
            models.CheckConstraint(
                condition=~models.Q(detained_on_precision=DatePrecision.UNKNOWN)
                | models.Q(detained_on__isnull=True),
                name="prisoners_prisoner_detained_on_unknown_is_blank",
            ),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="prisoners_name_id_idx"),
            # The public listing's sorts, each a total order: a page's ids are found from one
            # of these alone (tracker.pagination). Visibility leads, rather than a partial
            # index, so that SQLite reads the index alone too.
            models.Index(fields=["visibility", "name", "id"], name="prisoners_visible_name_idx"),
            models.Index(
                fields=["visibility", "detained_on", "id"], name="prisoners_visible_detained_idx"
            ),
            models.Index(
                fields=["visibility", "sort_name", "id"], name="prisoners_visible_sort_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("prisoners:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def local_name(self):
        """The name as written in the page's language (Belarusian or Russian) where recorded and
        unlike the English `name`, which the pages show beside it; blank otherwise."""
        spelling = {"be": self.name_be, "ru": self.name_ru}.get(get_language(), "")
        return spelling if spelling != self.name else ""

    @property
    def other_names_list(self):
        return [line.strip() for line in self.other_names.splitlines() if line.strip()]

    @property
    def detained_on_display(self):
        """ "12 June 2020", "June 2020", "2020", or "date unknown"."""
        return dates.display(self.detained_on, self.detained_on_precision)

    @property
    def detained_on_iso(self):
        return dates.iso(self.detained_on, self.detained_on_precision)

    def clean(self):
        dates.clean_partial_date(
            self, "detained_on", "detained_on_precision", blank_is_unknown=True
        )
        if not self.slug and self.name:
            self.slug = unique_slug(self, self.name)

    def build_search_key(self):
        return search.search_key(
            self.name, self.name_native, self.name_be, self.name_ru, self.other_names
        )


def sort_key(name, surname=""):
    """The listing's order: the surname first, then the other names ("kolesnikova maria"), or
    the whole name when no surname is recorded; in Latin letters and one case, so that every
    script and spelling sorts together."""
    surname = surname.strip()
    if surname:
        rest = " ".join(name.replace(surname, " ", 1).split())
        name = f"{surname} {rest}"
    return anyascii(name).casefold().strip()


@receiver(pre_save, sender=Prisoner)
def keep_search_key_current(sender, instance, **kwargs):
    """The search and sort keys follow the names on every save, fixture loads (raw saves)
    included."""
    instance.search_key = instance.build_search_key()
    instance.sort_name = sort_key(instance.name, instance.surname)


class PrisonerCountQuerySet(models.QuerySet):
    def get_by_natural_key(self, country_code, as_of, *counter):
        """(country code, as_of "YYYY-MM-DD", who counted); fixtures written before counts
        named their counter give (country code, as_of): the count nobody is named for."""
        counted_by = counter[0] if counter else ""
        return self.get(country__code=country_code, as_of=as_of, counted_by=counted_by)


class PrisonerCount(Versioned):
    """How many political prisoners a country holds at a time, by whose count, by a cited source.

    `as_of` is a partial date (a count needs at least a year): "December 2025" is stored as
    2025-12-01 with month precision. `qualifier` says whether the number is exact, a lower bound
    ("more than 1,100" is at least 1,100) or approximate.
    """

    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="prisoner_counts",
        verbose_name=_("country"),
    )
    as_of = models.DateField(
        _("as of"),
        help_text=_(
            "The first day of the period the count is for: 2025-12-01 for “December 2025”."
        ),
    )
    as_of_precision = dates.precision_field(
        allow_unknown=False, verbose_name=_("as-of date precision")
    )
    count = models.PositiveIntegerField(_("political prisoners"))
    qualifier = models.CharField(
        _("qualifier"),
        max_length=10,
        choices=CountQualifier,
        default=CountQualifier.EXACT,
        help_text=_("“More than 1,100” is “at least” 1,100; “around 1,200” is “about” 1,200."),
    )
    counted_by = models.CharField(
        _("counted by"),
        max_length=300,
        blank=True,
        help_text=_(
            "The organisation that made the count, e.g. Viasna. Blank if the source does not say."
        ),
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="prisoner_counts", verbose_name=_("sources")
    )

    objects = PrisonerCountQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["country__name", "-as_of", "counted_by"]
        verbose_name = _("political-prisoner count")
        verbose_name_plural = _("political-prisoner counts")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "as_of", "counted_by"],
                name="prisoners_count_unique_country_date_counter",
                violation_error_message=_(
                    "This country already has a count by this counter for this date."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(qualifier__in=CountQualifier.values),
                name="prisoners_count_qualifier_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    as_of_precision__in=[
                        DatePrecision.DAY,
                        DatePrecision.MONTH,
                        DatePrecision.YEAR,
                    ]
                ),
                name="prisoners_count_as_of_precision_known",
            ),
        ]

    def __str__(self):
        return f"{self.country}: {self.display} ({self.as_of_display})"

    @property
    def display(self):
        """The number as its source gives it: "1,227", "at least 1,100", "about 1,200"."""
        return count_display(self.count, self.qualifier)

    @property
    def as_of_display(self):
        return dates.display(self.as_of, self.as_of_precision)

    @property
    def as_of_iso(self):
        return dates.iso(self.as_of, self.as_of_precision)

    def clean(self):
        dates.clean_partial_date(self, "as_of", "as_of_precision")

    def natural_key(self):
        return (*self.country.natural_key(), self.as_of.isoformat(), self.counted_by)

    natural_key.dependencies = ["tracker.country"]

"""The data model's rules: constraints, validation in plain words, slugs, natural keys."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from prisoners.models import Prisoner, PrisonerCount
from releases.models import ConcessionFigure, ReleaseEvent, SanctionsConcession
from tracker.models import Country, Source, Visibility

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_loaded_by_the_migration():
    # 249 ISO 3166-1 countries, and the European Union (a reserved code) as a sanctioning party.
    assert Country.objects.count() == 250
    assert Country.objects.get(code="EU").name == "European Union"
    assert Country.objects.get(code="BY").name == "Belarus"
    assert Country.objects.get(code="US").name == "United States"
    assert Country.objects.get(code="GB").name == "United Kingdom"


def test_country_code_must_be_two_capital_letters():
    with pytest.raises(IntegrityError), transaction.atomic():
        Country.objects.create(code="xx", name="Lower case")


def test_a_person_is_listed_once_per_release(make_event, make_prisoner, make_release):
    event, person = make_event(), make_prisoner()
    make_release(event, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_release(event, person)


def test_counts_cannot_be_negative(make_event, make_count):
    event = make_event(reported_count=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseEvent.objects.filter(pk=event.pk).update(reported_count=-1)
    count = make_count()
    with pytest.raises(IntegrityError), transaction.atomic():
        PrisonerCount.objects.filter(pk=count.pk).update(count=-3)


def test_one_count_per_country_and_date(make_count):
    make_count("BY", as_of=datetime.date(2025, 12, 18))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_count("BY", as_of=datetime.date(2025, 12, 18))


def test_a_figure_range_must_be_ordered(make_concession):
    measure = make_concession()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConcessionFigure.objects.create(
            concession=measure, slug="value", measure="Value", low=3_000, high=1_000
        )


def test_concession_cannot_expire_before_it_is_issued(make_event, make_concession):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_concession(
            make_event(),
            issued_on=datetime.date(2025, 12, 20),
            expires_on=datetime.date(2025, 12, 1),
        )


def test_two_measures_on_one_target_on_one_day_are_two_records(make_event, make_concession):
    """A Treasury licence and a Commerce letter for the same airline on the same day: the
    natural key is each one's slug, so they never collide, and a date filled in later changes
    no key."""
    event = make_event()
    day = datetime.date(2025, 9, 11)
    licence = make_concession(event, target="Belavia", slug="us-gl-11", announced_on=day)
    letter = make_concession(event, target="Belavia", slug="us-bis-belavia", announced_on=day)
    assert licence.natural_key() != letter.natural_key()
    undated = make_concession(event, target="Belavia", slug="us-belavia-undated")
    key = undated.natural_key()
    undated.announced_on = day
    undated.save()
    assert undated.natural_key() == key
    with pytest.raises(IntegrityError), transaction.atomic():
        make_concession(target="Another", slug="us-gl-11")


def test_no_expiry_is_not_an_expiry_date(make_concession):
    measure = make_concession(no_expiry=True)
    assert measure.expiry_display == "no expiry"
    assert make_concession().expiry_display == "expiry unknown"
    with pytest.raises(IntegrityError), transaction.atomic():
        make_concession(no_expiry=True, expires_on=datetime.date(2026, 1, 1))


def test_invalid_choice_values_are_refused_by_the_database(make_prisoner):
    person = make_prisoner()
    with pytest.raises(IntegrityError), transaction.atomic():
        Prisoner.objects.filter(pk=person.pk).update(visibility="secret")
    with pytest.raises(IntegrityError), transaction.atomic():
        Prisoner.objects.filter(pk=person.pk).update(status="vanished")


def test_new_records_start_restricted():
    assert Prisoner().visibility == Visibility.RESTRICTED
    assert ReleaseEvent().visibility == Visibility.RESTRICTED
    assert SanctionsConcession().visibility == Visibility.RESTRICTED


def test_slug_is_made_from_the_name_and_kept_unique(make_prisoner):
    first = Prisoner(name="Ales Bialiatski")
    first.full_clean()
    assert first.slug == "ales-bialiatski"
    first.save()
    namesake = Prisoner(name="Ales Bialiatski")
    namesake.full_clean()
    assert namesake.slug == "ales-bialiatski-2"


def test_slug_from_a_name_in_cyrillic_is_transliterated():
    person = Prisoner(name="Алесь Бяляцкі")
    person.full_clean()
    assert person.slug == "ales-byalyatski"


def test_a_duplicate_slug_is_a_plain_validation_message(make_prisoner):
    make_prisoner(name="Maria Kolesnikova", slug="maria-kolesnikova")
    with pytest.raises(ValidationError) as error:
        Prisoner(name="Maria K.", slug="maria-kolesnikova").full_clean()
    assert error.value.message_dict["slug"] == [
        "Another person already uses this slug. Choose a different one."
    ]


def test_a_release_dated_in_the_future_is_refused(make_event):
    event = make_event()
    event.date = datetime.date.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "cannot be dated in the future" in error.value.message_dict["date"][0]


def test_natural_keys_resolve_back_to_the_same_records(
    make_event, make_prisoner, make_release, make_concession, make_source, make_count
):
    source = make_source(title="Annual report", published_on=datetime.date(2025, 3, 1))
    event = make_event(slug="minsk-2025")
    person = make_prisoner(slug="a-person")
    release = make_release(event, person)
    undated = make_concession(event, target="Potash", slug="potash")
    dated = make_concession(event, target="Potash", announced_on=datetime.date(2025, 12, 13))
    link = undated.links.get()
    figure = ConcessionFigure.objects.create(concession=undated, slug="value", measure="Value")
    count = make_count("BY", as_of=datetime.date(2025, 12, 18))

    for record in (source, event, person, release, undated, dated, link, figure, count):
        model = type(record)
        key = record.natural_key()
        assert model.objects.get_by_natural_key(*key) == record
    assert release.natural_key() == ("minsk-2025", "a-person")
    assert undated.natural_key() == ("potash",)
    assert link.natural_key() == ("potash", "minsk-2025")
    assert figure.natural_key() == ("potash", "value")
    assert count.natural_key() == ("BY", "2025-12-18", "")
    assert source.natural_key() == (source.slug,)
    # The key of fixtures written before sources had slugs still finds the source.
    assert Source.objects.get_by_natural_key("Annual report", "2025-03-01") == source

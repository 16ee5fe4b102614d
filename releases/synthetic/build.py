"""The records of one seed, built in memory, then written in bulk."""

import datetime
import functools
import random
from collections import defaultdict

from anyascii import anyascii
from django.utils.text import slugify

from prisoners.models import Prisoner, PrisonerCount, PrisonerStatus, sort_key
from prisoners.search import search_key
from releases.models import (
    ConcessionFigure,
    ConcessionKind,
    ConcessionLink,
    Participant,
    ParticipantRole,
    Release,
    ReleaseCircumstances,
    ReleaseEvent,
    ReportedNationality,
    RouteLeg,
    SanctionsConcession,
)
from releases.synthetic.names import person_name
from releases.synthetic.world import (
    AUTHORITIES,
    CHARGES,
    CIRCUMSTANCES,
    CONCESSION_KINDS,
    CONCESSION_TARGETS,
    COUNT_BASE,
    COUNTERPARTS,
    DUAL_NATIONAL_SHARE,
    FOREIGNER_SHARE,
    LINK_BASES,
    PRISONER_STATUSES,
    PUBLISHERS,
    REGIMES,
    RELEASERS,
    ROLES,
    SANCTIONING,
)
from tracker.dates import DatePrecision
from tracker.models import Country, Source, Visibility

# Fixed, so that a seed gives the same data whatever the day; all of it in the past.
FIRST_DAY = datetime.date(1995, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
COUNTS_FROM = datetime.date(2015, 1, 1)
MAX_DOCUMENTED = 500
SYNTHETIC_NOTE = "Synthetic record (generate_synthetic_data --seed {seed})."


class UniqueSlugs:
    """Slugs made from text, "-2", "-3"... on repeats, as `tracker.models.unique_slug` does."""

    def __init__(self):
        self.used = defaultdict(int)
        self.slugs = {}

    def __call__(self, text, max_length=200):
        if text not in self.slugs:
            self.slugs[text] = slugify(anyascii(text))[: max_length - 8].strip("-") or "record"
        base = self.slugs[text]
        self.used[base] += 1
        count = self.used[base]
        return base if count == 1 else f"{base}-{count}"


def _recent_date(rng):
    """A date between FIRST_DAY and LAST_DAY, more often recent: records grow over the years."""
    span = (LAST_DAY - FIRST_DAY).days
    return FIRST_DAY + datetime.timedelta(days=round(span * rng.random() ** 0.5))


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


class SyntheticData:
    """The records of one seed, built unsaved in memory, then written with `bulk_create`.

    Many-to-many links are kept as (record, [related records]) pairs until both ends have
    primary keys.
    """

    def __init__(self, *, seed, events, prisoners):
        self.rng = random.Random(seed)
        self.note = SYNTHETIC_NOTE.format(seed=seed)
        self.countries = {country.code: country for country in Country.objects.all()}
        self.event_count, self.prisoner_count = events, prisoners
        self.sources, self.source_keys, self.registers = [], set(), {}
        self.source_slugs = set()
        self.people, self.events, self.releases, self.concessions, self.counts = [], [], [], [], []
        self.concession_links, self.concession_figures = [], []
        self.participants, self.nationality_reports, self.route_legs = [], [], []
        self.links = defaultdict(list)  # many-to-many relation -> [(record, [related])]
        # By position in self.people: the country holding each person, and their nationalities.
        self.held_by, self.nationalities = [], []
        self.event_slugs = UniqueSlugs()

    def link(self, relation, record, related):
        if related:
            self.links[relation].append((record, related))

    def country_list(self, codes):
        return [self.countries[code] for code in codes]

    def source(self, title, published_on, publisher):
        """A new source; a title may repeat on another day, never on the same one."""
        while (title, published_on) in self.source_keys:
            title += " (update)"
        self.source_keys.add((title, published_on))
        # bulk_create skips clean(), which makes a source's slug: made here, unique.
        slug = base = slugify(f"{title} {published_on:%Y-%m-%d}")[:190]
        while slug in self.source_slugs:
            slug = f"{base}-{len(self.source_slugs)}"
        self.source_slugs.add(slug)
        source = Source(
            title=title,
            slug=slug,
            publisher=publisher,
            url=f"https://example.org/{slugify(publisher)}/{len(self.sources) + 1}",
            published_on=published_on,
        )
        self.sources.append(source)
        return source

    def register(self, code, year):
        """A country's yearly register of political prisoners, which people and counts cite."""
        year = max(year, COUNTS_FROM.year)
        if (code, year) not in self.registers:
            self.registers[code, year] = self.source(
                f"Register of political prisoners in {self.countries[code].name}, {year}",
                min(datetime.date(year, 12, 31), LAST_DAY),
                PUBLISHERS[0],
            )
        return self.registers[code, year]

    def build(self):
        pools = self.build_people()
        released_on = defaultdict(list)  # position of a person -> the dates they were freed
        for _ in range(self.event_count):
            for position, date in self.build_event(pools):
                released_on[position].append(date)
        for position, person in enumerate(self.people):
            self.complete_person(person, self.held_by[position], released_on.get(position))
        self.build_counts()
        return self

    def build_people(self):
        """Every person; for each detaining country, a shuffled pool of the people it holds."""
        rng, slugs = self.rng, UniqueSlugs()
        # Names repeat (there are only so many Ivanous): compute each key once.
        key_of = functools.cache(search_key)
        codes, weights = list(RELEASERS), [weight for weight, *_ in RELEASERS.values()]
        pools = defaultdict(list)
        for _ in range(self.prisoner_count):
            code = rng.choices(codes, weights)[0]
            _weight, culture, second_nationalities = RELEASERS[code]
            draw, nationalities = rng.random(), [code]
            if draw < FOREIGNER_SHARE:
                nationalities, culture = [rng.choice(second_nationalities)], "english"
            elif draw < FOREIGNER_SHARE + DUAL_NATIONAL_SHARE:
                nationalities.append(rng.choice(second_nationalities))
            name, native, other_names = person_name(rng, culture)
            other_names = "\n".join(other_names)
            # Synthetic names are "Given Surname", Chinese ones "Surname Given".
            surname = name.split()[0 if culture == "chinese" else -1]
            person = Prisoner(
                name=name,
                surname=surname,
                sort_name=sort_key(name, surname),
                name_native=native,
                other_names=other_names,
                slug=slugs(name),
                role=rng.choice(ROLES) if rng.random() < 0.4 else "",
                charges=rng.choice(CHARGES) if rng.random() < 0.7 else "",
                visibility=Visibility.PUBLIC,
                internal_notes=self.note,
                search_key=key_of(name, native, other_names),
            )
            pools[code].append(len(self.people))
            self.people.append(person)
            self.held_by.append(code)
            self.nationalities.append(nationalities)
            self.link(Prisoner.nationalities, person, self.country_list(nationalities))
        for pool in pools.values():
            rng.shuffle(pool)
        return pools

    def build_event(self, pools):
        """One release event with its releases and concessions; returns (position, date) of
        each person freed."""
        rng = self.rng
        code = rng.choices(list(RELEASERS), [weight for weight, *_ in RELEASERS.values()])[0]
        country, date = self.countries[code], _recent_date(rng)
        size = min(MAX_DOCUMENTED, max(1, int(rng.lognormvariate(2.6, 1.4))))
        pool = pools[code]
        freed = [pool.pop() for _ in range(min(size, len(pool)))]
        if not freed:  # everyone this country held is free already: someone freed a second time
            held = [position for position, held_by in enumerate(self.held_by) if held_by == code]
            freed = [rng.choice(held or range(len(self.people)))]
        documented = len(freed)
        reported = None if rng.random() < 0.1 else documented + int(documented * rng.random())
        figure = reported or documented
        counterparts = sorted(rng.sample(COUNTERPARTS, rng.choice((0, 1, 1, 1, 2))))
        title = f"{country.name} frees {figure} political prisoner{'s' * (figure != 1)}"
        if counterparts:
            title += " after talks with " + " and ".join(
                self.countries[partner].name for partner in counterparts
            )
        event = ReleaseEvent(
            title=title,
            slug=self.event_slugs(f"{country.name} release {date.isoformat()}"),
            date=date,
            releasing_country=country,
            reported_count=reported,
            summary=(
                f"{country.name} released {figure} people held for political reasons; "
                f"{documented} of them are documented by name."
            ),
            visibility=Visibility.PUBLIC,
            internal_notes=self.note,
        )
        self.events.append(event)
        second_nationalities = RELEASERS[code][2]
        reported_nationalities = {
            nationality
            for position in freed
            for nationality in self.nationalities[position]
            if nationality != code
        }
        if rng.random() < 0.2:
            reported_nationalities.add(rng.choice(second_nationalities))
        destination = rng.choice(second_nationalities) if rng.random() < 0.3 else None
        publishers = rng.sample(PUBLISHERS[1:], rng.randint(1, 2))
        delays = sorted(rng.sample(range(10), len(publishers)))
        sources = [
            self.source(title, min(date + datetime.timedelta(days=delay), LAST_DAY), publisher)
            for delay, publisher in zip(delays, publishers, strict=True)
        ]
        self.link(ReleaseEvent.counterparts, event, self.country_list(counterparts))
        self.link(ReleaseEvent.sources, event, sources)
        shared = {"event": event, "visibility": Visibility.PUBLIC}
        if counterparts and rng.random() < 0.6:
            envoy = Participant(
                name=f"Envoy {len(self.participants) + 1}",
                role=ParticipantRole.ENVOY,
                title=f"Special envoy of {self.countries[counterparts[0]].name}",
                country=self.countries[counterparts[0]],
                **shared,
            )
            self.participants.append(envoy)
            self.link(Participant.sources, envoy, sources[:1])
        for nationality in sorted(reported_nationalities):
            self.nationality_reports.append(
                ReportedNationality(
                    country=self.countries[nationality], source=sources[0], **shared
                )
            )
        if destination:
            leg = RouteLeg(from_country=country, to_country=self.countries[destination], **shared)
            self.route_legs.append(leg)
            self.link(RouteLeg.sources, leg, sources[:1])
        for position in freed:
            circumstances = _weighted(rng, CIRCUMSTANCES)
            deported = destination and circumstances == ReleaseCircumstances.DEPORTED
            release = Release(
                event=event,
                prisoner=self.people[position],
                circumstances=circumstances,
                destination=self.countries[destination] if deported else None,
                visibility=Visibility.PUBLIC,
                internal_notes=self.note,
            )
            self.releases.append(release)
            if rng.random() < 0.3:
                self.link(Release.sources, release, sources[:1])
        if counterparts and rng.random() < 0.5:
            self.build_concessions(event, counterparts, sources[0])
        return [(position, date) for position in freed]

    def build_concessions(self, event, counterparts, source):
        """One to three concessions of a sanctioning counterpart, each on its own target."""
        rng = self.rng
        imposed_by = next((code for code in counterparts if code in SANCTIONING), "US")
        for target in rng.sample(CONCESSION_TARGETS, rng.randint(1, 3)):
            kind = _weighted(rng, CONCESSION_KINDS)
            announced = None
            if rng.random() < 0.9:
                announced = min(event.date + datetime.timedelta(days=rng.randint(0, 20)), LAST_DAY)
            licence = kind == ConcessionKind.LICENCE
            low = 10**6 * rng.randint(1, 2000) if rng.random() < 0.4 else None
            no_expiry = licence and rng.random() < 0.3
            expires = (
                announced + datetime.timedelta(days=rng.randint(180, 730))
                if announced and licence and not no_expiry
                else None
            )
            day, unknown = DatePrecision.DAY, DatePrecision.UNKNOWN
            concession = SanctionsConcession(
                slug=f"{event.slug}-measure-{len(self.concessions) + 1}",
                imposed_by=self.countries[imposed_by],
                authority=AUTHORITIES.get(imposed_by, "Ministry of Foreign Affairs"),
                target=target.format(country=event.releasing_country.name),
                target_country=event.releasing_country,
                kind=kind,
                identifier=f"General License {rng.randint(1, 120)}" if licence else "",
                announced_on=announced,
                announced_on_precision=day if announced else unknown,
                issued_on=announced,
                issued_on_precision=day if announced else unknown,
                expires_on=expires,
                expires_on_precision=day if expires else unknown,
                no_expiry=no_expiry,
                delists={ConcessionKind.LICENCE: False, ConcessionKind.DELISTING: True}.get(kind),
                visibility=Visibility.PUBLIC,
                internal_notes=self.note,
            )
            self.concessions.append(concession)
            self.link(SanctionsConcession.sources, concession, [source])
            link = ConcessionLink(
                concession=concession,
                event=event,
                basis=_weighted(rng, LINK_BASES),
                visibility=Visibility.PUBLIC,
                internal_notes=self.note,
            )
            self.concession_links.append(link)
            self.link(ConcessionLink.sources, link, [source])
            if low:
                figure = ConcessionFigure(
                    concession=concession,
                    slug="export-revenue",
                    measure="Exports per year before sanctions",
                    low=low,
                    high=low * rng.randint(1, 3),
                    currency="USD",
                    period="a year, before sanctions",
                    visibility=Visibility.PUBLIC,
                    internal_notes=self.note,
                )
                self.concession_figures.append(figure)
                self.link(ConcessionFigure.sources, figure, [source])

    def complete_person(self, person, code, released_on):
        """Status, detention and source of a person, now that their releases are known."""
        rng = self.rng
        if released_on:
            person.status, until = PrisonerStatus.RELEASED, min(released_on)
        else:
            person.status, until = _weighted(rng, PRISONER_STATUSES), LAST_DAY
        if rng.random() < 0.85:
            person.detained_on = max(
                FIRST_DAY, until - datetime.timedelta(days=rng.randint(30, 3000))
            )
            years = rng.randint(1, 15)
            person.sentence = f"{years} year{'s' * (years != 1)}, {rng.choice(REGIMES)}"
        else:
            person.detained_on_precision = DatePrecision.UNKNOWN
        year = (person.detained_on or until).year
        self.link(Prisoner.sources, person, [self.register(code, year)])

    def build_counts(self):
        """Monthly political-prisoner counts of every country that made a release."""
        rng = self.rng
        for code in sorted({event.releasing_country.code for event in self.events}):
            count, month = COUNT_BASE.get(code, 100), COUNTS_FROM
            while month <= LAST_DAY:
                count = max(0, round(count * rng.uniform(0.93, 1.08)))
                record = PrisonerCount(
                    country=self.countries[code],
                    as_of=month,
                    as_of_precision=DatePrecision.MONTH,
                    count=count,
                    counted_by="Register of political prisoners",
                )
                self.counts.append(record)
                self.link(PrisonerCount.sources, record, [self.register(code, month.year)])
                month = (month + datetime.timedelta(days=32)).replace(day=1)

    def tables(self):
        """[(model, rows)] to write, parents before children, then the links: a generator, so
        that each table's rows point at the primary keys its parents got when written
        (releases.services.write_synthetic_data)."""
        yield Source, self.sources
        yield Prisoner, self.people
        yield PrisonerCount, self.counts
        yield ReleaseEvent, self.events
        yield Release, self.releases
        yield Participant, self.participants
        yield ReportedNationality, self.nationality_reports
        yield RouteLeg, self.route_legs
        yield SanctionsConcession, self.concessions
        # Their measures have primary keys now.
        for record in (*self.concession_links, *self.concession_figures):
            record.concession = record.concession
        yield ConcessionLink, self.concession_links
        yield ConcessionFigure, self.concession_figures
        for relation, pairs in self.links.items():
            through, field = relation.through, relation.field
            yield (
                through,
                [
                    through(
                        **{
                            field.m2m_column_name(): record.pk,
                            field.m2m_reverse_name(): related.pk,
                        }
                    )
                    for record, related_records in pairs
                    for related in related_records
                ],
            )

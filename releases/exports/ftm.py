"""Release events and the sanctions ledger as FollowTheMoney entities (releases.records declares
the converters; people and countries are converted by their own apps).

- a source is an Article; every entity cites its sources as `proof`;
- a person freed is a Person (nationalities as `nationality`); a release is an Event with the
  people it documents as `involved`;
- a sanctioned entity is a Company, Organization, Person, Airplane or Vessel; a sector, which
  FtM has no schema for, a LegalEntity; its designation, where recorded, is a Sanction;
- a sanctions measure is one Sanction per entity it covers (FtM's Sanction names one entity);
  a measure that names none is a Sanction on its target country (a Territory), or, with no
  country either, on a LegalEntity named by what it covers. Its scope goes into `provisions`,
  "no expiry" among them; the releases it followed, with the basis, into `reason`.
- a country (the country list) is a Territory.
"""

from django.db.models import Prefetch

from prisoners.exports.ftm import person, person_id
from releases.models import (
    ConcessionLink,
    EntityKind,
    Release,
    SanctionedEntity,
)
from tracker.exports.ftm import (
    articles,
    country_code,
    entity_id,
    make_entity,
    partial_date,
    proof,
    territory,
    territory_id,
)
from tracker.exports.stream import CHUNK_SIZE

ENTITY_SCHEMAS = {
    EntityKind.COMPANY: "Company",
    EntityKind.ORGANISATION: "Organization",
    EntityKind.PERSON: "Person",
    EntityKind.AIRCRAFT: "Airplane",
    EntityKind.VESSEL: "Vessel",
    EntityKind.SECTOR: "LegalEntity",
}


def events(queryset, exporter):
    documented = (
        Release.objects.public()
        .documented()
        .select_related("prisoner")
        .prefetch_related("prisoner__nationalities", "prisoner__sources")
    )
    queryset = queryset.prefetch_related(None).select_related("releasing_country")
    queryset = queryset.prefetch_related(
        "sources", "counterparts", Prefetch("releases", queryset=documented, to_attr="freed")
    )
    for event in queryset.iterator(chunk_size=CHUNK_SIZE):
        sources = list(event.sources.all())
        yield from articles(sources)
        for release in event.freed:
            yield from person(release.prisoner, exporter)
        yield make_entity(
            "Event",
            entity_id("release", event.slug),
            name=event.title,
            date=partial_date(event.date, event.date_precision),
            country=[country_code(event.releasing_country)]
            + [country_code(country) for country in event.counterparts.all()],
            summary=event.summary,
            involved=[person_id(release.prisoner) for release in event.freed],
            sourceUrl=exporter.absolute_uri(event.get_absolute_url()),
            proof=proof(sources),
        )


def sanctioned_entity_id(entity):
    return entity_id("entity", entity.slug)


def _sanctioned_entity(entity, exporter):
    sources = list(entity.sources.all())
    yield from articles(sources)
    cited = proof(sources)
    schema = ENTITY_SCHEMAS.get(entity.kind, "LegalEntity")
    properties = {
        "name": entity.name,
        "country": country_code(entity.country),
        "notes": entity.description,
        "sourceUrl": exporter.absolute_uri(entity.get_absolute_url()),
        "proof": cited,
    }
    if schema == "Person":
        properties["nationality"] = properties.pop("country")
    yield make_entity(schema, sanctioned_entity_id(entity), **properties)
    if entity.designated_by_id or entity.designated_on or entity.programme:
        yield make_entity(
            "Sanction",
            entity_id("designation", entity.slug),
            entity=sanctioned_entity_id(entity),
            authority=entity.designated_by.name if entity.designated_by else None,
            country=country_code(entity.designated_by),
            program=entity.programme,
            authorityId=[part.strip() for part in entity.list_identifiers.split(";")],
            startDate=partial_date(entity.designated_on, entity.designated_on_precision),
            status="Designated",
            proof=cited,
        )


def _entities_queryset():
    return SanctionedEntity.objects.public().select_related("country", "designated_by")


def sanctioned_entities(queryset, exporter):
    queryset = queryset.prefetch_related(None).select_related("country", "designated_by")
    queryset = queryset.prefetch_related("sources")
    for entity in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield from _sanctioned_entity(entity, exporter)


def _yes_no(label, value):
    if value is None:
        return None
    return f"{label}: {'yes' if value else 'no'}"


def _reason(links):
    return [
        f"Followed the release “{link.event.title}” "
        f"({partial_date(link.event.date, link.event.date_precision)}): "
        f"{link.get_basis_display().lower()}" + (f" ({link.note})" if link.note else "")
        for link in links
    ]


def concessions(queryset, exporter):
    # The page's own prefetches (its public entities and links) are replaced by these.
    queryset = queryset.prefetch_related(None).select_related("imposed_by", "target_country")
    queryset = queryset.prefetch_related(
        "sources",
        Prefetch("entities", queryset=_entities_queryset().prefetch_related("sources")),
        Prefetch(
            "links",
            queryset=ConcessionLink.objects.public()
            .select_related("event")
            .prefetch_related("sources")
            .order_by("event__date", "event_id"),
        ),
    )
    for concession in queryset.iterator(chunk_size=CHUNK_SIZE):
        sources = list(concession.sources.all())
        links = list(concession.links.all())
        for link in links:
            sources += [source for source in link.sources.all() if source not in sources]
        yield from articles(sources)
        covered = list(concession.entities.all())
        targets = []
        for entity in covered:
            yield from _sanctioned_entity(entity, exporter)
            targets.append(sanctioned_entity_id(entity))
        if not targets and concession.target_country is not None:
            yield territory(concession.target_country)
            targets.append(territory_id(concession.target_country))
        elif not targets:
            target = entity_id("target", concession.slug)
            yield make_entity("LegalEntity", target, name=concession.target)
            targets.append(target)
        provisions = [
            concession.get_kind_display(),
            "No expiry" if concession.no_expiry else None,
            _yes_no("Delists", concession.delists),
            _yes_no("Unblocks property", concession.unblocks_property),
            _yes_no("Covers owned entities", concession.covers_owned_entities),
            concession.conditions,
        ]
        for target in targets:
            yield make_entity(
                "Sanction",
                entity_id("measure", concession.slug, target),
                entity=target,
                authority=concession.authority or concession.imposed_by.name,
                authorityId=concession.identifier,
                country=country_code(concession.imposed_by),
                program=concession.programme,
                provisions=provisions,
                status=concession.get_kind_display(),
                summary=concession.name,
                reason=_reason(links),
                date=partial_date(concession.announced_on, concession.announced_on_precision),
                startDate=partial_date(concession.issued_on, concession.issued_on_precision),
                endDate=partial_date(concession.expires_on, concession.expires_on_precision),
                recordId=concession.slug,
                sourceUrl=[
                    concession.url,
                    exporter.absolute_uri(concession.get_absolute_url()),
                ],
                proof=proof(sources),
            )

"""People as FollowTheMoney Persons (prisoners.records declares the converter)."""

from tracker.exports.ftm import articles, country_code, entity_id, make_entity, proof
from tracker.exports.stream import CHUNK_SIZE


def person_id(prisoner):
    return entity_id("person", prisoner.slug)


def person(prisoner, exporter):
    """The person as a Person, after the Articles of their sources."""
    sources = list(prisoner.sources.all())
    yield from articles(sources)
    aliases = [
        prisoner.name_native,
        prisoner.name_be,
        prisoner.name_ru,
        *prisoner.other_names.splitlines(),
    ]
    yield make_entity(
        "Person",
        person_id(prisoner),
        name=prisoner.name,
        alias=list(dict.fromkeys(alias.strip() for alias in aliases if alias and alias.strip())),
        nationality=[country_code(country) for country in prisoner.nationalities.all()],
        summary=prisoner.description,
        sourceUrl=exporter.absolute_uri(prisoner.get_absolute_url()),
        proof=proof(sources),
    )


def prisoners(queryset, exporter):
    queryset = queryset.prefetch_related(None).prefetch_related("nationalities", "sources")
    for prisoner in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield from person(prisoner, exporter)

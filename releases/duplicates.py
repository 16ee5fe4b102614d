"""The stored measure or entity that a new one may repeat under another slug: the same issuer and
identifier, the same name and country (RecordKind.same_record, for the importer)."""

from releases.models import SanctionedEntity, SanctionsConcession


def same_concession(concession):
    """The stored measures with its issuer and identifier (a measure without one has no
    identity beyond its slug)."""
    if not concession.identifier.strip() or concession.imposed_by_id is None:
        return []
    return list(
        SanctionsConcession.objects.filter(
            imposed_by_id=concession.imposed_by_id, identifier__iexact=concession.identifier.strip()
        ).exclude(pk=concession.pk)
    )


def same_entity(entity):
    """The stored entities of its name and country."""
    return list(
        SanctionedEntity.objects.filter(
            name__iexact=entity.name.strip(), country_id=entity.country_id
        ).exclude(pk=entity.pk)
    )

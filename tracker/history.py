"""History entries (django-simple-history) for the writers of many records at once.

A bulk write sends no signal, so simple-history records nothing for it; these writers (the
importer, publishing in bulk) write the entries themselves, each naming the user, with the
record's many-to-many links as they stand, as simple-history does for a record saved alone
(its own `bulk_history_create` leaves the links out).
"""

from collections import defaultdict

from simple_history.models import HistoricalRecords

BATCH_SIZE = 1000


def history_model(model):
    """The model's historical model (django-simple-history), or None."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def current_links(model, pks):
    """{many-to-many field: {pk: [through rows]}} of the records `pks` as stored, for each
    field the model's history records."""
    historical = history_model(model)
    links = {}
    for model_field in historical._history_m2m_fields if historical else ():
        through = model_field.remote_field.through
        owner = model_field.m2m_field_name()
        by_owner = links[model_field] = defaultdict(list)
        for start in range(0, len(pks), BATCH_SIZE):
            for row in through._default_manager.filter(
                **{f"{owner}__in": pks[start : start + BATCH_SIZE]}
            ).order_by("pk"):
                by_owner[getattr(row, f"{owner}_id")].append(row)
    return links


def write_history(model, *, created=(), changed=(), user, reason="", date=None, links=None):
    """One history entry a record of `model`, in bulk: "created" for `created`, "changed" for
    `changed`, each naming `user`, with the records' many-to-many links as they now stand
    (`links`: current_links() of them, when the writer read those already)."""
    historical = history_model(model)
    if historical is None:
        return
    manager = getattr(model, model._meta.simple_history_manager_attribute)
    entries = []
    for records, update in ((list(created), False), (list(changed), True)):
        for start in range(0, len(records), BATCH_SIZE):
            entries += manager.bulk_history_create(
                records[start : start + BATCH_SIZE],
                update=update,
                default_user=user,
                default_change_reason=reason,
                default_date=date,
            )
    if links is None:
        links = current_links(model, [getattr(entry, model._meta.pk.attname) for entry in entries])
    for model_field, by_owner in links.items():
        through = model_field.remote_field.through
        link_history = HistoricalRecords.m2m_models[model_field]
        link_history._default_manager.bulk_create(
            [
                link_history(
                    history=entry,
                    **{f.attname: getattr(row, f.attname) for f in through._meta.fields},
                )
                for entry in entries
                for row in by_owner.get(getattr(entry, model._meta.pk.attname), ())
            ],
            batch_size=BATCH_SIZE,
        )

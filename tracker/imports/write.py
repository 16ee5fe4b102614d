"""Pass 2 of an import: the records read again and written a batch at a time, model by model,
parents first."""

from collections import defaultdict

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import history, services
from tracker.imports.match import IMPORT_REASON, MALFORMED, _link_fields
from tracker.imports.read import upgraded
from tracker.imports.report import ImportFailed, _problems
from tracker.models import Visibility

# Records written at a time: memory and statements stay flat however large the file.
BATCH_SIZE = 1000


class WritePass:
    """Pass 2 of an `_Import`: write what pass 1 found good."""

    def write(self, records):
        """Read the records again (pass 1 found them good) and write them a batch at a time:
        a record refers only to records before it in the file, written by then, or stored."""
        self.writing = True
        self.seen.clear()
        self.keys.clear()  # records new to the database get their keys again, with their pks
        for index, record in enumerate(records, start=1):
            for current in upgraded(record):
                self.read(index, current)
            if sum(len(batch) for batch in self.pending.values()) >= BATCH_SIZE:
                self.flush()
        self.flush()
        # After every record: a record's sources may be records of another model (the
        # sources a person freed cites), written after it.
        for model, publishing in self.publishing.items():
            self.check_published(model, publishing)
        for model, pks in self.written.items():
            try:
                services.check_stored(model, pks)
            except ValidationError as error:
                raise ImportFailed(" ".join(error.messages)) from None

    def flush(self):
        """Write the records read since the last flush, model by model, parents first."""
        models = serializers.sort_dependencies([(None, list(self.pending))])
        for model in models:
            records = [pending for pending in self.pending[model].values() if pending.needs_writing]
            for pending in records:
                for model_field, reference in pending.references.items():
                    setattr(pending.instance, model_field.attname, reference.pk)
                pending.instance._history_user = self.user
                # As save() would: receivers keep derived fields (a search key) current.
                pre_save.send(
                    sender=model,
                    instance=pending.instance,
                    raw=False,
                    using=model._default_manager.db,
                    update_fields=None,
                )
            new = [pending for pending in records if pending.stored is None]
            changed = [pending for pending in records if pending.stored is not None]
            self.insert(model, new)
            self.update(model, changed)
            self.write_links(model, records)
            self.write_history(model, new, changed)
            self.written[model] += [pending.instance.pk for pending in records]
            self.publishing[model].update(
                (pending.instance.pk, pending.where)
                for pending in records
                if getattr(pending.instance, "visibility", None) == Visibility.PUBLIC
                and (pending.stored or {}).get("visibility") != Visibility.PUBLIC
            )
        self.pending.clear()

    @staticmethod
    def check_published(model, publishing):
        """A record the import makes public ({pk: where}) must cite a source, as anywhere on
        the site."""
        unsourced = services.unsourced(model, list(publishing))
        if unsourced:
            where = [publishing[pk] for pk in unsourced]
            more = _(" and %(count)s more") % {"count": len(where) - 5} if len(where) > 5 else ""
            raise ImportFailed(
                _(
                    "%(records)s: a public record must cite at least one source. "
                    "Add its sources to the file, or keep new records restricted."
                )
                % {"records": f"{', '.join(where[:5])}{more}"}
            )

    def insert(self, model, records):
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            try:
                with transaction.atomic():
                    model._default_manager.bulk_create([pending.instance for pending in batch])
            except (DatabaseError, *MALFORMED):
                self.write_one_by_one(batch, lambda instance: instance.save_base(raw=True))
            for pending in batch:
                pending.reference.pk = pending.instance.pk

    def update(self, model, records):
        now = timezone.now()
        names = [
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name != "created_at"
        ]
        for pending in records:
            if hasattr(pending.instance, "updated_at"):
                pending.instance.updated_at = now
            if hasattr(pending.instance, "version"):
                pending.instance.version += 1  # from the stored record's version (read())
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            try:
                with transaction.atomic():
                    model._default_manager.bulk_update(
                        [pending.instance for pending in batch], names
                    )
            except (DatabaseError, *MALFORMED):
                self.write_one_by_one(
                    batch, lambda instance: instance.save_base(raw=True, update_fields=names)
                )

    @staticmethod
    def write_one_by_one(batch, write):
        """The database refused a batch: write its records one by one, and say which one it
        refuses and why, in Django's words where validation knows them."""
        for pending in batch:
            try:
                with transaction.atomic():
                    write(pending.instance)
            except (DatabaseError, *MALFORMED) as error:
                try:
                    pending.instance.validate_unique()
                    pending.instance.validate_constraints()
                except ValidationError as invalid:
                    problem = _problems(invalid)
                else:
                    problem = _("the database refused it (%(error)s)") % {
                        "error": str(error).strip()
                    }
                raise ImportFailed(f"{pending.where}: {problem}") from None

    def write_links(self, model, records):
        """Many-to-many links as pass 1 made them (the file's added to the stored ones, or the
        file's alone when replacing): added and removed as needed."""
        for model_field in _link_fields(model):
            through = model_field.remote_field.through
            source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
            wanted = {
                pending.instance.pk: {reference.pk for reference in pending.links[model_field]}
                for pending in records
                if model_field in pending.links
            }
            stored = defaultdict(set)
            owners = [pending.instance.pk for pending in records if pending.stored is not None]
            for start in range(0, len(owners), BATCH_SIZE):
                rows = through._default_manager.filter(
                    **{f"{source}__in": owners[start : start + BATCH_SIZE]}
                ).values_list(f"{source}_id", f"{target}_id")
                for owner, linked in rows:
                    stored[owner].add(linked)
            for owner, links in wanted.items():
                if stored[owner] - links:
                    through._default_manager.filter(
                        **{f"{source}_id": owner, f"{target}_id__in": stored[owner] - links}
                    ).delete()
            through._default_manager.bulk_create(
                [
                    through(**{f"{source}_id": owner, f"{target}_id": linked})
                    for owner, links in wanted.items()
                    for linked in sorted(links - stored[owner])
                ],
                batch_size=BATCH_SIZE,
            )

    def write_history(self, model, new, changed):
        """One history entry a record, with its many-to-many links as they now stand."""
        history.write_history(
            model,
            created=[pending.instance for pending in new],
            changed=[pending.instance for pending in changed],
            user=self.user,
            reason=IMPORT_REASON,
        )

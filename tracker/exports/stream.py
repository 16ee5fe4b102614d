"""One stream of public records for every download: the records a download holds, by model,
with the records they refer to and the rows that come with them, as each app's record kinds
declare (tracker.records: what is public, what comes with what, what is a part of what), and
the fields of them that every format writes.

The fixture writes the stream as JSON (tracker.exports.fixture), the dataset as that fixture
and one CSV a model (tracker.exports.dataset); the CSV of a page (tracker.exports.csv) and the
FollowTheMoney entities (tracker.exports.ftm) read the same public records through the apps'
columns and converters. Like the rest of the pipeline, this module imports no app.
"""

import operator
from collections import defaultdict
from functools import reduce

from django.core import serializers
from django.db.models import Q

from tracker.records import children_of, kind_of, parts_of

# Staff-only fields, and the site's own count of writes to a record: never in any download.
NEVER_EXPORTED = frozenset({"internal_notes", "version"})

# How deep the plan nests subqueries of keys before it reads the keys instead.
MAX_NESTING = 4

# Records read and written at a time, in every format: memory stays flat however large the data.
CHUNK_SIZE = 2000


def public(queryset):
    """The public part of a queryset of records (tracker.records.RecordKind.public)."""
    return kind_of(queryset.model).public(queryset)


def _natural_key_fks(model):
    """Forward foreign keys to models with a natural key: serialized as that key."""
    return [
        field
        for field in model._meta.fields
        if field.many_to_one or field.one_to_one
        if hasattr(field.related_model, "natural_key")
    ]


def _natural_key_m2ms(model):
    """Many-to-many fields the serializer writes as lists of natural keys."""
    return [
        field
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
        if hasattr(field.related_model, "natural_key")
    ]


def exported_fields(model):
    """The fields of `model`'s records that a download writes, in the model's order."""
    return [
        field
        for field in model._meta.local_fields
        if field.serialize and field.name not in NEVER_EXPORTED
    ]


def exported_links(model):
    """The many-to-many fields of `model`'s records that a download writes as lists (those
    through a model of their own are records of their own: a release's cited sources)."""
    return [
        field
        for field in model._meta.local_many_to_many
        if field.serialize and field.name not in NEVER_EXPORTED
        if field.remote_field.through._meta.auto_created
    ]


class RecordStream:
    """The public records of a download, by model: those of `roots` (querysets of public
    records), every record they refer to, and the rows that come with them.

    Per model, subqueries of the primary keys: each record set is kept as a `values("pk")`
    subquery and the sets are OR-ed when a format reads them (`records_of`), so no query joins
    across the graph or needs DISTINCT, and planning runs no query at all.
    """

    def __init__(self, roots=()):
        self.pk_subqueries = defaultdict(list)
        # Records of models linked to themselves (a measure superseding another), by model:
        # their chains are followed by query, once each, while planning.
        self.chained = defaultdict(set)
        for queryset in roots:
            self.add(queryset.model, queryset.values("pk"), root=True)

    def add(self, model, pks, *, root=False, parent_field=None, depth=0):
        """Export `model`'s public records among `pks`, and the records they refer to.

        `parent_field`: the foreign key to the records these were added for (as their children
        or parts), which are in the plan already: not followed back.
        """
        if depth >= MAX_NESTING and not isinstance(pks, list):
            # Deep in the graph (a release's measure's entities' country) the subqueries
            # would nest past what SQLite's parser takes: these few keys are read now.
            pks = [key for row in pks.order_by().distinct() for key in row.values()]
        queryset = public(model._default_manager.filter(pk__in=pks))
        self.pk_subqueries[model].append(queryset.values("pk"))
        for field in _natural_key_fks(model):
            if field.name != parent_field:
                self.add(field.related_model, queryset.values(field.attname), depth=depth + 1)
        for field in _natural_key_m2ms(model):
            through = field.remote_field.through
            links = through._default_manager.filter(
                **{f"{field.m2m_field_name()}__in": queryset.values("pk")}
            )
            if field.related_model is model:
                self.add_chain(model, field, queryset)
                continue
            self.add(
                field.related_model, links.values(field.m2m_reverse_field_name()), depth=depth + 1
            )
        # Children only of what was asked for: a person's release brings its event, but not
        # the event's other releases. Parts (the sources a release cites, with their stance)
        # come with their record wherever it is exported.
        related = [*parts_of(model), *(children_of(model) if root else [])]
        for related_model, field_name in related:
            children = related_model._default_manager.filter(
                **{f"{field_name}__in": queryset.values("pk")}
            )
            self.add(related_model, children.values("pk"), parent_field=field_name, depth=depth + 1)

    def add_chain(self, model, field, owners):
        """The records `owners` link to through `field`, a link of `model` to itself (the
        instruments a measure supersedes), and the records those link to, to the end of the
        chain. Planned as subqueries they would nest without end; so the public links are read
        here, in one query whatever the chain's length, and each record is added once."""
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        public_pks = public(model._default_manager.all()).values("pk")
        linked = defaultdict(set)
        rows = through._default_manager.filter(
            **{f"{source}__in": public_pks, f"{target}__in": public_pks}
        ).values_list(f"{source}_id", f"{target}_id")
        for owner, other in rows:
            linked[owner].add(other)
        if not linked:
            return
        found, frontier = set(), set(owners.values_list("pk", flat=True))
        while frontier:
            frontier = {other for owner in frontier for other in linked[owner]} - found
            found |= frontier
        new = found - self.chained[model]
        if new:
            self.chained[model] |= new
            self.add(model, sorted(new))

    def models(self):
        """The models of the records, parents before children (as `loaddata` needs them)."""
        return serializers.sort_dependencies([(None, list(self.pk_subqueries))])

    def owned_by(self, model, column):
        """The rows whose `column` is the key of one of `model`'s records. Tested against each
        subquery in turn, not against one query of them all: SQLite's parser takes only so
        much nesting."""
        subqueries = self.pk_subqueries[model]
        return reduce(operator.or_, (Q(**{f"{column}__in": pks}) for pks in subqueries))

    def records_of(self, model):
        """`model`'s records in the stream."""
        return model._default_manager.filter(self.owned_by(model, "pk"))

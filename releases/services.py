"""Rules of release events and the people freed in them, for every path that writes them.

The admin (the event form, its inline rows, the standalone "people freed" form, history
restore) and the importer call these; a rule is written once, here.
"""

import time

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from releases.models import (
    DOCUMENTED_STATUSES,
    ConcessionLink,
    Release,
    ReleaseEvent,
    ReportedNationality,
    SanctionsConcession,
)
from tracker import services
from tracker.models import Visibility
from tracker.write_path import service


def check_documented_within_reported(*, reported_count, documented):
    """No more people documented by name than the event's reported figure (when it has one)."""
    if reported_count is not None and documented > reported_count:
        raise ValidationError(
            ngettext(
                "%(documented)d people are listed as freed, but only %(reported)d was "
                "reported. Raise the reported count or remove people.",
                "%(documented)d people are listed as freed, but only %(reported)d were "
                "reported. Raise the reported count or remove people.",
                reported_count,
            ),
            params={"documented": documented, "reported": reported_count},
            code="documented_above_reported",
        )


def documented_after(event, *, prisoner, replacing=None):
    """How many people `event` documents once `prisoner` is documented in it, in place of
    release `replacing`."""
    listed = set(
        Release.objects.filter(event=event)
        .documented()
        .exclude(pk=getattr(replacing, "pk", None))
        .values_list("prisoner", flat=True)
    )
    return len(listed | {prisoner.pk})


BATCH_SIZE = 1000


def _batches(pks):
    pks = list(pks)
    return (pks[start : start + BATCH_SIZE] for start in range(0, len(pks), BATCH_SIZE))


def check_events_of_releases(release_ids):
    """`check_stored_events` for the events of these people freed."""
    events = set()
    for batch in _batches(release_ids):
        events.update(Release.objects.filter(pk__in=batch).values_list("event", flat=True))
    check_stored_events(events)


def check_stored_events(event_ids):
    """The rule over events as stored (after a bulk write, inside its transaction): raises a
    ValidationError naming the first event over its reported figure."""
    for batch in _batches(event_ids):
        over = (
            ReleaseEvent.objects.filter(pk__in=batch, reported_count__isnull=False)
            .annotate(
                documented=Count("releases", filter=Q(releases__status__in=DOCUMENTED_STATUSES))
            )
            .filter(documented__gt=F("reported_count"))
            .order_by("pk")
            .first()
        )
        if over is not None:
            try:
                check_documented_within_reported(
                    reported_count=over.reported_count, documented=over.documented
                )
            except ValidationError as error:
                raise ValidationError(f"{over}: {' '.join(error.messages)}") from None


def hidden_with(event):
    """What stays hidden if `event` is published alone: [(record, problems)].

    Its restricted people freed, the restricted people they name, its restricted
    participants, nationality reports, route legs and links to sanctions measures, and the
    restricted measures it is linked to; `problems` says why a record could not be published
    with it (no source).
    """
    releases = event.releases.select_related("prisoner").prefetch_related(
        "sources", "prisoner__sources"
    )
    hidden = []
    for release in releases:
        if release.visibility != Visibility.PUBLIC:
            hidden.append(release)
        if release.prisoner.visibility != Visibility.PUBLIC:
            hidden.append(release.prisoner)
    for facts in (
        event.participants,
        event.nationality_reports,
        event.route_legs,
        event.concession_links,
    ):
        restricted = facts.exclude(visibility=Visibility.PUBLIC)
        if restricted.model is not ReportedNationality:  # its one source is a required field
            restricted = restricted.prefetch_related("sources")
        if restricted.model is ConcessionLink:
            restricted = restricted.select_related("concession__imposed_by", "event")
        hidden += restricted
    # A public link to a restricted measure shows nothing either: the measure is hidden too.
    hidden += (
        SanctionsConcession.objects.filter(links__event=event)
        .exclude(visibility=Visibility.PUBLIC)
        .select_related("imposed_by")
        .prefetch_related("sources")
        .distinct()
    )
    return [(record, services.publication_problems(record)) for record in hidden]


def describe_hidden(hidden):
    """The list of `hidden_with()` in words, for the editor."""
    return "; ".join(
        f"{record._meta.verbose_name} “{record}”"
        + (f" ({', '.join(str(problem) for problem in problems)})" if problems else "")
        for record, problems in hidden
    )


@service
def publish_hidden(event, *, user):
    """Publish, with `event`, every record `hidden_with(event)` lists; all or nothing."""
    for record, problems in hidden_with(event):
        if problems:
            raise ValidationError(
                _("“%(record)s” cannot be published: %(problems)s."),
                params={"record": record, "problems": "; ".join(map(str, problems))},
            )
        record.visibility = Visibility.PUBLIC
        services.save_record(
            record,
            user=user,
            seen_version=record.version,
            update_fields=["visibility", "updated_at"],
        )


SYNTHETIC_BATCH_SIZE = 2000


@service
def write_synthetic_data(tables, *, log):
    """Write a generated data set (releases.synthetic: [(model, rows)], parents first) in one
    transaction, a table at a time in bulk, and `log(label, rows, seconds)` each.

    For benchmarks and demonstrations, into an empty database: new rows only, with no history
    entries (nobody edited them) and no rule checks (the generator keeps the rules).
    """
    for model, rows in tables:
        started = time.perf_counter()
        model._default_manager.bulk_create(rows, batch_size=SYNTHETIC_BATCH_SIZE)
        log(model._meta.label, len(rows), time.perf_counter() - started)

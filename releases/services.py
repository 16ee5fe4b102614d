"""Rules of release events and the people freed in them, for every path that writes them.

The admin (the event form, its inline rows, the standalone "people freed" form, history
restore) and the importer call these; a rule is written once, here.
"""

import time

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prisoners.models import Prisoner
from releases.models import (
    Release,
    ReleaseEvent,
    SanctionsConcession,
)
from tracker import services
from tracker.models import SubqueryCount, Visibility
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
                documented=SubqueryCount(Release.objects.documented().filter(event=OuterRef("pk")))
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
    """What stays hidden if `event` is published alone: [(record, problems)], a query a kind.

    Its restricted people freed, the restricted people they name, its restricted
    participants, nationality reports, route legs and links to sanctions measures, and the
    restricted measures it is linked to, each loaded whole (publish_hidden writes their history
    from them) with what its name shows; `problems` says why a record could not be published
    with it (no source).
    """
    hidden = []
    releases = (
        event.releases.filter(
            ~Q(visibility=Visibility.PUBLIC) | ~Q(prisoner__visibility=Visibility.PUBLIC)
        )
        .select_related("prisoner")
        .annotate(
            cites_source=services.cites_a_source(Release),
            prisoner_cites_source=services.cites_a_source(Prisoner, "prisoner"),
        )
    )
    for release in releases:
        if release.visibility != Visibility.PUBLIC:
            hidden.append((release, services.source_problems(release.cites_source)))
        if release.prisoner.visibility != Visibility.PUBLIC:
            hidden.append(
                (release.prisoner, services.source_problems(release.prisoner_cites_source))
            )
    facts = [
        event.participants.all(),
        event.nationality_reports.select_related("country", "source"),
        event.route_legs.select_related("from_country", "via_country", "to_country"),
        event.concession_links.select_related("concession__imposed_by"),
        # A public link to a restricted measure shows nothing either: the measure is hidden too.
        SanctionsConcession.objects.filter(links__event=event)
        .select_related("imposed_by")
        .distinct(),
    ]
    for restricted in facts:
        restricted = restricted.exclude(visibility=Visibility.PUBLIC).annotate(
            cites_source=services.cites_a_source(restricted.model)
        )
        hidden += [(record, services.source_problems(record.cites_source)) for record in restricted]
    return hidden


def describe_hidden(hidden):
    """The list of `hidden_with()` in words, for the editor: plain text, to be escaped where it
    is shown (a record's name is anything a case worker typed)."""
    return "; ".join(
        f"{record._meta.verbose_name} “{record}”"
        + (f" ({', '.join(str(problem) for problem in problems)})" if problems else "")
        for record, problems in hidden
    )


def shown_token(record):
    """How a page names a record it lists with the version it showed: "releases.release:12:3"."""
    return f"{record._meta.label_lower}:{record.pk}:{record.version}"


def parse_shown(values):
    """{(model label, pk): version} of the tokens a page carried; ValidationError on any value
    that is not one (a form error for the editor, never a 500)."""
    shown = {}
    for value in values:
        label, pk, version = (str(value).split(":") + ["", ""])[:3]
        if not (label.count(".") == 1 and pk.isdecimal() and version.isdecimal()):
            raise ValidationError(
                _("The list of records shown is damaged (“%(value)s”): reload the page."),
                params={"value": value},
                code="bad_shown",
            )
        shown[(label, int(pk))] = int(version)
    return shown


def count_by_kind(records):
    """ "2 people freed, 1 person" of `records`, by model verbose names."""
    counts = {}
    for record in records:
        counts.setdefault(type(record), 0)
        counts[type(record)] += 1
    return ", ".join(
        f"{count} "
        + str(model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural)
        for model, count in counts.items()
    )


def hidden_changes(hidden, shown):
    """What differs between the records hidden now and those the editor was shown: a sentence,
    or "" when they are the same, at the same versions."""
    now = {(record._meta.label_lower, record.pk): record for record, _problems in hidden}
    added = [record for key, record in now.items() if key not in shown]
    changed = [
        record for key, record in now.items() if key in shown and record.version != shown[key]
    ]
    gone = [key for key in shown if key not in now]
    parts = []
    if added:
        parts.append(
            _("not shown to you: %(records)s")
            % {"records": describe_hidden([(r, []) for r in added])}
        )
    if changed:
        parts.append(
            _("changed since: %(records)s")
            % {"records": describe_hidden([(r, []) for r in changed])}
        )
    if gone:
        parts.append(
            ngettext(
                "%(count)d record shown is no longer hidden with it",
                "%(count)d records shown are no longer hidden with it",
                len(gone),
            )
            % {"count": len(gone)}
        )
    return "; ".join(parts)


@service
def publish_hidden(event, *, user, shown, hidden):
    """Publish, with `event`, exactly the hidden records the editor was shown; all or nothing.

    `hidden`: hidden_with(event), computed once in this request's transaction (the form's, or
    the action's); `shown`: {(model label, pk): version} as the page listed them (parse_shown).
    If they differ (something not shown now belongs to the event, or a record shown changed
    since), or one cannot be public, nothing is published; publishing checks each record at the
    version shown again (services.publish_listed). Returns the records published.
    """
    difference = hidden_changes(hidden, shown)
    if difference:
        raise ValidationError(
            _(
                "The records hidden with this release changed after you opened it, so nothing "
                "was published: %(difference)s. Check the new list and choose again."
            ),
            params={"difference": difference},
            code="hidden_changed",
        )
    for record, problems in hidden:
        if problems:
            raise ValidationError(
                _("“%(record)s” cannot be published: %(problems)s."),
                params={"record": record, "problems": "; ".join(map(str, problems))},
            )
    return services.publish_listed(
        [record for record, _problems in hidden], user=user, seen_versions=shown
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

"""The public pages' charts: releases and counts turned into tracker.charts' generic SVG.

Each tag gives its chart a title and a description in words (the chart's text alternative);
the templates show the same data as a table or text beside it.
"""

from django import template
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker import charts

register = template.Library()


def _day(date):
    return format_date(date, "j E Y")


def _reported(event):
    if event.reported_count is None:
        return _("no figure reported")
    return ngettext(
        "%(count)s reported freed", "%(count)s reported freed", event.reported_count
    ) % {"count": charts.number(event.reported_count)}


@register.simple_tag
def release_timeline(events):
    """People freed in each release, reported and documented, on a date axis.

    `events` have `documented` (ReleaseEvent.objects.with_figures()).
    """
    events = sorted(events, key=lambda event: event.date)
    if not events:
        return ""
    bars = [
        charts.DatedBar(
            date=event.date,
            total=event.reported_count,
            part=event.documented,
            label=f"{event.title} ({_day(event.date)})",
        )
        for event in events
    ]
    largest = max(events, key=lambda event: event.reported_count or 0)
    figures = {
        "count": len(events),
        "first": _day(events[0].date),
        "last": _day(events[-1].date),
        "reported": charts.number(sum(event.reported_count or 0 for event in events)),
        "documented": charts.number(sum(event.documented for event in events)),
        "largest": largest.title,
        "largest_date": _day(largest.date),
        "largest_reported": _reported(largest),
    }
    desc = (
        ngettext(
            "One release, on %(first)s: %(largest_reported)s, %(documented)s documented by name.",
            "%(count)d releases from %(first)s to %(last)s: %(reported)s people reported freed in "
            "all, %(documented)s documented by name. The largest: %(largest)s, %(largest_date)s, "
            "%(largest_reported)s.",
            len(events),
        )
        % figures
    )
    return charts.dated_bar_chart(
        bars,
        chart_id="timeline-chart",
        title=_("People freed in each release"),
        desc=desc,
        total_name=_("reported freed"),
        part_name=_("documented by name"),
    )


@register.simple_tag
def ledger_timeline(events, measures):
    """Releases (bars: reported freed, documented inside) against sanctions measures (markers)
    on one date axis. `events` have `documented`; `measures` have a `date` (with_date())."""
    events = sorted(events, key=lambda event: event.date)
    measures = sorted(
        (measure for measure in measures if measure.date), key=lambda measure: measure.date
    )
    if not events and not measures:
        return ""
    bars = [
        charts.DatedBar(
            date=event.date,
            total=event.reported_count,
            part=event.documented,
            label=f"{event.title} ({_day(event.date)})",
        )
        for event in events
    ]
    markers = [
        charts.DatedMarker(
            date=measure.date,
            label=f"{measure.imposed_by.local_name}: {measure.name}, {measure.get_kind_display()} "
            f"({_day(measure.date)})",
        )
        for measure in measures
    ]
    parts = [
        ngettext("%(count)d release", "%(count)d releases", len(events)) % {"count": len(events)},
        ngettext("%(count)d dated measure", "%(count)d dated measures", len(measures))
        % {"count": len(measures)},
    ]
    desc = _("%(releases)s and %(measures)s on one time axis.") % {
        "releases": parts[0],
        "measures": parts[1],
    }
    if measures:
        desc += " " + _("Measures: %(measures)s.") % {
            "measures": "; ".join(
                f"{_day(measure.date)}, {measure.imposed_by.local_name}: {measure.name}"
                for measure in measures[-10:]
            )
        }
    return charts.dated_bar_chart(
        bars,
        chart_id="ledger-chart",
        title=_("Releases and sanctions measures over time"),
        desc=desc,
        total_name=_("reported freed"),
        part_name=_("documented by name"),
        markers=markers,
        marker_name=_("a sanctions measure"),
    )


@register.simple_tag
def prisoner_count_chart(country, counts, events):
    """A country's political-prisoner counts over time, with the releases it made as markers."""
    counts = sorted(counts, key=lambda count: count.as_of)
    made = sorted(
        (event for event in events if event.releasing_country_id == country.pk),
        key=lambda event: event.date,
    )
    if not counts:
        return ""
    # Each count as its source gives it (prisoners.PrisonerCount): a lower bound or an
    # approximate value is drawn as such (tracker.charts), and the description says so.
    points = [
        charts.DatedValue(
            date=count.as_of,
            value=count.count,
            label=count.as_of_display + (f", {count.counted_by}" if count.counted_by else ""),
            bound=count.qualifier,
        )
        for count in counts
    ]
    markers = [
        charts.DatedMarker(
            date=event.date,
            label=f"{event.title}, {_day(event.date)}: {_reported(event)}",
        )
        for event in made
    ]
    desc = ngettext(
        "One count: %(last)s political prisoners as of %(last_date)s.",
        "%(number)d counts, from %(first)s political prisoners as of %(first_date)s to %(last)s "
        "as of %(last_date)s.",
        len(counts),
    ) % {
        "number": len(counts),
        "first": counts[0].display,
        "first_date": counts[0].as_of_display,
        "last": counts[-1].display,
        "last_date": counts[-1].as_of_display,
    }
    qualifiers = {count.qualifier for count in counts}
    if charts.AT_LEAST in qualifiers:
        desc += " " + _(
            "Counts marked ≥ are lower bounds (“at least”): the true number may be higher, so a "
            "lower bound below an earlier count does not mean the number fell."
        )
    if charts.ABOUT in qualifiers:
        desc += " " + _("Counts marked ≈ are approximate.")
    if len(made) > 10:
        desc += " " + _("%(number)d releases marked, from %(first)s to %(last)s.") % {
            "number": len(made),
            "first": _day(made[0].date),
            "last": _day(made[-1].date),
        }
    elif made:
        desc += " " + _("Releases marked: %(releases)s.") % {
            "releases": "; ".join(f"{_day(event.date)}, {_reported(event)}" for event in made)
        }
    return charts.dated_line_chart(
        points,
        chart_id="counts-chart",
        title=_("Political prisoners held by %(country)s over time")
        % {"country": country.local_name},
        desc=desc,
        value_name=_("political prisoners"),
        markers=markers,
        marker_name=_("a release"),
        bound_names={charts.AT_LEAST: _("at least"), charts.ABOUT: _("about")},
    )


@register.simple_tag
def freed_bar(event):
    """The people documented by name as a share of those reported freed."""
    if not event.reported_count:
        return ""
    share = round(100 * event.documented / event.reported_count)
    desc = _(
        "%(documented)s of the %(reported)s people reported freed are documented by name "
        "(%(share)s%%)."
    ) % {
        "documented": charts.number(event.documented),
        "reported": charts.number(event.reported_count),
        "share": share,
    }
    return charts.part_of_whole_bar(
        event.documented,
        event.reported_count,
        chart_id="freed-chart",
        title=_("People freed: documented by name, of those reported"),
        desc=desc,
    )

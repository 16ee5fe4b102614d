"""Charts drawn as SVG on the server: readable without JavaScript, each with a text alternative.

Generic: the functions take plain values (dates, numbers, labels) and know nothing of the
tracker's models. Each returns markup for a template, or an empty string when there is nothing
to draw. Colours and type sizes come from classes styled in static/css/site.css, never from
style attributes, so the charts need no 'unsafe-inline' in the Content-Security-Policy. The
<svg> has role="img" and is labelled by its own <title> and <desc>; the pages also give the data
as a table or in words.

A chart scales with its container. Its layout is computed for the largest type size site.css
gives chart text (`FONT`, used on phones, where the chart is drawn smallest), so labels that fit
on a phone fit everywhere.
"""

import datetime
from dataclasses import dataclass
from itertools import pairwise

from django.utils.dateformat import format as format_date
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 640
HEIGHT = 300
FONT = 22
CHAR = FONT * 0.6  # a generous average character width at that size
TICK = 6
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000)


@dataclass(frozen=True)
class DatedBar:
    """One bar on a date axis: a `total` (None when unknown) with a `part` of it drawn inside."""

    date: datetime.date
    total: int | None
    part: int
    label: str


# How a value on a line chart is known: exactly, as a lower bound ("more than 1,100") or roughly.
EXACT, AT_LEAST, ABOUT = "exact", "at_least", "about"
# Written before the value in its label: "≥ 1,100", "≈ 1,200".
BOUND_SIGNS = {EXACT: "", AT_LEAST: "≥ ", ABOUT: "≈ "}


@dataclass(frozen=True)
class DatedValue:
    """A value on a date. `bound`: EXACT, AT_LEAST (a lower bound: drawn as an open point with an
    arrow up, and the line to and from it dashed, since the true value may be higher) or ABOUT
    (approximate: an open point, dashed)."""

    date: datetime.date
    value: int
    label: str = ""
    bound: str = EXACT

    @property
    def shown(self):
        return BOUND_SIGNS.get(self.bound, "") + number(self.value)


@dataclass(frozen=True)
class DatedMarker:
    date: datetime.date
    label: str


def number(value):
    """1234567 as "1,234,567", grouped the way the active language groups digits."""
    return number_format(value, force_grouping=True)


def value_ticks(maximum, count=4):
    """Round, whole-number ticks from zero to at least `maximum`: 0, 500, 1,000, 1,500."""
    maximum = max(int(maximum), 1)
    raw = -(-maximum // count)
    magnitude = 10 ** (len(str(raw)) - 1)
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return list(range(0, -(-maximum // step) * step + 1, step))


def date_domain(dates):
    """The first and last day shown: the dates with a margin, at least four months in all."""
    first, last = min(dates), max(dates)
    days = (last - first).days
    pad = datetime.timedelta(days=max(days / 25, (120 - days) / 2))
    return _shift(first, -pad), _shift(last, pad)


def _shift(date, delta):
    try:
        return date + delta
    except OverflowError:
        return datetime.date.max if delta > datetime.timedelta(0) else datetime.date.min


def _month_start(index):
    return datetime.date(index // 12, index % 12 + 1, 1)


def _f(value):
    """A coordinate, short: 12.5, not 12.500000000001."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _width(text):
    return len(text) * CHAR


def _text(x, y, content, *, css_class="", anchor="start"):
    cls = f' class="{css_class}"' if css_class else ""
    return f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"{cls}>{escape(content)}</text>'


def _line(x1, y1, x2, y2, css_class):
    return f'<line class="{css_class}" x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}"/>'


def _rect(x, y, width, height, css_class):
    return (
        f'<rect class="{css_class}" x="{_f(x)}" y="{_f(y)}" width="{_f(width)}" '
        f'height="{_f(height)}"/>'
    )


def _svg(chart_id, title, desc, body, *, css_class="chart", size=(WIDTH, HEIGHT), extra=""):
    chart_id = escape(chart_id)
    return mark_safe(
        f'<svg class="{css_class}" viewBox="0 0 {size[0]} {size[1]}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc"{extra}>'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{''.join(body)}</svg>"
    )


class _TimeFrame:
    """The plot area: dates along the bottom axis, values from zero up the left one."""

    def __init__(self, dates, maximum, *, legend_height):
        self.start, self.end = date_domain(dates)
        self.ticks = value_ticks(maximum)
        self.tick_labels = [number(tick) for tick in self.ticks]
        widest = max(_width(label) for label in self.tick_labels)
        self.left = min(widest + 2 * TICK, WIDTH / 3)
        self.right = WIDTH - FONT
        self.top = legend_height + FONT + 2 * TICK  # room for value labels above the marks
        self.bottom = HEIGHT - FONT - 2 * TICK

    def x(self, date):
        span = (self.end - self.start).days or 1
        return self.left + (self.right - self.left) * (date - self.start).days / span

    def y(self, value):
        return self.bottom - (self.bottom - self.top) * value / self.ticks[-1]

    def date_ticks(self):
        """First days of months or years, as many as fit with their labels: [(date, label)].

        Labels name the month and year ("Dec 2025"), or the year alone when ticks are a year or
        more apart; month names follow the active language.
        """
        first = self.start.year * 12 + self.start.month - 1 + (self.start.day > 1)
        last = self.end.year * 12 + self.end.month - 1
        for months in MONTH_STEPS:
            indices = range(max(-(-first // months) * months, 12), last + 1, months)
            if len(indices) > 6:
                continue
            ticks = [_month_start(index) for index in indices]
            fmt = "Y" if months >= 12 else "M Y"
            labels = [format_date(tick, fmt) for tick in ticks]
            gap = min((self.x(b) - self.x(a) for a, b in pairwise(ticks)), default=WIDTH)
            if gap >= max(map(_width, labels), default=0) + CHAR:
                return list(zip(ticks, labels, strict=True))
        return []

    def axes(self):
        parts = []
        for tick, label in zip(self.ticks, self.tick_labels, strict=True):
            y = self.y(tick)
            parts.append(_line(self.left, y, self.right, y, "chart-grid"))
            parts.append(_text(self.left - TICK, y + FONT / 3, label, anchor="end"))
        for date, label in self.date_ticks():
            x = self.x(date)
            parts.append(_line(x, self.bottom, x, self.bottom + TICK, "chart-axis"))
            half = _width(label) / 2
            parts.append(_text(min(max(x, half), WIDTH - half), HEIGHT - 4, label, anchor="middle"))
        parts.append(_line(self.left, self.bottom, self.right, self.bottom, "chart-axis"))
        return parts


def _legend(items):
    """Keys along the top, wrapping when a line is full: (parts, the height they take).

    Each item is (kind of key: "bar", "line" or "marker", its css class, label).
    """
    parts, x, y = [], 0.0, FONT
    for kind, css_class, label in items:
        if x and x + 24 + _width(label) > WIDTH:
            x, y = 0.0, y + FONT + 8
        middle = y - FONT / 3
        if kind == "line":
            parts.append(_line(x, middle, x + 18, middle, css_class))
        elif kind == "point":
            parts.append(_point(x + 9, middle, css_class))
        elif kind == "marker":
            parts.append(_line(x + 9, y - FONT * 0.8, x + 9, y + 2, "chart-marker"))
            parts.append(_marker_head(x + 9, y - FONT * 0.8))
        else:
            parts.append(_rect(x + 2, y - FONT * 0.7, 14, FONT * 0.7, css_class))
        parts.append(_text(x + 24, y, label))
        x += 24 + _width(label) + FONT
    return parts, y + 8


def _point(x, y, css_class):
    return f'<circle class="{css_class}" cx="{_f(x)}" cy="{_f(y)}" r="6"/>'


def _bound_arrow(x, y):
    """An arrow pointing up from a lower-bound point: the value may be higher."""
    return (
        f'<path class="chart-bound-arrow" d="M{_f(x)} {_f(y - 24)} l-6 9 h12 z"/>'
        f"{_line(x, y - 16, x, y - 7, 'chart-bound-arrow-stem')}"
    )


_POINT_CLASSES = {
    EXACT: "chart-point",
    AT_LEAST: "chart-point chart-point-bound",
    ABOUT: "chart-point chart-point-about",
}


def _marker_head(x, top):
    """A triangle pointing down at the marker line, its base at `top`."""
    return f'<path class="chart-marker-head" d="M{_f(x - 8)} {_f(top)} h16 l-8 14 z"/>'


def _value_labels(labels, *, lift):
    """Value labels above marks, (x, y, text) in order of importance; those that would run into
    a label already placed are left out (the page's table has every value)."""
    parts, taken = [], []
    for x, y, text in labels:
        half = _width(text) / 2 + CHAR / 4
        if all(x + half <= left or x - half >= right for left, right in taken):
            parts.append(_text(x, y - lift, text, css_class="chart-value", anchor="middle"))
            taken.append((x - half, x + half))
    return parts


def _bar(x, y, width, bottom, css_class):
    """A bar from the baseline up to y; a value above zero stays visible however small."""
    height = bottom - y
    if 0 < height < 2:
        y, height = bottom - 2, 2
    return _rect(x, y, width, height, css_class)


def dated_bar_chart(
    bars, *, chart_id, title, desc, total_name, part_name, markers=(), marker_name=""
):
    """Bars on a date axis, each a total with its part drawn inside it from the baseline.

    For releases: the people reported freed, with those documented by name inside. A total
    that is unknown draws the part alone. Value labels go above the bars where they fit.
    `markers` (DatedMarker) are drawn as vertical lines on the same axis: sanctions measures
    against the releases.
    """
    bars = sorted(bars, key=lambda bar: bar.date)
    markers = sorted(markers, key=lambda marker: marker.date)
    if not bars and not markers:
        return ""
    heights = [max(bar.total or 0, bar.part) for bar in bars]
    keys = [("bar", "chart-total", total_name), ("bar", "chart-part", part_name)] if bars else []
    if markers:
        keys.append(("marker", "chart-marker", marker_name))
    legend, legend_height = _legend(keys)
    dates = [bar.date for bar in bars] + [marker.date for marker in markers]
    frame = _TimeFrame(dates, max(heights, default=0), legend_height=legend_height)
    width = min(max((frame.right - frame.left) / (max(len(bars), 1) * 2.5), 3), 36)
    body = frame.axes()
    for marker in markers:
        x = frame.x(marker.date)
        body.append(
            f"<g><title>{escape(marker.label)}</title>"
            f"{_line(x, frame.top - 14, x, frame.bottom, 'chart-marker')}"
            f"{_marker_head(x, frame.top - 14)}</g>"
        )
    for bar in bars:
        x = frame.x(bar.date) - width / 2
        shapes = []
        if bar.total is not None:
            shapes.append(_bar(x, frame.y(bar.total), width, frame.bottom, "chart-total"))
        shapes.append(_bar(x, frame.y(bar.part), width, frame.bottom, "chart-part"))
        total = "?" if bar.total is None else number(bar.total)
        tooltip = f"{bar.label}: {total} {total_name}, {number(bar.part)} {part_name}"
        body.append(f"<g><title>{escape(tooltip)}</title>{''.join(shapes)}</g>")
    labels = sorted(
        zip(bars, heights, strict=True), key=lambda pair: pair[1], reverse=True
    )  # the largest releases are labelled first
    body.extend(
        _value_labels(
            [(frame.x(bar.date), frame.y(height), number(height)) for bar, height in labels],
            lift=TICK,
        )
    )
    body.extend(legend)
    return _svg(chart_id, title, desc, body)


def dated_line_chart(
    points,
    *,
    chart_id,
    title,
    desc,
    value_name,
    markers=(),
    marker_name="",
    bound_names=None,
):
    """A line of values over time, from zero up, with events marked on the same date axis.

    For a country: its political-prisoner counts, with its releases as vertical markers, so a
    reader sees whether the count fell after each release. A lower bound (AT_LEAST) is an open
    point with an arrow up and its label reads "≥ 1,100"; the line to and from it is dashed, so
    "more than 1,100" after "1,227" does not read as a fall of 127. An approximate value (ABOUT)
    is an open dashed point labelled "≈ 1,200". `bound_names` ({AT_LEAST: "at least", ...}) are
    the legend's words for them, shown when such a point is drawn.
    """
    points = sorted(points, key=lambda point: point.date)
    markers = sorted(markers, key=lambda marker: marker.date)
    if not points and not markers:
        return ""
    keys = [("line", "chart-line", value_name)] if points else []
    bounds = {point.bound for point in points}
    for bound in (AT_LEAST, ABOUT):
        if bound in bounds:
            name = (bound_names or {}).get(bound, bound.replace("_", " "))
            keys.append(("point", _POINT_CLASSES[bound], f"{BOUND_SIGNS[bound]}{name}"))
    if markers:
        keys.append(("marker", "chart-marker", marker_name))
    legend, legend_height = _legend(keys)
    dates = [point.date for point in points] + [marker.date for marker in markers]
    maximum = max((point.value for point in points), default=0)
    frame = _TimeFrame(dates, maximum, legend_height=legend_height)
    body = frame.axes()
    for marker in markers:
        x = frame.x(marker.date)
        body.append(
            f"<g><title>{escape(marker.label)}</title>"
            f"{_line(x, frame.top - 14, x, frame.bottom, 'chart-marker')}"
            f"{_marker_head(x, frame.top - 14)}</g>"
        )
    coordinates = [(frame.x(point.date), frame.y(point.value)) for point in points]
    # Runs of the line: solid between exact or approximate values, dashed to and from a lower
    # bound (where the line's slope says nothing).
    runs = []
    for (before, start), (after, end) in pairwise(zip(points, coordinates, strict=True)):
        bound = AT_LEAST in (before.bound, after.bound)
        if runs and runs[-1][0] == bound:
            runs[-1][1].append(end)
        else:
            runs.append((bound, [start, end]))
    for bound, run in runs:
        path = " ".join(f"{_f(x)},{_f(y)}" for x, y in run)
        css_class = "chart-line chart-line-bound" if bound else "chart-line"
        body.append(f'<polyline class="{css_class}" points="{path}"/>')
    for point, (x, y) in zip(points, coordinates, strict=True):
        tooltip = f"{point.label or format_date(point.date, 'j E Y')}: {point.shown}"
        arrow = _bound_arrow(x, y) if point.bound == AT_LEAST else ""
        body.append(
            f"<g><title>{escape(tooltip)}</title>"
            f"{_point(x, y, _POINT_CLASSES.get(point.bound, 'chart-point'))}{arrow}</g>"
        )
    # A lower bound's label sits above its arrow.
    labels = [
        (x, y - 24 if point.bound == AT_LEAST else y, point.shown)
        for point, (x, y) in zip(points, coordinates, strict=True)
    ]
    # The latest count first, then the first one, then the others from the highest down.
    labels = labels[-1:] + labels[:-1][:1] + sorted(labels[1:-1], key=lambda label: label[1])
    body.extend(_value_labels(labels, lift=2 * TICK))
    body.extend(legend)
    return _svg(chart_id, title, desc, body)


def part_of_whole_bar(part, whole, *, chart_id, title, desc):
    """One bar for a whole with its part filled in from the left: 4 documented of 123 reported.

    It stretches to its container's width and has no text: the page says the numbers in words
    beside it. A part above zero stays visible however small; a part larger than the whole,
    which the data should never hold, fills the bar.
    """
    if whole is None or max(whole, part) <= 0:
        return ""
    whole = max(whole, part)
    width = 1000 * part / whole
    if 0 < width < 5:
        width = 5
    body = [_rect(0, 0, 1000, 24, "chart-total"), _rect(0, 0, width, 24, "chart-part")]
    return _svg(
        chart_id,
        title,
        desc,
        body,
        css_class="chart-bar",
        size=(1000, 24),
        extra=' preserveAspectRatio="none"',
    )

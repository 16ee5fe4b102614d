"""tracker.charts: values in, well-formed and honest SVG out, whatever the data."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from tracker import charts

SVG = "{http://www.w3.org/2000/svg}"
DAY = datetime.date(2025, 12, 13)


def parse(markup):
    """The chart as an XML tree (inline SVG in HTML needs no namespace; XML does)."""
    markup = str(markup)
    assert markup.startswith("<svg ")
    return ET.fromstring(markup.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def texts(tree):
    return [element.text for element in tree.iter(f"{SVG}text")]


def titles(tree):
    return [element.text for element in tree.iter(f"{SVG}title")]


def near(value):
    """Coordinates are rounded to a tenth of a unit."""
    return pytest.approx(value, rel=0.02)


def numbers_in(tree):
    """Every numeric attribute of every element: all must be finite."""
    found = []
    for element in tree.iter():
        for name, value in element.attrib.items():
            if name in {"x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy"}:
                found.append(float(value))
    return found


def bar_chart(bars, **kwargs):
    return charts.dated_bar_chart(
        bars,
        chart_id=kwargs.pop("chart_id", "timeline"),
        title=kwargs.pop("title", "People freed in each release"),
        desc=kwargs.pop("desc", "One release."),
        total_name="reported freed",
        part_name="documented by name",
    )


def line_chart(points, markers=(), **kwargs):
    return charts.dated_line_chart(
        points,
        chart_id="counts",
        title=kwargs.pop("title", "Political prisoners"),
        desc="Counts.",
        value_name="political prisoners",
        markers=markers,
        marker_name="a release",
    )


def test_a_chart_is_an_image_named_by_its_title_and_description():
    tree = parse(bar_chart([charts.DatedBar(DAY, 123, 4, "Belarus frees 123")]))
    assert tree.get("role") == "img"
    assert tree.get("aria-labelledby") == "timeline-title timeline-desc"
    assert tree.find(f"{SVG}title").get("id") == "timeline-title"
    assert tree.find(f"{SVG}title").text == "People freed in each release"
    assert tree.find(f"{SVG}desc").get("id") == "timeline-desc"
    assert tree.find(f"{SVG}desc").text == "One release."


def test_no_inline_style_nor_script_so_the_csp_holds():
    markup = str(
        bar_chart([charts.DatedBar(DAY, 123, 4, "A")])
        + line_chart([charts.DatedValue(DAY, 5)], [charts.DatedMarker(DAY, "B")])
        + charts.part_of_whole_bar(4, 123, chart_id="bar", title="T", desc="D")
    )
    assert "style" not in markup
    assert "<script" not in markup
    assert "http://" not in markup  # inline SVG needs no namespace URL; pages stay self-contained


def test_one_release_draws_its_reported_and_documented_bars_to_scale():
    tree = parse(bar_chart([charts.DatedBar(DAY, 123, 4, "Belarus frees 123")]))
    total = tree.find(f".//{SVG}g/{SVG}rect[@class='chart-total']")
    part = tree.find(f".//{SVG}g/{SVG}rect[@class='chart-part']")
    assert float(part.get("height")) / float(total.get("height")) == near(4 / 123)
    assert float(total.get("y")) + float(total.get("height")) == near(
        float(part.get("y")) + float(part.get("height"))
    )  # both rest on the baseline
    assert "123" in texts(tree)
    assert "Belarus frees 123: 123 reported freed, 4 documented by name" in titles(tree)
    # One date gets a readable axis around it: month ticks, with the month of the release.
    assert "Dec 2025" in texts(tree)
    assert {"reported freed", "documented by name"} <= set(texts(tree))


def test_bars_sit_in_date_order_and_later_dates_to_the_right():
    bars = [
        charts.DatedBar(datetime.date(2024, 6, 1), 10, 1, "later"),
        charts.DatedBar(datetime.date(2019, 1, 1), 30, 2, "earlier"),
    ]
    tree = parse(bar_chart(bars))
    groups = list(tree.iter(f"{SVG}g"))
    assert [g.find(f"{SVG}title").text.split(":")[0] for g in groups] == ["earlier", "later"]
    xs = [float(g.find(f"{SVG}rect").get("x")) for g in groups]
    assert xs[0] < xs[1]
    # Years apart: the axis is labelled by year, each year from the first to the last.
    years = [text for text in texts(tree) if text.isdigit() and len(text) == 4]
    assert years == ["2019", "2020", "2021", "2022", "2023", "2024"]


def test_an_unknown_total_draws_the_part_alone():
    tree = parse(bar_chart([charts.DatedBar(DAY, None, 7, "Unreported")]))
    assert tree.find(f".//{SVG}g/{SVG}rect[@class='chart-total']") is None
    assert tree.find(f".//{SVG}g/{SVG}rect[@class='chart-part']") is not None
    assert "Unreported: ? reported freed, 7 documented by name" in titles(tree)


def test_empty_data_draws_nothing():
    assert bar_chart([]) == ""
    assert line_chart([]) == ""
    assert charts.part_of_whole_bar(0, None, chart_id="b", title="T", desc="D") == ""
    assert charts.part_of_whole_bar(0, 0, chart_id="b", title="T", desc="D") == ""


def test_zero_people_still_draws_an_axis():
    tree = parse(bar_chart([charts.DatedBar(DAY, 0, 0, "Nobody")]))
    assert {"0", "1"} <= set(texts(tree))


def test_huge_numbers_get_round_grouped_ticks_and_finite_coordinates():
    huge = 10**15 + 7
    tree = parse(bar_chart([charts.DatedBar(DAY, huge, 3, "Huge")]))
    assert "1,000,000,000,000,007" in texts(tree)
    ticks = [text for text in texts(tree) if re.fullmatch(r"[\d,]+", text)]
    assert ticks[0] == "0" and "1,500,000,000,000,000" in ticks
    assert all(abs(value) < 10_000 for value in numbers_in(tree))
    # A part too small to see at this scale still shows.
    part = tree.find(f".//{SVG}g/{SVG}rect[@class='chart-part']")
    assert float(part.get("height")) >= 2


def test_labels_are_escaped():
    hostile = '<script>alert("x")</script> & Co'
    markup = str(
        bar_chart([charts.DatedBar(DAY, 1, 1, hostile)], title=hostile, chart_id='a"b')
        + line_chart([charts.DatedValue(DAY, 1, hostile)], [charts.DatedMarker(DAY, hostile)])
    )
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in markup
    assert 'aria-labelledby="a&quot;b-title a&quot;b-desc"' in markup


def test_many_bars_stay_thin_and_labels_do_not_collide():
    bars = [
        charts.DatedBar(datetime.date(2020, 1, 1) + datetime.timedelta(days=n), 100 + n, n, str(n))
        for n in range(300)
    ]
    tree = parse(bar_chart(bars))
    widths = {float(rect.get("width")) for rect in tree.findall(f".//{SVG}g/{SVG}rect")}
    assert max(widths) <= 3 and len(list(tree.iter(f"{SVG}g"))) == 300
    values = [t for t in tree.iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert 0 < len(values) < 20


def test_value_ticks_are_round_and_cover_the_maximum():
    assert charts.value_ticks(1227) == [0, 500, 1000, 1500]
    assert charts.value_ticks(123) == [0, 50, 100, 150]
    assert charts.value_ticks(3) == [0, 1, 2, 3]
    assert charts.value_ticks(0) == [0, 1]
    assert charts.value_ticks(10**15)[-1] >= 10**15


def test_date_domain_gives_one_date_room_and_survives_the_calendar_edges():
    start, end = charts.date_domain([DAY])
    assert start < DAY < end and (end - start).days >= 119
    start, end = charts.date_domain([datetime.date.min, datetime.date.max])
    assert start == datetime.date.min and end == datetime.date.max
    tree = parse(bar_chart([charts.DatedBar(datetime.date(1, 1, 1), 5, 1, "First")]))
    assert all(abs(value) < 10_000 for value in numbers_in(tree))


def test_the_count_line_joins_the_points_and_marks_the_releases():
    points = [
        charts.DatedValue(datetime.date(2025, 6, 1), 1300),
        charts.DatedValue(datetime.date(2025, 12, 18), 1227),
    ]
    markers = [charts.DatedMarker(DAY, "Belarus frees 123")]
    tree = parse(line_chart(points, markers))
    polyline = tree.find(f"{SVG}polyline")
    (x1, y1), (x2, y2) = (map(float, pair.split(",")) for pair in polyline.get("points").split())
    assert x1 < x2 and y1 < y2  # later is to the right; the lower count is lower on the chart
    marker = tree.find(f".//{SVG}line[@class='chart-marker']/..")
    assert marker.find(f"{SVG}title").text == "Belarus frees 123"
    marker_x = float(marker.find(f"{SVG}line").get("x1"))
    assert x1 < marker_x < x2  # the release sits between the two counts, on the same axis
    assert {"1,300", "1,227", "political prisoners", "a release"} <= set(texts(tree))


def test_one_count_draws_a_point_without_a_line():
    tree = parse(line_chart([charts.DatedValue(DAY, 1227)]))
    assert tree.find(f"{SVG}polyline") is None
    assert len(list(tree.iter(f"{SVG}circle"))) == 1
    assert "1,227" in texts(tree)
    assert "a release" not in texts(tree)  # no marker, no key for one


def test_markers_without_counts_still_share_the_axis():
    tree = parse(line_chart([], [charts.DatedMarker(DAY, "Release")]))
    assert tree.find(f"{SVG}circle") is None
    assert tree.find(f".//{SVG}line[@class='chart-marker']") is not None


def test_part_of_whole_bar_fills_the_share():
    tree = parse(charts.part_of_whole_bar(4, 123, chart_id="freed", title="T", desc="D"))
    assert tree.get("preserveAspectRatio") == "none"
    whole, part = tree.iter(f"{SVG}rect")
    assert float(whole.get("width")) == 1000
    assert float(part.get("width")) == near(1000 * 4 / 123)


def test_part_of_whole_bar_keeps_a_tiny_part_visible_and_caps_a_part_over_the_whole():
    tree = parse(charts.part_of_whole_bar(1, 10**9, chart_id="b", title="T", desc="D"))
    assert float(list(tree.iter(f"{SVG}rect"))[1].get("width")) == 5
    tree = parse(charts.part_of_whole_bar(0, 10, chart_id="b", title="T", desc="D"))
    assert float(list(tree.iter(f"{SVG}rect"))[1].get("width")) == 0
    tree = parse(charts.part_of_whole_bar(12, 10, chart_id="b", title="T", desc="D"))
    assert float(list(tree.iter(f"{SVG}rect"))[1].get("width")) == 1000


def test_long_legends_wrap_inside_the_chart():
    tree = parse(
        charts.dated_bar_chart(
            [charts.DatedBar(DAY, 1, 1, "A")],
            chart_id="c",
            title="T",
            desc="D",
            total_name="x" * 40,
            part_name="y" * 40,
        )
    )
    legend = [t for t in tree.iter(f"{SVG}text") if t.text in {"x" * 40, "y" * 40}]
    assert legend[0].get("y") != legend[1].get("y")


def test_a_lower_bound_is_drawn_as_one_not_as_a_fall():
    points = [
        charts.DatedValue(datetime.date(2025, 12, 18), 1227),
        charts.DatedValue(datetime.date(2026, 1, 15), 1100, bound=charts.AT_LEAST),
    ]
    tree = parse(line_chart(points))
    (line,) = tree.iter(f"{SVG}polyline")
    assert line.get("class") == "chart-line chart-line-bound"  # dashed: its slope says nothing
    circles = [circle.get("class") for circle in tree.iter(f"{SVG}circle")]
    assert "chart-point chart-point-bound" in circles  # an open point...
    assert tree.find(f".//{SVG}path[@class='chart-bound-arrow']") is not None  # ...arrow up
    assert {"1,227", "≥ 1,100", "≥ at least"} <= set(texts(tree))
    assert any(title.endswith(": ≥ 1,100") for title in titles(tree))


def test_an_approximate_value_is_marked_and_exact_runs_stay_solid():
    points = [
        charts.DatedValue(datetime.date(2025, 1, 1), 1300),
        charts.DatedValue(datetime.date(2025, 6, 1), 1250),
        charts.DatedValue(datetime.date(2025, 12, 1), 1200, bound=charts.ABOUT),
        charts.DatedValue(datetime.date(2026, 3, 1), 1100, bound=charts.AT_LEAST),
    ]
    tree = parse(line_chart(points))
    lines = [line.get("class") for line in tree.iter(f"{SVG}polyline")]
    assert lines == ["chart-line", "chart-line chart-line-bound"]
    solid = tree.find(f"{SVG}polyline").get("points").split()
    assert len(solid) == 3  # the exact and approximate counts, joined as before
    assert {"≈ 1,200", "≈ about", "≥ 1,100", "≥ at least"} <= set(texts(tree))
    assert "chart-point chart-point-about" in [c.get("class") for c in tree.iter(f"{SVG}circle")]


def test_exact_counts_draw_no_bound_key():
    tree = parse(
        line_chart([charts.DatedValue(DAY, 1227), charts.DatedValue(DAY.replace(year=2026), 1300)])
    )
    assert not [t for t in texts(tree) if t.startswith(("≥", "≈"))]

import datetime
import itertools
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from media_coverage import charts
from media_coverage.models import Outlet
from tests.factories import MediaMentionFactory, OutletFactory, PlatformFiguresFactory

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(html):
    """The first <svg> element of `html`, parsed as XML."""
    start = html.index("<svg")
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])  # noqa: S314 (markup we rendered ourselves)


def bars_of(svg):
    return [
        (
            rect.get("data-label"),
            int(rect.get("data-value")),
            float(rect.get("width")),
            float(rect.get("height")),
        )
        for rect in svg.iter(f"{SVG}rect")
        if rect.get("class") == "chart-bar"
    ]


def render(chart):
    return render_to_string("media_coverage/includes/bar_chart.html", {"chart": chart})


@pytest.mark.django_db
def test_reach_by_medium_draws_bars_in_proportion_with_title_desc_and_table():
    print_outlet = OutletFactory(name="El Tiempo", medium=Outlet.Medium.PRINT)
    tv = OutletFactory(name="Caracol", medium=Outlet.Medium.TV)
    digital = OutletFactory(name="Semana", medium=Outlet.Medium.DIGITAL)
    mentions = [
        MediaMentionFactory(outlet=tv, reach=400_000),
        MediaMentionFactory(outlet=print_outlet, reach=1_000_000),
        MediaMentionFactory(outlet=digital, reach=250_000),
        MediaMentionFactory(outlet=digital, reach=250_000),
        MediaMentionFactory(outlet=digital, reach=None),
    ]

    html = render(charts.reach_by_medium(mentions))
    svg = svg_of(html)

    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Reach by medium"
    assert svg.find(f"{SVG}desc").text == "Print: 1,000,000; Digital: 500,000; Television: 400,000."
    plot = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_ROOM
    assert bars_of(svg) == [
        ("Print", 1_000_000, plot, charts.BAR_HEIGHT),
        ("Digital", 500_000, plot / 2, charts.BAR_HEIGHT),
        ("Television", 400_000, round(plot * 0.4, 1), charts.BAR_HEIGHT),
    ]
    labels = [text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "chart-label"]
    assert labels == ["Print", "Digital", "Television"]
    assert svg.get("aria-labelledby") == "chart-reach-by-medium-title chart-reach-by-medium-desc"
    assert "1 of these mentions has no reach figure and is left out." in html
    table = html[html.index("<table") : html.index("</table>") + len("</table>")]
    rows = [[cell.text for cell in row] for row in ET.fromstring(table).iter("tr")]  # noqa: S314
    assert rows == [
        ["Medium", "Reach (people)"],
        ["Print", "1,000,000"],
        ["Digital", "500,000"],
        ["Television", "400,000"],
    ]


@pytest.mark.django_db
def test_without_any_reach_the_medium_chart_counts_mentions_and_says_so():
    digital = OutletFactory(medium=Outlet.Medium.DIGITAL)
    mentions = [
        MediaMentionFactory(outlet=digital, reach=None),
        MediaMentionFactory(outlet=digital, reach=None),
    ]
    mentions.append(MediaMentionFactory(outlet=OutletFactory(medium=Outlet.Medium.RADIO), reach=None))

    html = render(charts.reach_by_medium(mentions))
    svg = svg_of(html)

    assert svg.find(f"{SVG}title").text == "Mentions by medium"
    assert [(label, value) for label, value, _w, _h in bars_of(svg)] == [("Digital", 2), ("Radio", 1)]
    assert "No mention has a reach figure yet, so this chart counts mentions." in html


@pytest.mark.django_db
def test_mentions_over_time_by_day_with_gaps_as_zero():
    mentions = [
        MediaMentionFactory(date=datetime.date(2024, 11, 6)),
        MediaMentionFactory(date=datetime.date(2024, 11, 6)),
        MediaMentionFactory(date=datetime.date(2024, 11, 8)),
        MediaMentionFactory(date=None),
    ]

    html = render(charts.mentions_over_time(mentions))
    svg = svg_of(html)

    plot_height = charts.COLUMN_CHART_HEIGHT - charts.COLUMN_TOP - charts.COLUMN_BOTTOM
    assert [(label, value, height) for label, value, _w, height in bars_of(svg)] == [
        ("6 Nov", 2, plot_height),
        ("7 Nov", 0, 0),
        ("8 Nov", 1, plot_height / 2),
    ]
    assert svg.find(f"{SVG}desc").text == "6 Nov: 2; 7 Nov: 0; 8 Nov: 1."
    assert "1 mention without a date is not shown." in html


@pytest.mark.django_db
def test_a_month_by_day_names_six_dates_far_enough_apart_to_read():
    """Drawn 400 wide, eleven dates under a month's columns ran into each other."""
    mentions = [MediaMentionFactory(date=datetime.date(2024, 10, day)) for day in range(1, 32)]

    svg = svg_of(render(charts.mentions_over_time(mentions)))

    labels = [text for text in svg.iter(f"{SVG}text") if text.get("class") == "chart-label"]
    assert [label.text for label in labels] == ["1 Oct", "7 Oct", "13 Oct", "19 Oct", "25 Oct", "31 Oct"]
    positions = [float(label.get("x")) for label in labels]
    assert min(right - left for left, right in itertools.pairwise(positions)) > 60  # "Nov 2024": about 60
    assert len(bars_of(svg)) == 31


@pytest.mark.django_db
def test_mentions_over_months_are_grouped_by_month():
    mentions = [
        MediaMentionFactory(date=datetime.date(2024, 9, 30)),
        MediaMentionFactory(date=datetime.date(2024, 12, 1)),
        MediaMentionFactory(date=datetime.date(2024, 12, 15)),
    ]

    chart = charts.mentions_over_time(mentions)

    assert chart.rows == [("Sep 2024", "1"), ("Oct 2024", "0"), ("Nov 2024", "0"), ("Dec 2024", "2")]
    assert chart.label_header == "Month"


@pytest.mark.django_db
def test_impressions_by_platform_leaves_out_platforms_without_impressions():
    platforms = [
        PlatformFiguresFactory(platform="x", impressions=60_000),
        PlatformFiguresFactory(platform="linkedin", impressions=45_000),
        PlatformFiguresFactory(platform="facebook", impressions=None),
    ]

    svg = svg_of(render(charts.impressions_by_platform(platforms)))

    assert [(label, value) for label, value, _w, _h in bars_of(svg)] == [("X", 60_000), ("LinkedIn", 45_000)]
    assert svg.find(f"{SVG}title").text == "Social-media impressions by platform"


@pytest.mark.django_db
def test_an_empty_chart_is_a_sentence_not_an_svg():
    html = render(charts.mentions_over_time([MediaMentionFactory(date=None)]))

    assert "<svg" not in html
    assert "No mention has a date yet." in html


@pytest.mark.django_db
def test_chart_numbers_stay_machine_readable_in_spanish(settings):
    from django.utils import translation

    mentions = [MediaMentionFactory(reach=3), MediaMentionFactory(reach=2, outlet=OutletFactory(medium="tv"))]
    with translation.override("es"):
        svg = svg_of(render(charts.reach_by_medium(mentions)))

    widths = [rect.get("width") for rect in svg.iter(f"{SVG}rect")]
    assert widths == ["184.0", "122.7"]  # a point, not a comma, whatever the language


@pytest.mark.django_db
def test_a_medium_whose_mentions_have_no_reach_is_left_out_not_drawn_as_zero():
    mentions = [
        MediaMentionFactory(outlet=OutletFactory(medium=Outlet.Medium.DIGITAL), reach=5_000),
        MediaMentionFactory(outlet=OutletFactory(medium=Outlet.Medium.PRINT), reach=None),
        MediaMentionFactory(outlet=OutletFactory(medium=Outlet.Medium.TV), reach=None),
    ]

    chart = charts.reach_by_medium(mentions)

    assert chart.rows == [("Digital", "5,000")]
    assert chart.note == "2 of these mentions have no reach figure and are left out."

"""
Bar charts drawn on the server as SVG: the geometry is computed here, the markup is
templates/media_coverage/includes/bar_chart.html. Each chart carries its own text alternative (a sentence
for the SVG's <desc>, and the rows of a data table shown beside it). No JavaScript.
"""

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Outlet

# About the width a chart is shown at (a phone's column, or a third of a desktop's page; static/css/site.css
# caps it at 30rem), so that its 14 px text is read at 12 to 17 px: drawn 640 wide, it was shrunk to 8 px.
WIDTH = 400
LABEL_WIDTH = 120  # horizontal charts: the category names on the left ("Prensa escrita")
VALUE_ROOM = 96  # horizontal charts: the figure after the longest bar ("15,712,224")
ROW_HEIGHT = 36
BAR_HEIGHT = 24
COLUMN_CHART_HEIGHT = 280
COLUMN_TOP = 28  # room for the figure above the tallest column
COLUMN_BOTTOM = 36  # room for the dates under the columns
MAX_DAYS_BY_DAY = 62
MAX_COLUMN_LABELS = 6  # column charts: the dates named under the columns, at most ("Nov 2024")


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    show_label: bool = True

    @property
    def display(self):
        return intcomma(self.value)


@dataclass
class Chart:
    slug: str
    title: str
    label_header: str
    value_header: str
    orientation: str = "horizontal"
    bars: list = field(default_factory=list)
    width: int = WIDTH
    height: int = 0
    note: str = ""
    empty_message: str = ""

    @property
    def rows(self):
        return [(bar.label, bar.display) for bar in self.bars]

    @property
    def description(self):
        """The chart in one sentence, for the SVG's <desc>."""
        return "; ".join(f"{bar.label}: {bar.display}" for bar in self.bars) + "."


def horizontal_chart(slug, title, items, label_header, value_header, note="", empty_message=""):
    """One bar per (label, value), longest = full width; values of zero keep their row."""
    chart = Chart(slug, title, label_header, value_header, note=note, empty_message=empty_message)
    items = [(label, value) for label, value in items if value is not None]
    if not items or not any(value for _label, value in items):
        chart.bars = []
        return chart
    largest = max(value for _label, value in items)
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM
    for index, (label, value) in enumerate(items):
        y = 8 + index * ROW_HEIGHT
        width = round(plot * value / largest, 1)
        chart.bars.append(
            Bar(
                label=str(label),
                value=value,
                x=LABEL_WIDTH,
                y=y,
                width=width,
                height=BAR_HEIGHT,
                label_x=LABEL_WIDTH - 8,
                label_y=y + BAR_HEIGHT / 2 + 5,
                value_x=round(LABEL_WIDTH + width + 8, 1),
                value_y=y + BAR_HEIGHT / 2 + 5,
            )
        )
    chart.height = 16 + len(items) * ROW_HEIGHT
    return chart


def column_chart(slug, title, items, label_header, value_header, note="", empty_message=""):
    """One column per (label, value), in order (a time line); the tallest fills the plot's height."""
    chart = Chart(
        slug,
        title,
        label_header,
        value_header,
        orientation="vertical",
        note=note,
        empty_message=empty_message,
    )
    if not items or not any(value for _label, value in items):
        return chart
    largest = max(value for _label, value in items)
    plot_height = COLUMN_CHART_HEIGHT - COLUMN_TOP - COLUMN_BOTTOM
    slot = (WIDTH - 16) / len(items)
    label_every = math.ceil(len(items) / MAX_COLUMN_LABELS)
    for index, (label, value) in enumerate(items):
        height = round(plot_height * value / largest, 1)
        x = round(8 + index * slot + slot * 0.15, 1)
        width = round(slot * 0.7, 1)
        y = round(COLUMN_TOP + plot_height - height, 1)
        chart.bars.append(
            Bar(
                label=str(label),
                value=value,
                x=x,
                y=y,
                width=width,
                height=height,
                label_x=round(x + width / 2, 1),
                label_y=COLUMN_CHART_HEIGHT - COLUMN_BOTTOM + 20,
                value_x=round(x + width / 2, 1),
                value_y=round(y - 6, 1),
                show_label=index % label_every == 0,
            )
        )
    chart.height = COLUMN_CHART_HEIGHT
    return chart


def reach_by_medium(mentions):
    """
    The known reach of `mentions` by their outlet's medium. When no mention has a reach figure, the chart
    counts mentions instead, and says so.
    """
    reach = defaultdict(int)
    known = Counter()
    counts = Counter()
    for mention in mentions:
        medium = mention.outlet.medium
        counts[medium] += 1
        if mention.reach is not None:
            reach[medium] += mention.reach
            known[medium] += 1
    media = [medium for medium in Outlet.Medium.values if counts[medium]]
    labels = dict(Outlet.Medium.choices)
    if known:
        missing = sum(counts.values()) - sum(known.values())
        note = (
            ngettext(
                "%(count)s of these mentions has no reach figure and is left out.",
                "%(count)s of these mentions have no reach figure and are left out.",
                missing,
            )
            % {"count": missing}
            if missing
            else ""
        )
        return horizontal_chart(
            "reach-by-medium",
            _("Reach by medium"),
            [(labels[medium], reach[medium]) for medium in media if known[medium]],
            _("Medium"),
            _("Reach (people)"),
            note=note,
            empty_message=_("The mentions' reach figures are all zero."),
        )
    return horizontal_chart(
        "reach-by-medium",
        _("Mentions by medium"),
        [(labels[medium], counts[medium]) for medium in media],
        _("Medium"),
        _("Mentions"),
        note=_("No mention has a reach figure yet, so this chart counts mentions.") if counts else "",
        empty_message=_("No mentions to chart."),
    )


def _months_between(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def mentions_over_time(mentions):
    """Mentions per day (per month when they span more than two months), gaps shown as zero."""
    dates = [mention.date for mention in mentions if mention.date]
    undated = sum(1 for mention in mentions if not mention.date)
    note = (
        ngettext(
            "%(count)s mention without a date is not shown.",
            "%(count)s mentions without a date are not shown.",
            undated,
        )
        % {"count": undated}
        if undated and dates
        else ""
    )
    empty = _("No mention has a date yet.") if mentions else _("No mentions to chart.")
    if not dates:
        return column_chart("mentions-over-time", _("Mentions over time"), [], "", "", empty_message=empty)
    first, last = min(dates), max(dates)
    if (last - first).days <= MAX_DAYS_BY_DAY:
        per_day = Counter(dates)
        items = [
            (date_format(day, "j M"), per_day[day])
            for day in (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
        ]
        header = _("Day")
    else:
        per_month = Counter(date.replace(day=1) for date in dates)
        items = [(date_format(month, "M Y"), per_month[month]) for month in _months_between(first, last)]
        header = _("Month")
    return column_chart(
        "mentions-over-time",
        _("Mentions over time"),
        items,
        header,
        _("Mentions"),
        note=note,
        empty_message=empty,
    )


def impressions_by_platform(platforms):
    items = [(platform.get_platform_display(), platform.impressions) for platform in platforms]
    return horizontal_chart(
        "impressions-by-platform",
        _("Social-media impressions by platform"),
        items,
        _("Platform"),
        _("Impressions"),
        empty_message=_("No impressions by platform are recorded."),
    )

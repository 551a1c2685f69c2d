"""The trend charts of checkins.trends, drawn on the server as SVG by pygal: no JavaScript
(`js=[]`, and pygal's config script taken out), labels in the reader's language, colours
that keep at least 4.5:1 against the white background. The page shows each chart in an
<img> followed by a table of the same figures (templates/checkins/_trend.html)."""

import pygal
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from pygal.style import Style

from .models import Cadence

KINDS = ("going", "lived")
# As agreed, hard, drifting away; planned (dashed), as reported.
GOING_COLOURS = ("#0a58ca", "#8f5600", "#b02a37")
LIVED_COLOURS = ("#495057", "#0a58ca")


def _style(colours):
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#212529",
        foreground_strong="#212529",
        foreground_subtle="#495057",
        opacity="1",
        opacity_hover="1",
        colors=colours,
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=15,
        value_font_size=14,
        tooltip_font_size=14,
        no_data_font_size=18,
    )


def period_label(period, cadence):
    """A short name for the axis: the first day for fortnights, the month otherwise."""
    return date_format(period.start, "j M" if cadence == Cadence.TWO_WEEKS else "M Y")


def percent(value):
    return _("%(share)s%%") % {"share": value}


def _accessible(title):
    def xml_filter(root):
        # pygal writes its settings for its JavaScript, which is never loaded here.
        for script in root.xpath("//*[local-name()='script']"):
            script.getparent().remove(script)
        for node in root.xpath("./*[local-name()='title']"):
            node.text = title
        return root

    return xml_filter


def _chart(kind, colours, **options):
    return kind(
        js=[],
        disable_xml_declaration=True,
        style=_style(colours),
        width=640,
        height=360,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        truncate_legend=-1,
        truncate_label=-1,
        x_label_rotation=35,
        show_minor_x_labels=True,
        no_data_text=_("No check-in"),
        **options,
    )


def going_chart(trend):
    """How the missions go per period: answers as agreed, hard, drifting away (stacked)."""
    most = max((p.clear or 0) + (p.hard or 0) + (p.drifting or 0) for p in trend.periods)
    step = max(1, -(-most // 5))  # whole answers, at most six labels
    chart = _chart(pygal.StackedBar, GOING_COLOURS, y_labels=list(range(0, most + step, step)))
    chart.x_labels = [period_label(p, trend.cadence) for p in trend.periods]
    chart.add(_("as agreed"), [p.clear for p in trend.periods])
    chart.add(_("hard"), [p.hard for p in trend.periods])
    chart.add(_("drifting away"), [p.drifting for p in trend.periods])
    chart.add_xml_filter(_accessible(_("How the missions go, period by period")))
    return chart


def lived_chart(trend):
    """The share of time on lived-experience missions, planned and as reported (0–100 %)."""
    chart = _chart(
        pygal.Line,
        LIVED_COLOURS,
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
        value_formatter=percent,
        allow_interruptions=True,
        dots_size=5,
    )
    chart.x_labels = [period_label(p, trend.cadence) for p in trend.periods]
    chart.add(
        _("planned on the sheet"),
        [p.planned_share for p in trend.periods],
        stroke_style={"width": 3, "dasharray": "8, 5"},
    )
    chart.add(
        _("as reported"), [p.reported_share for p in trend.periods], stroke_style={"width": 3}
    )
    chart.add_xml_filter(_accessible(_("Share of time on lived-experience missions")))
    return chart


def chart_svg(trend, kind):
    """The SVG text of the chart `kind` (one of KINDS) of `trend`."""
    chart = going_chart(trend) if kind == "going" else lived_chart(trend)
    return chart.render(is_unicode=True)

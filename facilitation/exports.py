"""A structure's report as CSV, for a meeting: one row per daily task, with its mission, its role
and the role's indicators.

A mission without tasks and a role without missions get a row of their own, so nothing is
missing from the report. Three queries whatever the size of the structure (roles with their
indicators, missions, tasks).

Safe to open in a spreadsheet: a text cell that a spreadsheet would read as a formula gets a
leading apostrophe (OWASP "CSV injection"). UTF-8 with a byte order mark, so that Excel shows the
accents; semicolons between cells, as French spreadsheets expect.
"""

import csv

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.models import DailyTask, Mission
from missions.timing import task_time_label
from roles.models import Role
from sheets.indicators import with_indicators

DELIMITER = ";"
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell value a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def header():
    return [
        _("Structure"),
        _("Role"),
        _("Warnings"),
        _("Share of time on missions drawing on lived experience (%)"),
        _("Mission"),
        _("Latitude"),
        _("How lived experience is put to work"),
        _("What the mission includes"),
        _("What the mission does not include"),
        _("Daily task"),
        _("How often"),
        _("Minutes per week"),
    ]


def report_roles(structure):
    return (
        with_indicators(Role.objects.filter(structure=structure))
        .prefetch_related(
            Prefetch(
                "missions",
                queryset=Mission.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("tasks", queryset=DailyTask.objects.order_by("position", "pk"))
                ),
            )
        )
        .order_by("title", "pk")
    )


def report_rows(structure):
    """The rows of the report, header first, values not yet neutralised."""
    yield header()
    for role in report_roles(structure):
        health = role.health
        role_cells = [
            structure.name,
            role.title,
            " / ".join(str(text) for text in [*health.warnings, *health.agreement_warnings]),
            health.lived_share,
        ]
        missions = list(role.missions.all())
        if not missions:
            yield role_cells + [""] * 8
        for mission in missions:
            mission_cells = [
                mission.title,
                mission.get_latitude_display(),
                mission.lived_experience,
                mission.includes,
                mission.excludes,
            ]
            tasks = list(mission.tasks.all())
            if not tasks:
                yield role_cells + mission_cells + ["", "", ""]
            for task in tasks:
                yield (
                    role_cells
                    + mission_cells
                    + [task.action, task_time_label(task), task.minutes_per_week]
                )


def write_report(structure, out):
    """Write the report to `out` (a file-like object taking text)."""
    out.write(BOM)
    writer = csv.writer(out, delimiter=DELIMITER)
    for row in report_rows(structure):
        writer.writerow([neutralise(value) for value in row])


def report_filename(structure):
    return f"peerwork-{structure.slug}-{timezone.localdate().isoformat()}.csv"

"""The check-ins' panels on the role sheet (sheets/panels.py), for the people who read
check-ins: the drift alerts of the portfolio, and the trends of the last periods."""

from django.template.loader import render_to_string

from .drift import drifting_missions, outside_the_sheet
from .services import reads_checkins
from .trends import PERIODS, role_trends


def drift_panel(role, access):
    if not reads_checkins(access):
        return ""
    drifting = drifting_missions([role.pk]).get(role.pk, [])
    outside = outside_the_sheet([role]).get(role.pk)
    if not drifting and outside is None:
        return ""
    return render_to_string(
        "checkins/_sheet_panel.html", {"role": role, "drifting": drifting, "outside": outside}
    )


def trend_panel(role, access):
    """The two trend charts, each with its table (one query; the images come by their URL)."""
    if not reads_checkins(access):
        return ""
    return render_to_string(
        "checkins/_trend_panel.html",
        {"role": role, "trend": role_trends([role.pk])[role.pk], "periods": PERIODS},
    )

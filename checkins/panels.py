"""The check-ins' panel on the role sheet (sheets/panels.py): the drift alerts of the portfolio,
for the people who read check-ins."""

from django.template.loader import render_to_string

from .drift import drifting_missions, outside_the_sheet


def drift_panel(role, access):
    if not (access.is_manager or access.is_facilitator or access.holds_role):
        return ""
    drifting = drifting_missions([role.pk]).get(role.pk, [])
    outside = outside_the_sheet([role]).get(role.pk)
    if not drifting and outside is None:
        return ""
    return render_to_string(
        "checkins/_sheet_panel.html", {"role": role, "drifting": drifting, "outside": outside}
    )

"""The check-in pages: the peer worker's form, and the check-ins of a role.

The form is for the peer workers holding the role; the list is for them, the structure's
managers and the supporting facilitator (who reads the notes only when they were shared).
Outsiders get 404 (roles.access), others 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.models import DailyTask
from roles.access import get_role_for_user
from roles.models import Role, RoleAssignment
from sheets.indicators import with_indicators
from structures.access import get_structure_for_user

from .forms import EXTRA_LINES, CadenceForm, ExtraFormSet, MissionAnswerForm, ShareForm
from .models import Cadence, CheckIn, CheckInAnswer, Going
from .periods import period_index, period_of, previous_periods
from .services import (
    adopted_version,
    cadence_of,
    cadence_set,
    checkin_submit,
    holds_role,
    notes_visible,
    with_cadence,
)
from .trends import PERIODS, role_trends

PERIODS_SHOWN = PERIODS  # the charts cover the periods the page lists


def checkin_form(request, role_id):
    role, access = get_role_for_user(request.user, role_id, with_cadence(Role.objects.all()))
    access.require(access.holds_role)
    version = adopted_version(role)
    cadence = role.cadence or Cadence.MONTH
    start, end = period_of(timezone.localdate(), cadence)
    context = {"role": role, "access": access, "version": version, "start": start, "end": end}
    if version is None:
        return render(request, "checkins/checkin_form.html", context)
    missions = version.snapshot["missions"]
    current = (
        CheckIn.objects.filter(role=role, peer_worker=request.user, period_start=start)
        .prefetch_related("answers", "extras")
        .first()
    )
    initial = {a.mission_id: a for a in current.answers.all()} if current else {}
    data = request.POST if request.method == "POST" else None
    blocks = [
        (
            mission,
            MissionAnswerForm(
                data,
                prefix=f"m{mission['id']}",
                initial=(
                    {
                        "going": initial[mission["id"]].going,
                        "time_spent": initial[mission["id"]].time_spent,
                        "note": initial[mission["id"]].note,
                    }
                    if mission["id"] in initial
                    else None
                ),
            ),
        )
        for mission in missions
    ]
    extras_initial = [
        {"text": e.text, "minutes_per_week": e.minutes_per_week}
        for e in (current.extras.all() if current else [])
    ]
    extras_initial += [{}] * EXTRA_LINES
    extras = ExtraFormSet(data, prefix="extras", initial=extras_initial)
    share = ShareForm(data, initial={"share_notes": current.share_notes if current else False})
    context |= {"blocks": blocks, "extras": extras, "share": share, "current": current}
    if data is not None:
        forms = [form for _m, form in blocks] + [extras, share]
        if all(form.is_valid() for form in forms):
            try:
                checkin_submit(
                    role=role,
                    by=request.user,
                    answers={
                        mission["id"]: (
                            form.cleaned_data["going"],
                            form.cleaned_data["time_spent"],
                            form.cleaned_data["note"],
                        )
                        for mission, form in blocks
                    },
                    extras=[
                        (f.cleaned_data["text"], f.cleaned_data.get("minutes_per_week") or 0)
                        for f in extras.forms
                        if f.cleaned_data.get("text")
                    ],
                    share_notes=share.cleaned_data["share_notes"],
                    cadence=cadence,
                )
            except ValidationError as error:
                context["error"] = " ".join(error.messages)
            else:
                messages.success(request, _("Thank you: your check-in was saved."))
                return redirect("checkins:list", role_id=role.pk)
        context["invalid"] = "error" not in context
        return render(request, "checkins/checkin_form.html", context, status=400)
    return render(request, "checkins/checkin_form.html", context)


def _indicators(cells, planned_minutes):
    """What a person's check-ins of the shown periods say, newest first in `cells`: missions
    reported drifting or hard in the last two periods, the work outside the sheet in the last
    check-in (and its share of the planned week), the closed periods without a check-in."""
    recent = [c["checkin"] for c in cells[:2] if c["checkin"]]
    answers = [a for checkin in recent for a in checkin.answers.all()]
    last = next((c["checkin"] for c in cells if c["checkin"]), None)
    outside = sum(e.minutes_per_week for e in last.extras.all()) if last else 0
    return {
        "drifting": sorted({a.mission_title for a in answers if a.going == Going.DRIFTING}),
        "hard": sorted({a.mission_title for a in answers if a.going == Going.HARD}),
        "outside_minutes": outside,
        "outside_share": round(100 * outside / planned_minutes) if planned_minutes else None,
        "skipped": sum(1 for c in cells if not c["checkin"] and not c["open"]),
    }


def checkin_list(request, role_id):
    role, access = get_role_for_user(
        request.user, role_id, with_cadence(with_indicators(Role.objects.all()))
    )
    access.require(access.is_manager or access.is_facilitator or access.holds_role)
    today = timezone.localdate()
    periods = previous_periods(today, PERIODS_SHOWN, role.cadence or Cadence.MONTH)
    holders = list(
        RoleAssignment.objects.filter(role=role).select_related("peer_worker").order_by("id")
    )
    checkins = CheckIn.objects.filter(role=role, period_start__gte=periods[0][0]).prefetch_related(
        Prefetch("answers", queryset=CheckInAnswer.objects.order_by("id")), "extras"
    )
    # Keyed by the current cadence's period holding each check-in (the latest one wins).
    by_key = {}
    for checkin in sorted(checkins, key=lambda c: (c.period_start, c.submitted_at)):
        index = period_index(periods, checkin.period_start)
        if index is not None:
            by_key[(checkin.peer_worker_id, periods[index][0])] = checkin
    rows = []
    for holder in holders:
        cells = []
        for start, end in reversed(periods):
            checkin = by_key.get((holder.peer_worker_id, start))
            show_notes = checkin is not None and notes_visible(checkin, access)
            cells.append(
                {
                    "start": start,
                    "end": end,
                    "open": end >= today,
                    "checkin": checkin,
                    "notes": show_notes,
                    # The peer worker's own lines turn into proposals in one tap.
                    "mine": checkin is not None
                    and checkin.peer_worker_id == request.user.pk
                    and access.can_propose,
                }
            )
        rows.append(
            {
                "person": holder.peer_worker,
                "periods": cells,
                "indicators": _indicators(cells, role.minutes_total),
            }
        )
    _tasks_to_remove(role, rows)
    return render(
        request,
        "checkins/checkin_list.html",
        {
            "role": role,
            "access": access,
            "rows": rows,
            "can_check_in": access.holds_role and holds_role(request.user, role),
            "trend": role_trends([role.pk])[role.pk],
            "periods": PERIODS_SHOWN,
        },
    )


def _tasks_to_remove(role, rows):
    """The peer worker's own answers list their mission's tasks as they are now, so that one
    tap proposes to remove one (one query, only for the peer worker's own check-ins)."""
    mine = [
        answer
        for row in rows
        for cell in row["periods"]
        if cell["mine"]
        for answer in cell["checkin"].answers.all()
        if answer.mission_id
    ]
    if not mine:
        return
    tasks = {}
    for task in DailyTask.objects.filter(mission__role=role).only("id", "mission_id", "action"):
        tasks.setdefault(task.mission_id, []).append(task)
    for answer in mine:
        answer.current_tasks = tasks.get(answer.mission_id, [])


def cadence_edit(request, slug):
    """A manager chooses how often the structure's peer workers check in."""
    structure, access = get_structure_for_user(request.user, slug)
    access.require_edit()
    form = CadenceForm(
        request.POST if request.method == "POST" else None,
        initial={"cadence": cadence_of(structure.pk)},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                cadence_set(
                    structure=structure, by=request.user, cadence=form.cleaned_data["cadence"]
                )
            except ValidationError as error:
                form.add_error("cadence", error)
            else:
                messages.success(request, _("The check-in cadence was saved."))
                return redirect(structure)
        return render(
            request,
            "checkins/cadence_form.html",
            {"structure": structure, "form": form},
            status=400,
        )
    return render(request, "checkins/cadence_form.html", {"structure": structure, "form": form})

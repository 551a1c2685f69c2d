"""The check-in pages: the peer worker's form, and the check-ins of a role.

The form is for the peer workers holding the role; the list is for them, the structure's
managers and the supporting facilitator (who reads the notes only when they were shared).
Outsiders get 404 (roles.access), others 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fragments import Fragment, cached_fragment, fragment_key, render_page
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
    reads_checkins,
    with_cadence,
)
from .trends import PERIODS, role_trends

PERIODS_SHOWN = PERIODS  # the charts cover the periods the page lists
RECENT_OWN = 2
FORM_PAGE = "checkins/checkin_form.html"
FORM_BODY = f"{FORM_PAGE}#body"


def checkin_form(request, role_id):
    """The peer worker's check-in for this period. Shown, it is rendered once per state of the
    sheet (the counter moves at every check-in, version and cadence change), person and day:
    a 20-mission sheet is a long form. Sent, it is validated and, if refused, shown again with
    what was typed."""
    role, access = get_role_for_user(request.user, role_id)
    access.require(access.holds_role)
    page = {"role": role, "access": access}
    if request.method != "POST":
        key = fragment_key("checkin_form", role.pk, role.sheet_counter, request.user.pk)
        body = cached_fragment(
            request, key, FORM_BODY, lambda: _form_context(request, role, access, None)
        )
        return render_page(request, FORM_PAGE, page | {"body": body})
    context = _form_context(request, role, access, request.POST)
    if context["version"] is not None:
        blocks, extras, share = context["blocks"], context["extras"], context["share"]
        if all(form.is_valid() for form in [form for _m, form in blocks] + [extras, share]):
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
                    cadence=context["cadence"],
                )
            except ValidationError as error:
                context["error"] = " ".join(error.messages)
            else:
                messages.success(request, _("Thank you: your check-in was saved."))
                return redirect("checkins:list", role_id=role.pk)
        context["invalid"] = "error" not in context
    body = Fragment(render_to_string(FORM_BODY, context, request=request).encode())
    return render_page(request, FORM_PAGE, page | {"body": body}, status=400)


def _form_context(request, role, access, data):
    """The form's blocks (one per mission of the adopted version, prefilled with this period's
    check-in if there is one), for `data` sent or None."""
    version = adopted_version(role)
    cadence = cadence_of(role.structure_id)
    start, end = period_of(timezone.localdate(), cadence)
    context = {
        "role": role,
        "access": access,
        "version": version,
        "start": start,
        "end": end,
        "cadence": cadence,
    }
    if version is None:
        return context
    current = (
        CheckIn.objects.filter(role=role, peer_worker=request.user, period_start=start)
        .prefetch_related("answers", "extras")
        .first()
    )
    initial = {a.mission_id: a for a in current.answers.all()} if current else {}
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
        for mission in version.snapshot["missions"]
    ]
    extras_initial = [
        {"text": e.text, "minutes_per_week": e.minutes_per_week}
        for e in (current.extras.all() if current else [])
    ]
    extras_initial += [{}] * EXTRA_LINES
    extras = ExtraFormSet(data, prefix="extras", initial=extras_initial)
    share = ShareForm(data, initial={"share_notes": current.share_notes if current else False})
    return context | {"blocks": blocks, "extras": extras, "share": share, "current": current}


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
    """The check-ins of a role, 12 periods per holder. Rendered once per state of what it shows
    (the sheet counter moves at every check-in, cadence and holder change: core/counters.py)
    and per kind of reader; a peer worker's own lines carry links of their own."""
    role, access = get_role_for_user(request.user, role_id)
    access.require(reads_checkins(access))
    key = fragment_key(
        "checkins",
        role.pk,
        role.sheet_counter,
        access.capacity,
        request.user.pk if access.holds_role else None,
    )

    def get_context():
        full = with_cadence(with_indicators(Role.objects.filter(pk=role.pk))).get()
        full.structure = role.structure
        return _list_context(request, full, access)

    body = cached_fragment(request, key, "checkins/checkin_list.html#body", get_context)
    return render_page(
        request, "checkins/checkin_list.html", {"role": role, "access": access, "body": body}
    )


def _list_context(request, role, access):
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
        own = 0  # the reader's own check-ins met so far, newest first
        for start, end in reversed(periods):
            checkin = by_key.get((holder.peer_worker_id, start))
            show_notes = checkin is not None and notes_visible(checkin, access)
            mine = (
                checkin is not None
                and checkin.peer_worker_id == request.user.pk
                and access.can_propose
            )
            own += mine
            cells.append(
                {
                    "start": start,
                    "end": end,
                    "open": end >= today,
                    "checkin": checkin,
                    "notes": show_notes,
                    # The peer worker's own lines turn into proposals in one tap: those of
                    # their last two check-ins (older ones would make a page of links).
                    "mine": mine and own <= RECENT_OWN,
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
    return {
        "role": role,
        "access": access,
        "rows": rows,
        "can_check_in": access.holds_role and holds_role(request.user, role),
        "trend": role_trends([role.pk])[role.pk],
        "periods": PERIODS_SHOWN,
    }


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

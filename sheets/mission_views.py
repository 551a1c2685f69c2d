from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.concurrency import TRY_AGAIN_MESSAGE, TryAgain
from core.editing import InPlace, save_or_render
from missions import services
from missions.access import can_edit_tasks, get_mission_for_user, get_task_for_user, within_latitude
from missions.forms import MissionEditForm, MissionForm, TaskEditForm, TaskForm
from missions.removed import removed_or_404
from roles.access import get_role_for_user
from roles.models import RoleEvent
from sheets.sheet import sheet_update

_OFFSETS = {"up": -1, "down": 1}

# Heading levels of the forms opened in place on the role sheet: a mission card's heading is
# an h3, its "Daily tasks" an h4.
_IN_SECTION, _IN_CARD, _IN_TASK = 3, 4, 5


def _offset(request):
    return _OFFSETS.get(request.POST.get("direction"), 0)


def _mission_focus(mission):
    return f"mission-{mission.pk}-title" if mission is not None else "missions-title"


def _confirm_removal(request, *, question, cancel_url, role, form_id, level):
    """The confirmation before a removal: a page, or a small form in place (htmx)."""
    context = {"question": question, "cancel_url": cancel_url}
    if request.htmx:
        response = render(
            request,
            "_inplace.html#confirm",
            {**context, "form_id": form_id, "level": level},
        )
    else:
        response = render(
            request,
            "confirm_delete.html",
            {**context, "structure": role.structure, "role": role},
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


def mission_new(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require_edit()
    return save_or_render(
        request,
        form=MissionForm(request.POST or None),
        save=lambda **fields: services.mission_create(role=role, by=request.user, **fields),
        success_url=lambda mission: mission.get_absolute_url(),
        success_message=_("The mission was added. Now say what is done concretely: add its tasks."),
        template="missions/mission_form.html",
        context={"role": role, "structure": role.structure, "cancel_url": role.get_absolute_url()},
        inplace=InPlace(
            form_id="mission-new-form",
            heading=_("Add a mission"),
            level=_IN_SECTION,
            done=lambda mission: sheet_update(request, role.pk, focus=_mission_focus(mission)),
        ),
    )


def mission_edit(request, mission_id):
    try:
        mission, access = get_mission_for_user(request.user, mission_id)
    except Http404:
        return removed_or_404(
            request,
            kind=RoleEvent.Kind.MISSION_REMOVED,
            target_id=mission_id,
            form_class=MissionEditForm,
            allowed=lambda access: access.can_edit,
            form_id=f"mission-{mission_id}-form",
            level=_IN_CARD,
        )
    access.require_edit()
    form = MissionEditForm(request.POST or None, instance=mission)
    return save_or_render(
        request,
        form=form,
        save=lambda **fields: services.mission_update(
            mission=mission, by=request.user, revision=form.cleaned_data["revision"], **fields
        ),
        success_url=mission.get_absolute_url(),
        success_message=_("The mission was saved."),
        template="missions/mission_form.html",
        context={
            "structure": mission.role.structure,
            "role": mission.role,
            "mission": mission,
            "cancel_url": mission.get_absolute_url(),
        },
        inplace=InPlace(
            form_id=f"mission-{mission.pk}-form",
            heading=_("Edit the mission"),
            level=_IN_CARD,
            done=lambda saved: sheet_update(request, mission.role_id, focus=_mission_focus(saved)),
        ),
    )


def mission_delete(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
    access.require_edit()
    if request.method == "POST":
        services.mission_delete(mission=mission, by=request.user)
        messages.success(request, _("The mission was removed."))
        if request.htmx:
            return sheet_update(request, mission.role_id, focus="missions-title")
        return redirect(mission.role)
    return _confirm_removal(
        request,
        question=_("Remove the mission “%(title)s” and its daily tasks?")
        % {"title": mission.title},
        cancel_url=mission.get_absolute_url(),
        role=mission.role,
        form_id=f"mission-{mission.pk}-form",
        level=_IN_CARD,
    )


@require_POST
def mission_move(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
    access.require_edit()
    try:
        services.mission_move(mission=mission, by=request.user, offset=_offset(request))
    except TryAgain:
        messages.error(request, TRY_AGAIN_MESSAGE)
    else:
        if request.htmx:
            # On the page the new place is seen; in place, a screen reader hears it too.
            messages.success(request, _("The mission was moved."))
    if request.htmx:
        return sheet_update(request, mission.role_id, focus=_mission_focus(mission))
    return redirect(mission.get_absolute_url())


def task_new(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
    access.require(can_edit_tasks(access, mission))
    return save_or_render(
        request,
        form=TaskForm(request.POST or None),
        save=lambda **fields: services.task_create(
            mission=mission,
            by=request.user,
            within_latitude=within_latitude(access, mission),
            **fields,
        ),
        success_url=mission.get_absolute_url(),
        success_message=_("The task was added."),
        template="missions/task_form.html",
        context={
            "structure": mission.role.structure,
            "role": mission.role,
            "mission": mission,
            "cancel_url": mission.get_absolute_url(),
        },
        inplace=InPlace(
            form_id=f"mission-{mission.pk}-form",
            heading=_("Add a daily task"),
            level=_IN_CARD,
            done=lambda task: sheet_update(request, mission.role_id, focus=f"task-{task.pk}"),
        ),
    )


def task_edit(request, task_id):
    try:
        task, access = get_task_for_user(request.user, task_id)
    except Http404:
        return removed_or_404(
            request,
            kind=RoleEvent.Kind.TASK_REMOVED,
            target_id=task_id,
            form_class=TaskEditForm,
            # The mission's latitude is not known any more: the people on the role.
            allowed=lambda access: access.can_propose,
            form_id=f"task-{task_id}-form",
            level=_IN_TASK,
        )
    access.require(can_edit_tasks(access, task.mission))
    form = TaskEditForm(request.POST or None, instance=task)
    return save_or_render(
        request,
        form=form,
        save=lambda **fields: services.task_update(
            task=task,
            by=request.user,
            revision=form.cleaned_data["revision"],
            within_latitude=within_latitude(access, task.mission),
            **fields,
        ),
        success_url=task.mission.get_absolute_url(),
        success_message=_("The task was saved."),
        template="missions/task_form.html",
        context={
            "structure": task.mission.role.structure,
            "role": task.mission.role,
            "mission": task.mission,
            "task": task,
            "cancel_url": task.mission.get_absolute_url(),
        },
        inplace=InPlace(
            form_id=f"task-{task.pk}-form",
            heading=_("Edit the task"),
            level=_IN_TASK,
            done=lambda saved: sheet_update(
                request,
                task.mission.role_id,
                focus=f"task-{task.pk}" if saved else _mission_focus(task.mission),
            ),
        ),
    )


def task_delete(request, task_id):
    task, access = get_task_for_user(request.user, task_id)
    access.require(can_edit_tasks(access, task.mission))
    if request.method == "POST":
        services.task_delete(
            task=task, by=request.user, within_latitude=within_latitude(access, task.mission)
        )
        messages.success(request, _("The task was removed."))
        if request.htmx:
            return sheet_update(request, task.mission.role_id, focus=_mission_focus(task.mission))
        return redirect(task.mission.get_absolute_url())
    return _confirm_removal(
        request,
        question=_("Remove the task “%(action)s”?") % {"action": task.action},
        cancel_url=task.mission.get_absolute_url(),
        role=task.mission.role,
        form_id=f"task-{task.pk}-form",
        level=_IN_TASK,
    )


@require_POST
def task_move(request, task_id):
    task, access = get_task_for_user(request.user, task_id)
    access.require(can_edit_tasks(access, task.mission))
    try:
        services.task_move(
            task=task,
            by=request.user,
            offset=_offset(request),
            within_latitude=within_latitude(access, task.mission),
        )
    except TryAgain:
        messages.error(request, TRY_AGAIN_MESSAGE)
    else:
        if request.htmx:
            messages.success(request, _("The task was moved."))
    if request.htmx:
        return sheet_update(request, task.mission.role_id, focus=f"task-{task.pk}")
    return redirect(task.mission.get_absolute_url())

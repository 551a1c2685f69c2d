from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerwork.editing import save_or_render
from structures.access import get_mission_for_user, get_role_for_user, get_task_for_user

from . import services
from .forms import MissionEditForm, MissionForm, TaskEditForm, TaskForm

_OFFSETS = {"up": -1, "down": 1}


def _offset(request):
    return _OFFSETS.get(request.POST.get("direction"), 0)


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
        context={"role": role, "cancel_url": role.get_absolute_url()},
    )


def mission_edit(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
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
            "role": mission.role,
            "mission": mission,
            "cancel_url": mission.get_absolute_url(),
        },
    )


def mission_delete(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
    access.require_edit()
    if request.method == "POST":
        services.mission_delete(mission=mission, by=request.user)
        messages.success(request, _("The mission was removed."))
        return redirect(mission.role)
    return render(
        request,
        "confirm_delete.html",
        {
            "question": _("Remove the mission “%(title)s” and its daily tasks?")
            % {"title": mission.title},
            "cancel_url": mission.get_absolute_url(),
            "structure": mission.role.structure,
            "role": mission.role,
        },
    )


@require_POST
def mission_move(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
    access.require_edit()
    services.mission_move(mission=mission, by=request.user, offset=_offset(request))
    return redirect(mission.get_absolute_url())


def task_new(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
    access.require(access.can_edit_tasks(mission))
    return save_or_render(
        request,
        form=TaskForm(request.POST or None),
        save=lambda **fields: services.task_create(
            mission=mission,
            by=request.user,
            within_latitude=access.within_latitude(mission),
            **fields,
        ),
        success_url=mission.get_absolute_url(),
        success_message=_("The task was added."),
        template="missions/task_form.html",
        context={
            "role": mission.role,
            "mission": mission,
            "cancel_url": mission.get_absolute_url(),
        },
    )


def task_edit(request, task_id):
    task, access = get_task_for_user(request.user, task_id)
    access.require(access.can_edit_tasks(task.mission))
    form = TaskEditForm(request.POST or None, instance=task)
    return save_or_render(
        request,
        form=form,
        save=lambda **fields: services.task_update(
            task=task,
            by=request.user,
            revision=form.cleaned_data["revision"],
            within_latitude=access.within_latitude(task.mission),
            **fields,
        ),
        success_url=task.mission.get_absolute_url(),
        success_message=_("The task was saved."),
        template="missions/task_form.html",
        context={
            "role": task.mission.role,
            "mission": task.mission,
            "task": task,
            "cancel_url": task.mission.get_absolute_url(),
        },
    )


def task_delete(request, task_id):
    task, access = get_task_for_user(request.user, task_id)
    access.require(access.can_edit_tasks(task.mission))
    if request.method == "POST":
        services.task_delete(
            task=task, by=request.user, within_latitude=access.within_latitude(task.mission)
        )
        messages.success(request, _("The task was removed."))
        return redirect(task.mission.get_absolute_url())
    return render(
        request,
        "confirm_delete.html",
        {
            "question": _("Remove the task “%(action)s”?") % {"action": task.action},
            "cancel_url": task.mission.get_absolute_url(),
            "structure": task.mission.role.structure,
            "role": task.mission.role,
        },
    )


@require_POST
def task_move(request, task_id):
    task, access = get_task_for_user(request.user, task_id)
    access.require(access.can_edit_tasks(task.mission))
    services.task_move(
        task=task,
        by=request.user,
        offset=_offset(request),
        within_latitude=access.within_latitude(task.mission),
    )
    return redirect(task.mission.get_absolute_url())

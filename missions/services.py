"""Every write to missions and daily tasks goes through here, with its actor (`by`).

`within_latitude=True` marks a change a peer worker made directly to a task of an autonomous
mission (their latitude); it is recorded so the managers see it.

A write that meets a deadlock or a serialization failure is tried once more (`retry_once`),
then refused with TryAgain.
"""

from django.db import transaction
from django.db.models import Max

from core.concurrency import move_in_sequence, retry_once, update_if_unchanged
from roles.history import record
from roles.models import RoleEvent

from .models import DailyTask, Mission

Kind = RoleEvent.Kind


def _next_position(queryset):
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@retry_once
@transaction.atomic
def mission_create(*, role, by, **fields):
    mission = Mission(
        role=role,
        position=_next_position(Mission.objects.filter(role=role)),
        updated_by=by,
        **fields,
    )
    mission.full_clean(validate_constraints=False)
    mission.save()
    record(role.pk, by=by, kind=Kind.MISSION_ADDED, subject=mission.title)
    return mission


@retry_once
@transaction.atomic
def mission_update(*, mission, by, revision, **fields):
    changes = update_if_unchanged(mission, revision=revision, by=by, fields=fields)
    if changes:
        record(
            mission.role_id,
            by=by,
            kind=Kind.MISSION_CHANGED,
            subject=mission.title,
            changes=changes,
        )
    return mission


@retry_once
@transaction.atomic
def mission_delete(*, mission, by):
    target_id = mission.pk  # delete() forgets it
    mission.delete()
    record(
        mission.role_id,
        by=by,
        kind=Kind.MISSION_REMOVED,
        subject=mission.title,
        target_id=target_id,
    )


@retry_once
@transaction.atomic
def mission_move(*, mission, by, offset):
    moved = move_in_sequence(mission, Mission.objects.filter(role_id=mission.role_id), offset)
    if moved:
        record(mission.role_id, by=by, kind=Kind.MISSION_MOVED, subject=mission.title)
    return moved


def _task_event(
    task, *, by, kind, changes=None, within_latitude=False, role_id=None, target_id=None
):
    record(
        role_id or task.mission.role_id,
        by=by,
        kind=kind,
        subject=task.action,
        changes=changes,
        within_latitude=within_latitude,
        target_id=target_id,
    )


@retry_once
@transaction.atomic
def task_create(*, mission, by, within_latitude=False, **fields):
    task = DailyTask(
        mission=mission,
        position=_next_position(DailyTask.objects.filter(mission=mission)),
        updated_by=by,
        **fields,
    )
    task.full_clean(validate_constraints=False)
    task.save()
    _task_event(
        task, by=by, kind=Kind.TASK_ADDED, within_latitude=within_latitude, role_id=mission.role_id
    )
    return task


@retry_once
@transaction.atomic
def task_update(*, task, by, revision, within_latitude=False, **fields):
    changes = update_if_unchanged(task, revision=revision, by=by, fields=fields)
    if changes:
        _task_event(
            task, by=by, kind=Kind.TASK_CHANGED, changes=changes, within_latitude=within_latitude
        )
    return task


@retry_once
@transaction.atomic
def task_delete(*, task, by, within_latitude=False):
    target_id = task.pk  # delete() forgets it
    task.delete()
    _task_event(
        task,
        by=by,
        kind=Kind.TASK_REMOVED,
        within_latitude=within_latitude,
        target_id=target_id,
    )


@retry_once
@transaction.atomic
def task_move(*, task, by, offset, within_latitude=False):
    moved = move_in_sequence(task, DailyTask.objects.filter(mission_id=task.mission_id), offset)
    if moved:
        _task_event(task, by=by, kind=Kind.TASK_MOVED, within_latitude=within_latitude)
    return moved

"""Every write to missions and daily tasks goes through here, with its actor (`by`)."""

from django.db import transaction
from django.db.models import Max

from peerwork.concurrency import move_in_sequence, update_if_unchanged

from .models import DailyTask, Mission

MISSION_FIELDS = ("title", "description", "lived_experience", "includes", "excludes", "latitude")
TASK_FIELDS = ("action", "frequency", "minutes_per_week")


def _next_position(queryset):
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


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
    return mission


@transaction.atomic
def mission_update(*, mission, by, revision, **fields):
    return update_if_unchanged(mission, revision=revision, by=by, fields=fields)


@transaction.atomic
def mission_delete(*, mission, by):
    mission.delete()


@transaction.atomic
def mission_move(*, mission, by, offset):
    return move_in_sequence(mission, Mission.objects.filter(role_id=mission.role_id), offset)


@transaction.atomic
def task_create(*, mission, by, **fields):
    task = DailyTask(
        mission=mission,
        position=_next_position(DailyTask.objects.filter(mission=mission)),
        updated_by=by,
        **fields,
    )
    task.full_clean(validate_constraints=False)
    task.save()
    return task


@transaction.atomic
def task_update(*, task, by, revision, **fields):
    return update_if_unchanged(task, revision=revision, by=by, fields=fields)


@transaction.atomic
def task_delete(*, task, by):
    task.delete()


@transaction.atomic
def task_move(*, task, by, offset):
    return move_in_sequence(task, DailyTask.objects.filter(mission_id=task.mission_id), offset)

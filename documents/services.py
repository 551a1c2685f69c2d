"""Writes of the documents floor, with their actor (`by`)."""

from django.db import transaction

from missions.services import mission_create, task_create
from roles.services import role_create


@transaction.atomic
def import_role(*, structure, by, role_fields, missions):
    """A new role of `structure` from an imported fiche de poste, as the manager corrected it:
    `missions` is a list of (mission fields, [task fields]). All of it or nothing: a
    ValidationError (a title already taken, say) leaves nothing behind."""
    role = role_create(structure=structure, by=by, **role_fields)
    for mission_fields, tasks in missions:
        mission = mission_create(role=role, by=by, **mission_fields)
        for task_fields in tasks:
            task_create(mission=mission, by=by, **task_fields)
    return role

"""The trace of a role sheet: every service that changes a sheet records an event here."""

from .models import RoleEvent

Kind = RoleEvent.Kind


def record(
    role_id,
    *,
    by,
    kind,
    subject="",
    person=None,
    changes=None,
    within_latitude=False,
    target_id=None,
):
    """One line of history. A person the line is about is given as `person` (a user), never
    by name in `subject`: the name is read when the history is shown."""
    return RoleEvent.objects.create(
        role_id=role_id,
        actor=by,
        kind=kind,
        person=person,
        subject=str(subject)[:300],
        changes=changes or {},
        within_latitude=within_latitude,
        target_id=target_id,
    )

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


def _model_of(kind):
    """The model whose fields an event's `changes` name."""
    from missions.models import DailyTask, Mission

    from .models import Role

    if kind.startswith("task_"):
        return DailyTask
    if kind.startswith("mission_"):
        return Mission
    return Role


def event_changes(event):
    """The `changes` of an event ({field: [old, new]}) as FieldChange rows with the fields'
    labels and the values as a person reads them (choice labels rather than codes)."""
    from django.core.exceptions import FieldDoesNotExist

    from .snapshots import FieldChange, _display, _label

    model = _model_of(event.kind)
    rows = []
    for name, values in (event.changes or {}).items():
        old, new = values  # update_if_unchanged writes [old, new]
        try:
            rows.append(
                FieldChange(
                    _label(model, name), _display(model, name, old), _display(model, name, new)
                )
            )
        except FieldDoesNotExist:
            rows.append(FieldChange(name, old, new))
    return rows

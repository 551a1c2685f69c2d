"""The history of a role as people read it: each event's changes with the fields' labels
(written by roles/history.py::record on every floor)."""

from django.core.exceptions import FieldDoesNotExist

from core.changes import FieldChange, display, label
from missions.models import DailyTask, Mission
from roles.models import Role


def _model_of(kind):
    """The model whose fields an event's `changes` name."""
    if kind.startswith("task_"):
        return DailyTask
    if kind.startswith("mission_"):
        return Mission
    return Role


def event_changes(event):
    """The `changes` of an event ({field: [old, new]}) as FieldChange rows with the fields'
    labels and the values as a person reads them (choice labels rather than codes)."""

    model = _model_of(event.kind)
    rows = []
    for name, values in (event.changes or {}).items():
        old, new = values  # update_if_unchanged writes [old, new]
        try:
            rows.append(
                FieldChange(
                    label(model, name), display(model, name, old), display(model, name, new)
                )
            )
        except FieldDoesNotExist:
            rows.append(FieldChange(name, old, new))
    return rows

"""Accepting a proposal over later edits: what merges by itself, what the manager decides.

For each field, three values: `before` (when the proposal was written), `proposed`, `current`.
Changed on the proposal's side only → the proposed value applies; on the current side only →
the current value stays; on both sides, differently → the manager writes the result, starting
from a suggestion. Nothing is ever dropped without the manager having seen it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from core.changes import display, label
from core.worddiff import merge3


@dataclass
class FieldMerge:
    """A field both the proposal and a later edit changed. The values as a person reads them
    (choice labels), and `initial`, the stored value suggested as the result."""

    name: str
    label: str
    before: object
    proposed: object
    current: object
    initial: object
    multiline: bool


def _is_text(field):
    return isinstance(field, models.CharField | models.TextField) and not field.choices


def suggestion(field, before, proposed, current):
    """A sensible result to start from: both sides' word changes when they touch different
    words; else the longer text when it contains the other; else the current text followed by
    the proposed one (the manager trims). Not a text (a frequency, minutes): the proposed value,
    since the manager is accepting the proposal."""
    if not _is_text(field):
        return proposed
    before, proposed, current = (str(value or "") for value in (before, proposed, current))
    merged = merge3(before, current, proposed)
    if merged is not None:
        return merged.strip()
    if proposed in current:
        return current
    if current in proposed:
        return proposed
    separator = "\n\n" if isinstance(field, models.TextField) else " / "
    return f"{current}{separator}{proposed}"


def plan(model, before, proposed, current):
    """(fields to write without asking, [FieldMerge] the manager must decide)."""
    to_apply, to_resolve = {}, []
    for name in model.EDITABLE_FIELDS:
        if name not in proposed:
            continue
        old, new, now = before.get(name), proposed[name], current.get(name)
        if new in (old, now):
            continue  # not changed by the proposal, or already so
        if now == old:
            to_apply[name] = new
            continue
        field = model._meta.get_field(name)
        to_resolve.append(
            FieldMerge(
                name=name,
                label=label(model, name),
                before=display(model, name, old),
                proposed=display(model, name, new),
                current=display(model, name, now),
                initial=suggestion(field, old, new, now),
                multiline=isinstance(field, models.TextField),
            )
        )
    return to_apply, to_resolve


def clean_resolutions(target, to_resolve, resolutions):
    """The manager's results, checked as the model checks its fields. Raises ValidationError
    keyed by field name."""
    cleaned, errors = {}, {}
    for merge in to_resolve:
        field = type(target)._meta.get_field(merge.name)
        value = resolutions[merge.name]
        if isinstance(value, str) and _is_text(field):
            value = value.strip()
        try:
            cleaned[merge.name] = field.clean(value, target)
        except ValidationError as error:
            errors[merge.name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def revisions_of(kind_removes_mission, target):
    """The revisions a decision is based on: the target's and, when a mission is removed with
    its daily tasks, the tasks' too (each listed on the page)."""
    if target is None:
        return {}
    shown = {f"{target._meta.model_name}-{target.pk}": target.revision}
    if kind_removes_mission:
        shown |= {f"dailytask-{pk}": revision for pk, revision in _task_revisions(target)}
    return shown


def _task_revisions(mission):
    return mission.tasks.order_by().values_list("pk", "revision")


def encode(revisions):
    return " ".join(f"{key}:{value}" for key, value in sorted(revisions.items()))


def decode(text):
    """The revisions a form carried; {} when unreadable (then they match nothing)."""
    revisions = {}
    for part in (text or "").split():
        key, _sep, value = part.partition(":")
        if not value.isdigit():
            return {}
        revisions[key] = int(value)
    return revisions

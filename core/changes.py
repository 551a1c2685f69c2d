"""Field-by-field changes of a model's values, as a person reads them (labels, choice
labels rather than codes): for proposals, history and version comparisons alike."""

from dataclasses import dataclass


def label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def display(model, name, value):
    """A stored value as a person reads it (choice labels rather than codes). A missing value
    stays None (it is not a choice whose label is "None")."""
    if value is None:
        return None
    choices = dict(model._meta.get_field(name).flatchoices)
    return str(choices.get(value, value)) if choices else value


@dataclass
class FieldChange:
    label: str
    old: object
    new: object


def field_changes(model, fields, old, new):
    return [
        FieldChange(
            label(model, name),
            display(model, name, old.get(name)),
            display(model, name, new.get(name)),
        )
        for name in fields
        if old.get(name) != new.get(name)
    ]

"""Optimistic concurrency: an edit applies only to the revision the person started from."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone


class StaleEdit(Exception):
    """Someone saved the object since the form was opened. `current` is the saved version
    (None when it was deleted meanwhile)."""

    def __init__(self, current):
        super().__init__("stale edit")
        self.current = current


def update_if_unchanged(instance, *, revision, by, fields):
    """Write `fields` only if the row is still at `revision`; raise StaleEdit otherwise.

    Returns what changed, as {field: [old, new]} (JSON-able, for the history). The old values
    are read from the database (the row, locked), not from `instance`: a ModelForm's validation
    has already copied the submitted values onto its instance, which would hide every change.

    The conditional UPDATE is atomic in the database, so two simultaneous saves from the same
    revision cannot both succeed, whatever the isolation level.
    """
    model = type(instance)
    now = timezone.now()
    with transaction.atomic():
        saved = (
            model.objects.select_for_update()
            .filter(pk=instance.pk, revision=revision)
            .values(*fields)
            .first()
        )
        updated = saved is not None and model.objects.filter(
            pk=instance.pk, revision=revision
        ).update(**fields, revision=F("revision") + 1, updated_by=by, updated_at=now)
    if not updated:
        raise StaleEdit(model.objects.filter(pk=instance.pk).first())
    changes = {name: [saved[name], value] for name, value in fields.items() if saved[name] != value}
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.revision = revision + 1
    instance.updated_by = by
    instance.updated_at = now
    return changes


def move_in_sequence(item, siblings, offset):
    """Move `item` by `offset` places among `siblings` (a queryset including it) and renumber.

    The siblings are locked so that two people reordering at once cannot interleave.
    """
    ids = list(siblings.select_for_update().order_by("position", "id").values_list("id", flat=True))
    index = ids.index(item.pk)
    new_index = max(0, min(len(ids) - 1, index + offset))
    if new_index == index:
        return False
    ids.insert(new_index, ids.pop(index))
    model = type(item)
    objs = [model(pk=pk, position=position) for position, pk in enumerate(ids)]
    model.objects.bulk_update(objs, ["position"])
    return True

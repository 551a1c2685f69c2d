"""Concurrency: an edit applies only to the revision the person started from; a write that
loses a race with another one (a deadlock, a serialization failure, a unique constraint) gets
a clear answer rather than a server error."""

import functools
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# SQLSTATE of the failures that only mean "another transaction was in the way".
TRANSIENT_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
TRY_AGAIN_MESSAGE = _(
    "Someone else was saving at the same moment, so nothing was saved. Please try again."
)


class TryAgain(Exception):
    """A write lost a race twice in a row; nothing was written. Show TRY_AGAIN_MESSAGE."""


def _sqlstate(error):
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) or getattr(
        getattr(cause, "diag", None), "sqlstate", None
    )


def constraint_name(error):
    """The name of the constraint an IntegrityError violated (PostgreSQL), else None."""
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


def retry_once(func=None, *, constraints=None):
    """Retry the write `func` once after a deadlock or serialization failure, then raise
    TryAgain. Put it above `@transaction.atomic`: the savepoint of `func` undoes the failed
    try (no second savepoint, no extra queries).

    `constraints` maps a constraint's name to the message (or a function giving it) of the
    ValidationError its violation becomes: a race that the checks before the write could not
    see.
    """
    if func is None:
        return functools.partial(retry_once, constraints=constraints)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in (1, 2):
            try:
                return func(*args, **kwargs)
            except IntegrityError as error:
                name = constraint_name(error)
                if constraints and name in constraints:
                    message = constraints[name]
                    raise ValidationError(message() if callable(message) else message) from error
                raise
            except OperationalError as error:
                if _sqlstate(error) not in TRANSIENT_SQLSTATES:
                    raise
                if attempt == 2:
                    raise TryAgain from error
        raise AssertionError("unreachable")

    return wrapper


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

    The siblings are locked so that two people reordering at once cannot interleave, in the
    order of their ids: locked in the order of their positions, which the other mover is
    changing, two movers could each hold a row the other waits for (a deadlock). "No key":
    adding a task to a mission being moved need not wait.
    """
    rows = siblings.select_for_update(no_key=True).order_by("id").values_list("id", "position")
    ids = [pk for pk, _position in sorted(rows, key=lambda row: (row[1], row[0]))]
    index = ids.index(item.pk)
    new_index = max(0, min(len(ids) - 1, index + offset))
    if new_index == index:
        return False
    ids.insert(new_index, ids.pop(index))
    model = type(item)
    objs = [model(pk=pk, position=position) for position, pk in enumerate(ids)]
    model.objects.bulk_update(objs, ["position"])
    return True


class DatabaseTroubleMiddleware:
    """What a view did not answer itself: a write that lost its race twice (TryAgain), or a
    database that does not answer in time (connection refused, statement_timeout), becomes a
    503 page saying to try again, rather than a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TryAgain):
            message = TRY_AGAIN_MESSAGE
        elif isinstance(exception, OperationalError):
            logger.warning("the database did not answer", exc_info=exception)
            message = _("The site cannot reach its data right now. Please try again in a moment.")
        else:
            return None
        response = render(request, "try_again.html", {"message": message}, status=503)
        response["Retry-After"] = "5"
        return response

"""The trace of a role sheet: every service that changes a sheet records an event here."""

from .models import RoleEvent


def record(role_id, *, by, kind, subject="", changes=None, within_latitude=False):
    return RoleEvent.objects.create(
        role_id=role_id,
        actor=by,
        kind=kind,
        subject=str(subject)[:300],
        changes=changes or {},
        within_latitude=within_latitude,
    )

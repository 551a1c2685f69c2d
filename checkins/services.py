"""Every write to check-ins goes through here, with its actor (`by`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.models import Mission
from missions.timing import minutes_per_week, task_values
from roles.models import RoleAssignment
from sheets.models import RoleSheetVersion
from structures.models import Membership, User

from .models import Cadence, CheckIn, CheckInAnswer, CheckInCadence, CheckInExtra, Going, TimeSpent
from .periods import period_of


def cadence_of(structure_id):
    """The structure's check-in cadence (monthly unless it chose another)."""
    chosen = CheckInCadence.objects.filter(structure_id=structure_id).values_list(
        "cadence", flat=True
    )
    return next(iter(chosen), Cadence.MONTH)


def with_cadence(roles):
    """`roles` annotated with their structure's `cadence` (None for monthly, the default)."""
    return roles.annotate(cadence=F("structure__checkin_cadence__cadence"))


@transaction.atomic
def cadence_set(*, structure, by, cadence):
    """`by`, a manager of `structure`, sets how often its peer workers check in. The periods
    already checked in keep their dates; the pages place them in the new periods."""
    if not User.objects.managers_of(structure).filter(pk=by.pk).exists():
        raise PermissionDenied
    if cadence not in Cadence.values:
        raise ValidationError(_("Choose how often peer workers check in."))
    CheckInCadence.objects.update_or_create(structure=structure, defaults={"cadence": cadence})


def planned(mission):
    """(minutes a week, draws on lived experience) of a mission of a version's snapshot."""
    minutes = sum(minutes_per_week(**_time(task)) for task in mission.get("tasks", []))
    return minutes, bool((mission.get("lived_experience") or "").strip())


def _time(task):
    values = task_values(task)
    return {
        "frequency": values["frequency"],
        "times": values["times"],
        "duration": values["duration_minutes"],
    }


def reads_checkins(access):
    """Who reads a role's check-ins: its structure's managers, the supporting facilitator and
    the peer workers holding the role (facilitators read notes only when shared)."""
    return access.is_manager or access.is_facilitator or access.holds_role


def holds_role(user, role):
    """Whether `user` holds `role` and is still an active member of its structure."""
    return (
        RoleAssignment.objects.filter(role=role, peer_worker=user).exists()
        and Membership.objects.active().filter(structure_id=role.structure_id, user=user).exists()
    )


def adopted_version(role):
    return RoleSheetVersion.objects.filter(
        role=role, status=RoleSheetVersion.Status.ADOPTED
    ).first()


@transaction.atomic
def checkin_submit(*, role, by, answers, extras=(), share_notes=False, day=None, cadence=None):
    """The check-in of `by` on `role` for the period holding `day` (today): made, or replaced
    if one was sent for this period already (the latest word counts).

    `answers` maps each mission id of the adopted version to (going, time_spent, note);
    `extras` is a list of (text, minutes a week). Only the peer workers holding the role check
    in, and only against an adopted version (the agreement they are checking against)."""
    if not holds_role(by, role):
        raise PermissionDenied
    version = adopted_version(role)
    if version is None:
        raise ValidationError(
            _("This sheet has no adopted version yet: there is nothing to check in against.")
        )
    agreed = {m["id"]: m for m in version.snapshot["missions"]}
    if set(answers) != set(agreed):
        raise ValidationError(_("Say how each mission of the adopted sheet goes."))
    for going, time_spent, _note in answers.values():
        if going not in Going.values or time_spent not in TimeSpent.values:
            raise ValidationError(_("Choose one answer for each question."))
    start, end = period_of(day or timezone.localdate(), cadence or cadence_of(role.structure_id))
    checkin, created = CheckIn.objects.select_for_update().get_or_create(
        role=role,
        peer_worker=by,
        period_start=start,
        defaults={
            "period_end": end,
            "version": version,
            "share_notes": share_notes,
            "submitted_at": timezone.now(),
        },
    )
    if not created:
        CheckIn.objects.filter(pk=checkin.pk).update(
            version=version,
            share_notes=share_notes,
            submitted_at=timezone.now(),
            revision=checkin.revision + 1,
        )
        checkin.answers.all().delete()
        checkin.extras.all().delete()
        checkin.refresh_from_db()
    existing = set(Mission.objects.filter(pk__in=agreed).values_list("pk", flat=True))
    answer_rows = []
    for mission_id, (going, time_spent, note) in answers.items():
        minutes, lived = planned(agreed[mission_id])
        row = CheckInAnswer(
            checkin=checkin,
            mission_id=mission_id if mission_id in existing else None,
            mission_title=agreed[mission_id]["title"][:200],
            planned_minutes=minutes,
            lived=lived,
            going=going,
            time_spent=time_spent,
            note=(note or "").strip(),
        )
        row.full_clean(exclude=["checkin", "mission"], validate_constraints=False)
        answer_rows.append(row)
    CheckInAnswer.objects.bulk_create(answer_rows)
    extra_rows = []
    for text, minutes in extras:
        row = CheckInExtra(
            checkin=checkin, text=" ".join((text or "").split()), minutes_per_week=minutes or 0
        )
        row.full_clean(exclude=["checkin"], validate_constraints=False)
        extra_rows.append(row)
    CheckInExtra.objects.bulk_create(extra_rows)
    return checkin


def notes_visible(checkin, access):
    """Whether the reader (their Access to the role's structure) may read the check-in's free
    notes: the peer worker and the structure's managers always, a supporting facilitator only
    when the peer worker shared them."""
    if access.is_facilitator:
        return checkin.share_notes
    return access.is_manager or access.holds_role

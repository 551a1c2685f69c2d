"""Agreements come back: every adopted version has a review date, and the review, in the
questions of a sociocratic review (what helped, what to drop, what to change), either
confirms the version until a new date or opens proposals. A peer worker holding the role can
ask for an early review, which brings the date to the day they asked."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import months_later
from outbox.notify import absolute, notify
from roles.history import record
from roles.models import RoleAssignment, RoleEvent
from structures.models import Membership, User

from .models import EarlyReviewRequest, RoleSheetVersion, SheetReview

Outcome = SheetReview.Outcome
# A review date further than this is not a review date.
LATEST_YEARS = 3


def default_review_on(day=None):
    return months_later(day or timezone.localdate(), settings.SHEET_REVIEW_MONTHS)


def check_review_on(day, *, field="review_on"):
    """`day`, if a manager may set it as a review date: after today, within three years."""
    today = timezone.localdate()
    if day <= today:
        raise ValidationError({field: _("Choose a review date after today.")})
    if day > months_later(today, 12 * LATEST_YEARS):
        raise ValidationError(
            {field: _("Choose a review date within %(years)s years.") % {"years": LATEST_YEARS}}
        )
    return day


def review_on_at_adoption(version, day=None):
    """The date an adopted version comes back: the one chosen when signatures were asked,
    unless it has passed meanwhile, else `SHEET_REVIEW_MONTHS` after `day` (today)."""
    day = day or timezone.localdate()
    if version.review_on and version.review_on > day:
        return version.review_on
    return default_review_on(day)


def is_due(version, day=None):
    return version.review_on is not None and version.review_on <= (day or timezone.localdate())


def _is_manager(user, role):
    return User.objects.managers_of(role.structure_id).filter(pk=user.pk).exists()


def _holds(user, role):
    return (
        RoleAssignment.objects.filter(role=role, peer_worker=user).exists()
        and Membership.objects.active().filter(structure_id=role.structure_id, user=user).exists()
    )


def _adopted(version):
    version = RoleSheetVersion.objects.select_for_update().select_related("role").get(pk=version.pk)
    if version.status != RoleSheetVersion.Status.ADOPTED:
        raise ValidationError(_("This version is no longer the adopted one: review the new one."))
    return version


def _people(role):
    managers = list(User.objects.managers_of(role.structure_id))
    holders = [a.peer_worker for a in role.assignments.select_related("peer_worker")]
    return managers, holders


@transaction.atomic
def sheet_review(*, version, by, outcome, helped="", drop="", change="", next_review_on=None):
    """`by` reviews the adopted `version`. A manager may confirm it (until `next_review_on`,
    `SHEET_REVIEW_MONTHS` from today by default), which answers the requests for an early
    review; managers and the peer workers holding the role may say it must change (then
    proposals follow) or note their views for the review."""
    version = _adopted(version)
    role = version.role
    manager = _is_manager(by, role)
    if not (manager or _holds(by, role)):
        raise PermissionDenied
    helped, drop, change = ((text or "").strip() for text in (helped, drop, change))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose what the review concludes.")})
    if outcome == Outcome.CONFIRMED and not manager:
        raise PermissionDenied
    if outcome == Outcome.CHANGES and not change:
        raise ValidationError({"change": _("Say what should change.")})
    if outcome == Outcome.NOTED and not (helped or drop or change):
        raise ValidationError({"helped": _("Answer at least one of the questions.")})
    if outcome == Outcome.CONFIRMED:
        next_review_on = check_review_on(
            next_review_on or default_review_on(), field="next_review_on"
        )
    else:
        next_review_on = None
    review = SheetReview(
        version=version,
        by=by,
        helped=helped,
        drop=drop,
        change=change,
        outcome=outcome,
        next_review_on=next_review_on,
    )
    review.full_clean(exclude=["version", "by"])
    review.save()
    managers, holders = _people(role)
    kind = {
        Outcome.CONFIRMED: RoleEvent.Kind.REVIEW_CONFIRMED,
        Outcome.CHANGES: RoleEvent.Kind.REVIEW_CHANGES,
        Outcome.NOTED: RoleEvent.Kind.REVIEW_NOTED,
    }[outcome]
    record(role.pk, by=by, kind=kind, subject=f"v{version.number}")
    context = {
        "role": role.title,
        "number": version.number,
        "reviewer": by.get_full_name(),
        "outcome": outcome,
        "helped": helped,
        "drop": drop,
        "change": change,
        "next_review_on": next_review_on,
        "link": absolute(role.get_absolute_url()),
    }
    if outcome == Outcome.CONFIRMED:
        RoleSheetVersion.objects.filter(pk=version.pk).update(review_on=next_review_on)
        EarlyReviewRequest.objects.filter(version=version, answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
        recipients = managers + holders
    else:
        recipients = managers
    notify(
        [person for person in recipients if person.pk != by.pk],
        subject=gettext_lazy("Review of the role sheet “%(role)s”"),
        template="sheets/email/sheet_reviewed.txt",
        context=context,
    )
    return review


@transaction.atomic
def early_review_ask(*, version, by, reason):
    """A peer worker holding the role asks to review the adopted `version` now: its review
    date comes to today (the date before is kept with the request), and managers are told."""
    version = _adopted(version)
    role = version.role
    if not _holds(by, role):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the sheet should be reviewed now.")})
    if EarlyReviewRequest.objects.filter(version=version, by=by, answered_at__isnull=True).exists():
        raise ValidationError(_("You have already asked for an early review of this version."))
    today = timezone.localdate()
    request = EarlyReviewRequest(
        version=version, by=by, reason=reason, review_on_before=version.review_on
    )
    request.full_clean(exclude=["version", "by"])
    request.save()
    if version.review_on is None or version.review_on > today:
        RoleSheetVersion.objects.filter(pk=version.pk).update(review_on=today)
    record(role.pk, by=by, kind=RoleEvent.Kind.EARLY_REVIEW_ASKED, subject=f"v{version.number}")
    managers, _holders = _people(role)
    notify(
        managers,
        subject=gettext_lazy("Early review asked for the role sheet “%(role)s”"),
        template="sheets/email/early_review_asked.txt",
        context={
            "role": role.title,
            "asker": by.get_full_name(),
            "reason": reason,
            "link": absolute(role.get_absolute_url()),
        },
    )
    return request


def review_line(version, day=None):
    """Where the review of an adopted version stands, in words, or ""."""
    if version is None or version.review_on is None:
        return ""
    day = day or timezone.localdate()
    when = date_format(version.review_on, "DATE_FORMAT")
    if version.review_on < day:
        return _("The review of this sheet was due on %(date)s.") % {"date": when}
    if version.review_on == day:
        return _("This sheet is to be reviewed today.")
    if version.review_on <= day + datetime.timedelta(days=settings.SHEET_REVIEW_REMINDER_DAYS):
        return _("This sheet is to be reviewed by %(date)s.") % {"date": when}
    return _("Next review of this sheet: %(date)s.") % {"date": when}

"""Periodic work, run by `manage.py run_periodic` (cron) through the tasks framework:
- check-in reminders: when a period opens, and CHECKIN_CLOSING_DAYS before it closes, to
  the peer workers holding an adopted sheet who have not checked in for it;
- review reminders: SHEET_REVIEW_REMINDER_DAYS before an adopted sheet's review date, and
  once it has come, to its managers and peer workers;
- a weekly digest of what waits, for those who chose it.

Each mail claims a mark (outbox.PeriodicMark) in the transaction that queues it: running the
work twice, or two runs at once, sends nothing twice. Reminders go to those who want an
e-mail per event; the digest gathers what waits for those who chose it."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from checkins.models import Cadence, CheckIn
from checkins.periods import period_of
from facilitation.waiting import COUNTED, Kind, waiting_items
from outbox.mail import queue
from outbox.models import MailChoice, MailPreference, PeriodicMark
from outbox.notify import absolute
from roles.models import RoleAssignment
from sheets.models import RoleSheetVersion
from structures.models import Membership, User

CHECKIN_CLOSING_DAYS = 3


def _choices(user_ids):
    rows = MailPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "choice")
    return defaultdict(lambda: MailChoice.EACH, rows)


def _send_once(key, user, subject, template, context):
    """Queue the mail unless `key` was claimed already; True if it was queued now."""
    if not (user.is_active and user.email):
        return False
    with transaction.atomic():
        _mark, created = PeriodicMark.objects.get_or_create(key=key)
        if not created:
            return False
        with translation.override(user.language or settings.LANGUAGE_CODE):
            data = {**context, "recipient": user}
            queue(to=user.email, subject=str(subject) % data, body=render_to_string(template, data))
    return True


def _holders_of_adopted(today):
    """(assignment, period start, period end) of every peer worker still a member who holds
    a role with an adopted sheet, in the period of its structure's cadence."""
    members = (
        Membership.objects.active()
        .filter(structure_id=F("structure_id"))
        .values_list("structure_id", "user_id")
    )
    active = set(members)
    assignments = (
        RoleAssignment.objects.filter(role__versions__status=RoleSheetVersion.Status.ADOPTED)
        .select_related("role__structure", "peer_worker")
        .annotate(cadence=F("role__structure__checkin_cadence__cadence"))
    )
    for assignment in assignments:
        if (assignment.role.structure_id, assignment.peer_worker_id) in active:
            start, end = period_of(today, assignment.cadence or Cadence.MONTH)
            yield assignment, start, end


def checkin_reminders(today):
    rows = list(_holders_of_adopted(today))
    done = set(
        CheckIn.objects.filter(
            period_start__gte=min((start for _a, start, _e in rows), default=today)
        ).values_list("role_id", "peer_worker_id", "period_start")
    )
    choices = _choices({a.peer_worker_id for a, _s, _e in rows})
    sent = 0
    for assignment, start, end in rows:
        person, role = assignment.peer_worker, assignment.role
        if (role.pk, person.pk, start) in done or choices[person.pk] != MailChoice.EACH:
            continue
        closing = (end - today).days < CHECKIN_CLOSING_DAYS
        context = {
            "role": role.title,
            "start": start,
            "end": end,
            "closing": closing,
            "link": absolute(reverse("checkins:form", kwargs={"role_id": role.pk})),
        }
        key = f"checkin-{'close' if closing else 'open'}:{role.pk}:{person.pk}:{start}"
        if closing:
            # Near its end, the period's opening reminder would say the same: one mail.
            PeriodicMark.objects.get_or_create(key=f"checkin-open:{role.pk}:{person.pk}:{start}")
        subject = (
            _("A few days left to say how your missions go (“%(role)s”)")
            if closing
            else _("A new period: how are your missions going? (“%(role)s”)")
        )
        sent += _send_once(key, person, subject, "www/email/checkin_reminder.txt", context)
    return sent


def review_reminders(today):
    soon = today + datetime.timedelta(days=settings.SHEET_REVIEW_REMINDER_DAYS)
    versions = list(
        RoleSheetVersion.objects.filter(status=RoleSheetVersion.Status.ADOPTED, review_on__lte=soon)
        .defer("snapshot")
        .select_related("role")
    )
    structures = {v.role.structure_id for v in versions}
    managers = defaultdict(list)
    for membership in (
        Membership.objects.active()
        .filter(structure_id__in=structures, capacity="manager")
        .select_related("user")
    ):
        managers[membership.structure_id].append(membership.user)
    holders = defaultdict(list)
    for assignment in RoleAssignment.objects.filter(
        role_id__in={v.role_id for v in versions}
    ).select_related("peer_worker"):
        holders[assignment.role_id].append(assignment.peer_worker)
    people = {p.pk for group in (*managers.values(), *holders.values()) for p in group}
    choices = _choices(people)
    sent = 0
    for version in versions:
        due = version.review_on <= today
        recipients = {
            p.pk: p for p in managers[version.role.structure_id] + holders[version.role_id]
        }
        for person in recipients.values():
            if choices[person.pk] != MailChoice.EACH:
                continue
            key = f"review-{'due' if due else 'soon'}:{version.pk}:{version.review_on}:{person.pk}"
            sent += _send_once(
                key,
                person,
                _("The role sheet “%(role)s” comes back for review"),
                "www/email/review_reminder.txt",
                {
                    "role": version.role.title,
                    "review_on": version.review_on,
                    "due": due,
                    "link": absolute(reverse("roles:review", kwargs={"role_id": version.role_id})),
                },
            )
    return sent


HEADINGS = {
    Kind.TO_DECIDE: _("Proposals waiting for your decision"),
    Kind.TO_COMMENT: _("Proposals waiting for your comment"),
    Kind.ANSWERS: _("Answers to your proposals"),
    Kind.TO_SIGN: _("Versions waiting for your signature"),
    Kind.CHANGES_ASKED: _("Changes asked before signing"),
    Kind.TO_FOLLOW_UP: _("Recommendations to follow up"),
    Kind.REVIEW_DUE: _("Structures due for a review"),
    Kind.SHEET_REVIEW_DUE: _("Role sheets due for their review"),
}


def _label(kind, obj):
    if kind in (Kind.TO_DECIDE, Kind.TO_COMMENT, Kind.ANSWERS):
        return f"{obj.get_kind_display()} — {obj.role.title}"
    if kind in (Kind.TO_SIGN, Kind.CHANGES_ASKED):
        return f"{obj.version.role.title} (v{obj.version.number})"
    if kind == Kind.TO_FOLLOW_UP:
        return obj.text[:120]
    if kind == Kind.REVIEW_DUE:
        return obj.name
    return f"{obj.role.title} (v{obj.number})"


def digests(today):
    year, week, _day = today.isocalendar()
    weekly = MailPreference.objects.filter(choice=MailChoice.WEEKLY).values("user_id")
    sent = 0
    for person in User.objects.filter(pk__in=weekly, is_active=True):
        sections = {kind: items for kind, items in waiting_items(person).items() if items}
        counted = [(kind, items) for kind, items in sections.items() if kind in COUNTED]
        if not counted:
            continue
        groups = [
            (
                HEADINGS[kind],
                [
                    (_label(kind, item.obj), absolute(item.url))
                    for item in sorted(items, key=_newest_first, reverse=True)
                ],
            )
            for kind, items in counted
        ]
        sent += _send_once(
            f"digest:{person.pk}:{year}-W{week:02d}",
            person,
            _("What waits for you on peerwork this week"),
            "www/email/digest.txt",
            {"groups": groups, "waiting_link": absolute(reverse("waiting"))},
        )
    return sent


def _newest_first(item):
    since = item.since
    if since is None:
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)
    if isinstance(since, datetime.datetime):
        return since
    return datetime.datetime.combine(since, datetime.time.min, tzinfo=datetime.UTC)


def run_periodic(day=None):
    """Every piece of periodic work, for `day` (today). {work: mails queued}."""
    today = day or timezone.localdate()
    return {
        "checkin_reminders": checkin_reminders(today),
        "review_reminders": review_reminders(today),
        "digests": digests(today),
    }


@task
def periodic():
    return run_periodic()

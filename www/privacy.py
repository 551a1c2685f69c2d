"""Privacy (RGPD): a person's own data, as a download, and the erasure of a person.

Erasing anonymises the account rather than deleting it: role sheets, proposals, decisions,
comments, signatures and history keep pointing to the (now anonymous) account, so they stay
readable, with the author shown as "Erased person" in the reader's language
(`User.get_full_name`).

About 420 lines: the download and the erasure must name every table that holds a person,
so they stay side by side.
"""

import datetime
import json
import re

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins.models import CheckIn, CheckInAnswer, CheckInExtra
from core.security_log import security_log
from facilitation.models import Recommendation, Review
from missions.models import Proposal, ProposalComment
from outbox.models import Message
from roles.history import record
from roles.models import RoleAssignment, RoleEvent
from sheets.models import Signature
from structures.models import (
    ERASED_EMAIL_DOMAIN,
    Capacity,
    FacilitatorSupport,
    Invitation,
    Membership,
)


def erased_email(user_id):
    return f"erased-{user_id}@{ERASED_EMAIL_DOMAIN}"


def _iso(value):
    return value.isoformat() if value is not None else None


# --- erasure ---------------------------------------------------------------------------------


@transaction.atomic
def person_erase(*, user, by):
    """Anonymise `user`: no name, no address, no password, no access, no role; what they wrote
    stays on the sheets under a neutral name. `by` is the admin who asked (None for the
    `anonymise_inactive` command). Idempotent.

    Every place that names the person is reached, including under names and addresses they had
    before: the history refers to them by key (their lines read "Erased person"), their
    invitations are found by who accepted them as well as by address, and the admin log's
    labels of their rows are rewritten."""

    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    # Invitations hold the address and the name typed by the inviter: those she accepted, and
    # any sent to an address she has had.
    emails = {user.email.lower()} | {
        email.lower()
        for email in Invitation.objects.filter(accepted_by=user).values_list("email", flat=True)
    }
    invitations = Invitation.objects.annotate(email_lower=Lower("email")).filter(
        Q(accepted_by=user) | Q(email_lower__in=emails)
    )
    names = _names_of(user, invitations)
    labelled = _admin_labelled_rows(user, invitations)
    if not user.is_erased:
        user.email = erased_email(user.pk)
    user.full_name = ""
    user.language = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()

    Membership.objects.filter(user=user).update(is_active=False)
    assignments = RoleAssignment.objects.filter(peer_worker=user)
    for role_id in assignments.values_list("role_id", flat=True).order_by("role_id"):
        record(role_id, by=by, kind=RoleEvent.Kind.UNASSIGNED, person=user)
    assignments.delete()
    today = timezone.localdate()
    supports = FacilitatorSupport.objects.filter(facilitator=user)
    supports.filter(start_date__gt=today).delete()
    supports.filter(Q(end_date__isnull=True) | Q(end_date__gt=today)).update(end_date=today)
    Invitation.objects.filter(pk__in=invitations, accepted_at__isnull=True).delete()
    Invitation.objects.filter(pk__in=invitations).update(email=user.email, full_name="")
    # Check-ins keep how the missions went (anonymous figures of the role), not the person's
    # own words: notes blanked, work outside the sheet removed.
    CheckInAnswer.objects.filter(checkin__peer_worker=user).exclude(note="").update(note="")
    CheckInExtra.objects.filter(checkin__peer_worker=user).delete()
    # E-mails to the person's addresses, sent or waiting: the outbox keeps no trace of them.
    Message.objects.annotate(to_lower=Lower("to")).filter(to_lower__in=emails).delete()
    # Lines written before the history referred to people by key, in the structures the
    # person belonged to (a namesake elsewhere keeps their lines).
    RoleEvent.objects.filter(
        kind__in=[RoleEvent.Kind.ASSIGNED, RoleEvent.Kind.UNASSIGNED],
        person__isnull=True,
        subject__in=names,
        role__structure__memberships__user=user,
    ).update(person=user, subject="")
    _rewrite_admin_log(labelled, names)

    security_log("erasure", user=by, target_user_id=user.pk)
    return user


def _names_of(user, invitations):
    """The names and addresses `user` has had, as far as the database remembers them: today's,
    those typed in their invitations, and the labels the admin log gave their account."""

    names = {user.full_name, user.email}
    for email, full_name in invitations.values_list("email", "full_name"):
        names |= {email, full_name}
    names |= set(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
        ).values_list("object_repr", flat=True)
    )
    return {name for name in names if name} - {erased_email(user.pk)}


def _admin_labelled_rows(user, invitations):
    """The rows about `user` that the admin log may label with their name: (model, ids)."""

    return [
        (type(user), [user.pk]),
        (Membership, list(Membership.objects.filter(user=user).values_list("pk", flat=True))),
        (
            FacilitatorSupport,
            list(FacilitatorSupport.objects.filter(facilitator=user).values_list("pk", flat=True)),
        ),
        (Invitation, list(invitations.values_list("pk", flat=True))),
        (
            RoleAssignment,
            list(RoleAssignment.objects.filter(peer_worker=user).values_list("pk", flat=True)),
        ),
        (Signature, list(Signature.objects.filter(signer=user).values_list("pk", flat=True))),
    ]


# Shorter names are not looked for inside other labels (they would match parts of words).
_SHORTEST_NAME_SEARCHED = 4


def _rewrite_admin_log(labelled, names):
    """The admin log's labels of the person's rows become the rows' labels today (with
    "Erased person" in them), or nothing for rows gone; their names anywhere else in the log
    (the label of a deleted row, an inline's label in a change message) become "Erased
    person" too. A namesake's label may lose their name the same way: the admin log is a
    trace for platform admins, the roles' history is not touched that way."""

    for model, ids in labelled:
        if not ids:
            continue
        content_type = ContentType.objects.get_for_model(model)
        current = {str(row.pk): str(row)[:200] for row in model.objects.filter(pk__in=ids)}
        for entry in LogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in ids]
        ):
            entry.object_repr = current.get(entry.object_id, "")
            entry.save(update_fields=["object_repr"])
    # Change messages are JSON: "é" is written "\\u00e9" there.
    names = names | {json.dumps(name)[1:-1] for name in names}
    searched = sorted((n for n in names if len(n) >= _SHORTEST_NAME_SEARCHED), key=len)[::-1]
    if not searched:
        return
    mention = Q()
    for name in searched:
        mention |= Q(object_repr__icontains=name) | Q(change_message__icontains=name)
    erased = str(_("Erased person"))
    for entry in LogEntry.objects.filter(mention):
        for field in ("object_repr", "change_message"):
            text = getattr(entry, field)
            for name in searched:
                text = re.sub(re.escape(name), lambda _match: erased, text, flags=re.IGNORECASE)
            setattr(entry, field, text[:200] if field == "object_repr" else text)
        entry.save(update_fields=["object_repr", "change_message"])


def inactive_accounts(days):
    """Accounts nobody has logged into for more than `days` days (since they joined when they
    never logged in), except platform admins and accounts already erased."""
    limit = timezone.now() - datetime.timedelta(days=days)
    return (
        get_user_model()
        .objects.annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=limit, is_staff=False, is_superuser=False)
        .exclude(email__iendswith="@" + ERASED_EMAIL_DOMAIN)
        .order_by("last_seen", "pk")
    )


# --- the person's own data -------------------------------------------------------------------

_EVENTS_ABOUT_PEOPLE = {"assigned", "unassigned"}


def _capacity_in_structure_of_role(field):
    """The capacity of the event's `field` (a user) in the structure of the event's role."""
    return Subquery(
        Membership.objects.filter(
            user=OuterRef(field), structure=OuterRef("role__structure")
        ).values("capacity")[:1]
    )


def _who(user_id, capacity, user):
    """A person of an event as the export shows them: "you", or someone else's capacity."""
    if user_id is None:
        return None
    if user_id == user.pk:
        return "you"
    return capacity or "other"


def account_data(user):
    """Everything the platform holds about `user` and what they wrote, as JSON-able data.

    Fourteen queries whatever the amount of data (one per list; reviews with their
    recommendations are two, check-ins with their answers and extras three)."""

    memberships = Membership.objects.filter(user=user).select_related("structure")
    supports = FacilitatorSupport.objects.filter(facilitator=user).select_related("structure")
    assignments = RoleAssignment.objects.filter(peer_worker=user).select_related("role__structure")
    proposals = Proposal.objects.filter(author=user).select_related("role")
    decisions = Proposal.objects.filter(decided_by=user).select_related("role")
    comments = ProposalComment.objects.filter(author=user).select_related("proposal__role")
    signatures = Signature.objects.filter(signer=user).select_related("version__role")
    reviews = (
        Review.objects.filter(author=user)
        .select_related("structure")
        .prefetch_related(
            Prefetch("recommendations", queryset=Recommendation.objects.order_by("position", "id"))
        )
    )
    followed_up = Recommendation.objects.filter(followed_up_by=user).select_related(
        "review__structure"
    )
    checkins = (
        CheckIn.objects.filter(peer_worker=user)
        .select_related("role")
        .prefetch_related(
            Prefetch("answers", queryset=CheckInAnswer.objects.order_by("id")),
            Prefetch("extras", queryset=CheckInExtra.objects.order_by("id")),
        )
    )
    # Other people appear as their capacity in the role's structure, never by name.
    events = (
        RoleEvent.objects.filter(Q(actor=user) | Q(person=user))
        .select_related("role")
        .annotate(
            actor_capacity=_capacity_in_structure_of_role("actor"),
            person_capacity=_capacity_in_structure_of_role("person"),
        )
    )

    return {
        "exported_at": _iso(timezone.now()),
        "user": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "is_active": user.is_active,
            "is_platform_admin": user.is_staff,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "memberships": [
            {
                "structure": m.structure.name,
                "structure_slug": m.structure.slug,
                "capacity": m.capacity,
                "is_active": m.is_active,
                "joined_at": _iso(m.joined_at),
            }
            for m in memberships.order_by("joined_at", "id")
        ],
        "facilitator_supports": [
            {
                "structure": s.structure.name,
                "structure_slug": s.structure.slug,
                "start_date": _iso(s.start_date),
                "end_date": _iso(s.end_date),
            }
            for s in supports.order_by("start_date", "id")
        ],
        "role_assignments": [
            {
                "role_id": str(a.role_id),
                "role": a.role.title,
                "structure": a.role.structure.name,
                "assigned_at": _iso(a.assigned_at),
            }
            for a in assignments.order_by("assigned_at", "id")
        ],
        "proposals": [
            {
                "id": p.pk,
                "role_id": str(p.role_id),
                "role": p.role.title,
                "kind": p.kind,
                "subject": p.subject,
                "before": p.before,
                "proposed": p.proposed,
                "rationale": p.rationale,
                "status": p.status,
                "created_at": _iso(p.created_at),
                "decided_at": _iso(p.decided_at),
                "decision_reason": p.decision_reason,
            }
            for p in proposals.order_by("created_at", "id")
        ],
        "decisions": [
            {
                "proposal_id": p.pk,
                "role_id": str(p.role_id),
                "role": p.role.title,
                "status": p.status,
                "decided_at": _iso(p.decided_at),
                "decision_reason": p.decision_reason,
            }
            for p in decisions.order_by("decided_at", "id")
        ],
        "comments": [
            {
                "proposal_id": c.proposal_id,
                "role": c.proposal.role.title,
                "body": c.body,
                "created_at": _iso(c.created_at),
            }
            for c in comments.order_by("created_at", "id")
        ],
        "signatures": [
            {
                "role_id": str(s.version.role_id),
                "role": s.version.role.title,
                "version": s.version.number,
                "decision": s.decision,
                "comment": s.comment,
                "decided_at": _iso(s.decided_at),
            }
            for s in signatures.order_by("version__requested_at", "id")
        ],
        "reviews": [
            {
                "id": r.pk,
                "structure": r.structure.name,
                "reviewed_on": _iso(r.reviewed_on),
                "notes": r.notes,
                "created_at": _iso(r.created_at),
                # The answers are the managers' words: only whether there is one.
                "recommendations": [
                    {
                        "text": rec.text,
                        "status": rec.status,
                        "answered": bool(rec.answer),
                        "followed_up_by": Capacity.MANAGER.value if rec.followed_up_by_id else None,
                    }
                    for rec in r.recommendations.all()
                ],
            }
            for r in reviews.order_by("reviewed_on", "id")
        ],
        "recommendations_followed_up": [
            {
                "review_id": rec.review_id,
                "structure": rec.review.structure.name,
                "text": rec.text,
                "status": rec.status,
                "answer": rec.answer,
                "followed_up_at": _iso(rec.followed_up_at),
            }
            for rec in followed_up.order_by("followed_up_at", "id")
        ],
        "checkins": [
            {
                "role_id": str(c.role_id),
                "role": c.role.title,
                "period_start": _iso(c.period_start),
                "period_end": _iso(c.period_end),
                "notes_shared_with_facilitator": c.share_notes,
                "answers": [
                    {
                        "mission": a.mission_title,
                        "going": a.going,
                        "time_spent": a.time_spent,
                        "note": a.note,
                    }
                    for a in c.answers.all()
                ],
                "outside_the_sheet": [
                    {"text": e.text, "minutes_per_week": e.minutes_per_week} for e in c.extras.all()
                ],
                "submitted_at": _iso(c.submitted_at),
            }
            for c in checkins.order_by("period_start", "id")
        ],
        "history": [
            {
                "role_id": str(e.role_id),
                "role": e.role.title,
                "at": _iso(e.at),
                "kind": e.kind,
                "by": _who(e.actor_id, e.actor_capacity, user),
                "about": _who(e.person_id, e.person_capacity, user),
                # Older (un)assignment lines held a name there.
                "subject": "" if e.kind in _EVENTS_ABOUT_PEOPLE else e.subject,
                "changes": e.changes,
                "within_latitude": e.within_latitude,
            }
            for e in events.order_by("at", "id")
        ],
    }

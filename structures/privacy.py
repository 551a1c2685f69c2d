"""Privacy (RGPD): a person's own data, as a download, and the erasure of a person.

Erasing anonymises the account rather than deleting it: role sheets, proposals, decisions,
comments, signatures and history keep pointing to the (now anonymous) account, so they stay
readable, with the author shown as "Erased person" in the reader's language
(`User.get_full_name`).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from outbox.models import Message
from peerwork.security_log import security_log

from .models import (
    ERASED_EMAIL_DOMAIN,
    FacilitatorSupport,
    Invitation,
    Membership,
    Recommendation,
    Review,
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
    `anonymise_inactive` command). Idempotent."""
    from roles.models import RoleAssignment, RoleEvent

    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    old_email, old_names = user.email, {user.full_name, user.email} - {""}
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
    RoleAssignment.objects.filter(peer_worker=user).delete()
    today = timezone.localdate()
    supports = FacilitatorSupport.objects.filter(facilitator=user)
    supports.filter(start_date__gt=today).delete()
    supports.filter(Q(end_date__isnull=True) | Q(end_date__gt=today)).update(end_date=today)
    # Invitations hold the address and the name typed by the inviter.
    invitations = Invitation.objects.filter(email__iexact=old_email)
    invitations.filter(accepted_at__isnull=True).delete()
    invitations.update(email=user.email, full_name="")
    # E-mails to the address, sent or waiting: the outbox keeps no trace of the person.
    Message.objects.filter(to__iexact=old_email).delete()
    # The history names the peer worker in the subject of (un)assignment events.
    RoleEvent.objects.filter(
        kind__in=[RoleEvent.Kind.ASSIGNED, RoleEvent.Kind.UNASSIGNED], subject__in=old_names
    ).update(subject="")

    security_log("erasure", user=by, target_user_id=user.pk)
    return user


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


def account_data(user):
    """Everything the platform holds about `user` and what they wrote, as JSON-able data.

    Eleven queries whatever the amount of data (one per list; reviews with their
    recommendations are two)."""
    from missions.models import Proposal, ProposalComment
    from roles.models import RoleAssignment, RoleEvent, Signature

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
    events = RoleEvent.objects.filter(actor=user).select_related("role")

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
                "recommendations": [
                    {"text": rec.text, "status": rec.status, "answer": rec.answer}
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
        "history": [
            {
                "role_id": str(e.role_id),
                "role": e.role.title,
                "at": _iso(e.at),
                "kind": e.kind,
                "subject": e.subject,
                "changes": e.changes,
                "within_latitude": e.within_latitude,
            }
            for e in events.order_by("at", "id")
        ],
    }

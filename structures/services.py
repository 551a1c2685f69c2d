"""Writes about structures and people: invitations and memberships, with their actor (`by`)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.mail import queue
from outbox.notify import absolute

from .models import Invitation, Membership, Structure


@transaction.atomic
def invitation_send(*, structure, email, capacity, full_name="", by, language):
    """Invite a colleague by e-mail. Returns the invitation; the link is only in the e-mail,
    which leaves once the invitation is committed (outbox)."""
    email = email.strip().lower()
    if Membership.objects.active().filter(structure=structure, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the structure.")})
    # Invitations to one structure are sent one at a time (a row lock on the structure), so
    # that of simultaneous invitations to one address the newest replaces the others rather
    # than breaking the one-live-invitation constraint.
    Structure.objects.select_for_update().filter(pk=structure.pk).first()
    now = timezone.now()
    Invitation.objects.live().filter(structure=structure, email__iexact=email).update(
        replaced_at=now
    )
    invitation = Invitation(
        structure=structure,
        email=email,
        full_name=full_name,
        capacity=capacity,
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    token = invitation.set_new_token()
    invitation.save()
    link = absolute(reverse("invitation_accept", kwargs={"token": token}))
    with translation.override(language):
        context = {
            "invitation": invitation,
            "link": link,
            "inviter": by,
            "valid_days": settings.INVITATION_VALID_DAYS,
        }
        queue(
            to=email,
            subject=_("You are invited to join %(structure)s on peerwork")
            % {"structure": structure.name},
            body=render_to_string("structures/email/invitation.txt", context),
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation, user=None, full_name="", password=None):
    """Join the structure. Creates the account when the person has none yet."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation link has expired or was already used."))
    User = get_user_model()
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("An account already exists for this address: log in first."))
        user = User.objects.create_user(
            invitation.email,
            password,
            full_name=full_name or invitation.full_name,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    Membership.objects.update_or_create(
        user=user,
        structure=invitation.structure,
        defaults={"capacity": invitation.capacity, "is_active": True},
        create_defaults={"capacity": invitation.capacity, "joined_at": timezone.now()},
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user

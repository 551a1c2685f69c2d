"""Inviting a colleague by e-mail, and accepting the invitation link."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import constants, get_messages
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from structures.models import Capacity, Invitation, Membership, User

from .factories import MembershipFactory, UserFactory

NEW_EMAIL = "sandrine.morel@example.org"
STRONG_PASSWORD = "Rencontrer-les-gens-2025"


def invite(client, world, email=NEW_EMAIL, capacity=Capacity.PEER_WORKER, full_name="", **extra):
    client.force_login(world.manager)
    # The e-mail leaves once the invitation is committed (the outbox).
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("structures:member_invite", args=[world.structure.slug]),
            {"email": email, "full_name": full_name, "capacity": capacity},
            **extra,
        )


def link_path(message):
    """The path of the invitation link in an e-mail."""
    match = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def make_invitation(world, email=NEW_EMAIL, expires_in=timedelta(days=14), **fields):
    """An invitation created directly, with its token (which only the e-mail normally holds)."""
    now = timezone.now()
    invitation = Invitation(
        structure=world.structure,
        email=email,
        capacity=Capacity.PEER_WORKER,
        invited_by=world.manager,
        created_at=now - timedelta(days=20),
        expires_at=now + expires_in,
        **fields,
    )
    token = invitation.set_new_token()
    invitation.save()
    return invitation, reverse("invitation_accept", args=[token])


def accept_data(full_name="Sandrine Morel", password=STRONG_PASSWORD, password2=None):
    return {
        "full_name": full_name,
        "password1": password,
        "password2": password if password2 is None else password2,
    }


def is_invalid_page(response):
    return response.status_code == 404 and "structures/invitation_invalid.html" in [
        template.name for template in response.templates
    ]


# --- sending --------------------------------------------------------------------------------


def test_manager_invites_a_colleague_by_email(client, world):
    response = invite(client, world, email="  Sandrine.Morel@Example.org ", full_name="Sandrine")

    assert response.status_code == 302
    assert response.url == world.structure.get_absolute_url()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [NEW_EMAIL]
    assert world.structure.name in message.subject
    path = link_path(message)
    assert re.fullmatch(r"/invitations/[A-Za-z0-9_-]{20,}/", path)
    invitation = Invitation.objects.get(structure=world.structure)
    assert invitation.email == NEW_EMAIL
    assert invitation.invited_by == world.manager
    assert invitation.is_usable
    # Only the hash of the token is stored: the link cannot be rebuilt from the database.
    assert invitation.token_hash not in path
    # The manager sees the pending invitation on the structure page.
    page = client.get(response.url)
    assert NEW_EMAIL in page.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_email_speaks_the_language_of_the_interface(client, world, language):
    headers = {} if language == "fr" else {"accept-language": language}
    invite(client, world, headers=headers)
    message = mail.outbox[0]
    subject_id = "You are invited to join %(structure)s on peerwork"
    with translation.override(language):
        subject = translation.gettext(subject_id) % {"structure": world.structure.name}
        hello = translation.gettext("Hello,")
    if language == "fr":  # French is the default interface, and it is translated.
        assert subject != subject_id % {"structure": world.structure.name}
    assert message.subject == subject
    assert message.body.startswith(hello)


def test_inviting_an_active_member_is_refused_without_email(client, world):
    response = invite(client, world, email=world.peer_worker.email.upper())

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_inviting_with_a_bad_address_or_capacity_is_refused(client, world):
    response = invite(client, world, email="not-an-address")
    assert "email" in response.context["form"].errors
    response = invite(client, world, capacity="boss")
    assert "capacity" in response.context["form"].errors
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_a_new_invitation_replaces_the_pending_one(client, world):
    invite(client, world)
    invite(client, world, capacity=Capacity.MANAGER)
    first, second = (link_path(message) for message in mail.outbox)
    client.logout()

    assert is_invalid_page(client.get(first))
    assert client.get(second).status_code == 200
    client.post(second, accept_data())
    membership = Membership.objects.get(user__email=NEW_EMAIL, structure=world.structure)
    assert membership.capacity == Capacity.MANAGER


def test_a_peer_worker_cannot_invite(client, world):
    client.force_login(world.peer_worker)
    response = client.post(
        reverse("structures:member_invite", args=[world.structure.slug]),
        {"email": NEW_EMAIL, "capacity": Capacity.MANAGER},
    )
    assert response.status_code == 403
    assert mail.outbox == []


# --- accepting as a newcomer ----------------------------------------------------------------


@pytest.mark.parametrize("capacity", [Capacity.PEER_WORKER, Capacity.MANAGER])
def test_newcomer_accepts_creates_account_and_joins(client, world, capacity):
    invite(client, world, capacity=capacity, full_name="Sandrine")
    path = link_path(mail.outbox[0])
    client.logout()

    page = client.get(path)
    assert page.status_code == 200
    assert page.context["form"] is not None
    assert page.context["form"]["full_name"].value() == "Sandrine"

    response = client.post(path, accept_data())

    assert response.status_code == 302
    assert response.url == world.structure.get_absolute_url()
    user = User.objects.get(email=NEW_EMAIL)
    assert user.full_name == "Sandrine Morel"
    assert user.check_password(STRONG_PASSWORD)
    membership = Membership.objects.get(user=user, structure=world.structure)
    assert membership.is_active
    assert membership.capacity == capacity
    # Logged in: the structure page opens.
    structure_page = client.get(response.url)
    assert structure_page.status_code == 200
    assert structure_page.wsgi_request.user == user
    assert Invitation.objects.get(structure=world.structure).accepted_at is not None


def test_the_link_works_only_once(client, world):
    invite(client, world)
    path = link_path(mail.outbox[0])
    client.logout()
    client.post(path, accept_data())
    client.logout()

    assert is_invalid_page(client.get(path))
    again = client.post(path, accept_data(full_name="Quelqu'un d'autre"))
    assert is_invalid_page(again)
    assert User.objects.get(email=NEW_EMAIL).full_name == "Sandrine Morel"
    assert Membership.objects.filter(user__email=NEW_EMAIL).count() == 1


def test_an_expired_link_is_not_valid(client, world):
    _invitation, path = make_invitation(world, expires_in=-timedelta(minutes=1))

    assert is_invalid_page(client.get(path))
    assert is_invalid_page(client.post(path, accept_data()))
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_an_unknown_token_is_not_valid(client, world):
    assert is_invalid_page(client.get(reverse("invitation_accept", args=["made-up-token"])))


def test_mismatched_passwords_are_refused_and_the_name_is_kept(client, world):
    _invitation, path = make_invitation(world)

    response = client.post(path, accept_data(password2=STRONG_PASSWORD + "!"))

    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert 'id="error_1_id_password2"' in response.content.decode()
    assert escape("Sandrine Morel") in response.content.decode()
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert not Membership.objects.filter(user__email=NEW_EMAIL).exists()


@pytest.mark.parametrize("password", ["1234", "password123", "azertyuiop"])
def test_a_weak_password_is_refused_and_the_name_is_kept(client, world, password):
    _invitation, path = make_invitation(world)

    response = client.post(path, accept_data(password=password))

    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert 'id="error_1_id_password1"' in response.content.decode()
    assert escape("Sandrine Morel") in response.content.decode()
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    # The link still works after a failed attempt.
    assert client.get(path).status_code == 200


def test_a_password_made_of_the_email_address_is_refused(client, world):
    _invitation, path = make_invitation(world)

    response = client.post(path, accept_data(password="sandrine.morel"))

    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_missing_name_is_refused(client, world):
    _invitation, path = make_invitation(world)
    response = client.post(path, accept_data(full_name=""))
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not User.objects.filter(email=NEW_EMAIL).exists()


# --- accepting with an existing account -----------------------------------------------------


def test_a_person_with_an_account_is_asked_to_log_in_first(client, world):
    existing = world.other_manager  # has an account, in another structure
    invite(client, world, email=existing.email, capacity=Capacity.PEER_WORKER)
    path = link_path(mail.outbox[0])
    client.logout()

    page = client.get(path)
    assert page.status_code == 200
    assert page.context["must_log_in"] is True
    assert "form" not in page.context or page.context["form"] is None
    assert f"{reverse('login')}?next=" in page.content.decode()
    # Posting without logging in does nothing (no password is set through this link).
    client.post(path, accept_data())
    assert not Membership.objects.filter(user=existing, structure=world.structure).exists()
    existing.refresh_from_db()
    assert not existing.check_password(STRONG_PASSWORD)

    client.force_login(existing)
    logged_in_page = client.get(path)
    assert logged_in_page.status_code == 200
    assert not logged_in_page.context.get("must_log_in")

    response = client.post(path)

    assert response.status_code == 302
    assert response.url == world.structure.get_absolute_url()
    membership = Membership.objects.get(user=existing, structure=world.structure)
    assert membership.is_active
    assert membership.capacity == Capacity.PEER_WORKER
    # Their other structure is untouched.
    assert Membership.objects.get(user=existing, structure=world.other_structure).capacity == (
        Capacity.MANAGER
    )
    assert client.get(response.url).status_code == 200


def test_a_former_member_is_reactivated_with_the_invited_capacity(client, world):
    former = MembershipFactory(structure=world.structure, is_active=False, manager=True).user
    _invitation, path = make_invitation(world, email=former.email)
    client.force_login(former)

    response = client.post(path)

    assert response.status_code == 302
    membership = Membership.objects.get(user=former, structure=world.structure)
    assert membership.is_active
    assert membership.capacity == Capacity.PEER_WORKER


def test_a_logged_in_person_with_another_address_cannot_accept(client, world):
    invitation, path = make_invitation(world)
    someone_else = UserFactory()
    client.force_login(someone_else)

    response = client.post(path)

    assert response.status_code == 302
    levels = [message.level for message in get_messages(response.wsgi_request)]
    assert levels == [constants.ERROR]
    assert not Membership.objects.filter(user=someone_else, structure=world.structure).exists()
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize(("accept_language", "expected"), [("en", "en"), ("", "fr")])
def test_the_new_account_keeps_the_interface_language(client, world, accept_language, expected):
    _invitation, path = make_invitation(world)
    headers = {"accept-language": accept_language} if accept_language else {}
    client.post(path, accept_data(), headers=headers)
    assert User.objects.get(email=NEW_EMAIL).language == expected

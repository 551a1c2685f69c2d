"""Privacy (RGPD): the privacy page, a person's own data, erasure, and inactive accounts."""

import datetime
import io
import json

import pytest
from django.contrib.admin import helpers
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from checkins.models import CheckIn, CheckInAnswer, CheckInExtra
from checkins.services import checkin_submit
from facilitation.reviews import recommendation_follow_up, review_create
from missions.models import Mission, Proposal
from missions.proposals import comment_add, proposal_accept, proposal_create
from roles.models import RoleAssignment, RoleEvent
from roles.services import role_assign
from sheets.versions import version_answer, version_request
from structures.models import Membership, User
from www.privacy import person_erase

from .factories import MembershipFactory, ReviewFactory, RoleFactory, UserFactory

# --- helpers ---------------------------------------------------------------------------------


def _propose(world, by, includes="Les tournées du matin"):
    values = {name: getattr(world.mission, name) for name in Mission.EDITABLE_FIELDS}
    return proposal_create(
        role=world.role,
        by=by,
        kind=Proposal.Kind.CHANGE_MISSION,
        mission=world.mission,
        rationale="Le matin, on rencontre d'autres personnes.",
        proposed=values | {"includes": includes},
    )


def _activity(world):
    """The peer worker proposes and comments, the manager decides and both sign; the facilitator
    reviews and the manager follows a recommendation up."""
    proposal = _propose(world, world.peer_worker)
    comment_add(proposal=proposal, by=world.peer_worker, body="Message de la travailleuse paire")
    comment_add(proposal=proposal, by=world.manager, body="Réponse de la responsable")
    proposal_accept(proposal=proposal, by=world.manager, reason="D'accord")
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    version_answer(version=version, by=world.peer_worker, decision="signed")
    review = review_create(
        structure=world.structure,
        by=world.facilitator,
        reviewed_on=timezone.localdate(),
        notes="Visite de l'équipe.",
        recommendations=[{"text": "Prévoir une supervision mensuelle."}],
    )
    recommendation_follow_up(
        recommendation=review.recommendations.get(), by=world.manager, status="done"
    )
    return proposal


def _download(client, user):
    client.force_login(user)
    response = client.get(reverse("account_data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return response, json.loads(response.content)


# --- the privacy page ------------------------------------------------------------------------


def test_privacy_page_is_public_and_names_the_contact(client, db, settings):
    settings.PRIVACY_CONTACT_EMAIL = "dpo@plateforme.example"
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "mailto:dpo@plateforme.example" in page
    assert str(settings.INACTIVE_ACCOUNT_DAYS) in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_privacy_page_speaks_both_languages(client, db, language):
    response = client.get(reverse("privacy"), headers={"accept-language": language})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    with translation.override(language):
        for message in ("Your data and your rights", "What is kept", "Who can see it"):
            assert translation.gettext(message) in page
    english_heading = "<h1>Your data and your rights</h1>" in page
    assert english_heading == (language == "en"), "is the French catalogue compiled?"


def test_privacy_page_is_linked_from_the_login_page_and_every_page(client, world):
    privacy = f'href="{reverse("privacy")}"'
    assert privacy in client.get(reverse("login")).content.decode()
    client.force_login(world.peer_worker)
    page = client.get(reverse("home")).content.decode()
    assert privacy in page
    assert f'href="{reverse("account")}"' in page


def test_lived_experience_fields_say_what_not_to_write():
    from roles.models import Role

    for model in (Role, Mission):
        with translation.override("en"):
            help_text = str(model._meta.get_field("lived_experience").help_text)
        assert "general terms" in help_text
        assert "diagnosis" in help_text


# --- the account page and the person's data --------------------------------------------------


def test_account_page_shows_the_person_and_their_place(client, world):
    world.peer_worker.language = "en"
    world.peer_worker.save()
    client.force_login(world.peer_worker)
    response = client.get(reverse("account"))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.peer_worker.email in page
    assert escape(world.structure.name) in page
    assert escape(world.role.title) in page
    assert "English" in page
    assert f'href="{reverse("account_data")}"' in page


def test_account_pages_need_a_login(client, db):
    for name in ("account", "account_data"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_account_data_is_complete(client, world):
    proposal = _activity(world)
    response, data = _download(client, world.peer_worker)
    assert "no-store" in response["Cache-Control"]
    person = world.peer_worker
    assert data["user"]["email"] == person.email
    assert data["user"]["full_name"] == person.full_name
    assert "password" not in json.dumps(data["user"])
    assert [m["structure_slug"] for m in data["memberships"]] == [world.structure.slug]
    assert [a["role"] for a in data["role_assignments"]] == [world.role.title]
    assert [p["id"] for p in data["proposals"]] == [proposal.pk]
    assert data["proposals"][0]["rationale"] == proposal.rationale
    assert [c["body"] for c in data["comments"]] == ["Message de la travailleuse paire"]
    assert [(s["version"], s["decision"]) for s in data["signatures"]] == [(1, "signed")]
    kinds = {event["kind"] for event in data["history"]}
    assert {RoleEvent.Kind.PROPOSAL_MADE, RoleEvent.Kind.SIGNED} <= kinds

    _, manager = _download(client, world.manager)
    assert [d["proposal_id"] for d in manager["decisions"]] == [proposal.pk]
    assert [r["status"] for r in manager["recommendations_followed_up"]] == ["done"]
    assert [c["body"] for c in manager["comments"]] == ["Réponse de la responsable"]

    _, facilitator = _download(client, world.facilitator)
    assert [r["notes"] for r in facilitator["reviews"]] == ["Visite de l'équipe."]
    assert facilitator["reviews"][0]["recommendations"][0]["text"].startswith("Prévoir")
    assert [s["structure_slug"] for s in facilitator["facilitator_supports"]] == [
        world.structure.slug
    ]


def test_account_data_holds_only_the_persons_own(client, world):
    _activity(world)
    _propose(world, world.manager, includes="Autre chose")
    _, data = _download(client, world.peer_worker)
    text = json.dumps(data, ensure_ascii=False)
    for other in (world.manager, world.facilitator, world.other_peer_worker):
        assert other.email not in text
    assert "Réponse de la responsable" not in text
    assert "Visite de l'équipe." not in text
    assert "Autre chose" not in text
    actors = {event["kind"] for event in data["history"]}
    assert RoleEvent.Kind.PROPOSAL_ACCEPTED not in actors  # the manager's act, not theirs


# Session, user, the request's savepoint pair (ATOMIC_REQUESTS), then account_data's fourteen
# queries (eleven lists, the recommendations of the reviews, the check-ins' answers and extras).
ACCOUNT_DATA_QUERIES = 18


@pytest.mark.parametrize("size", [1, 5])
def test_account_data_costs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, size
):
    for index in range(size):
        role = RoleFactory(structure=world.structure, with_missions=1)
        role_assign(role=role, peer_worker=world.peer_worker, by=world.manager)
        proposal = _propose(world, world.peer_worker, includes=f"Changement {index}")
        comment_add(proposal=proposal, by=world.peer_worker, body=f"Message {index}")
        version = version_request(role=role, by=world.manager)
        version_answer(version=version, by=world.peer_worker, decision="signed")
        MembershipFactory(user=world.peer_worker)
        ReviewFactory(structure=world.structure, author=world.peer_worker, with_recommendations=2)
        checkin = CheckIn.objects.create(
            role=role,
            peer_worker=world.peer_worker,
            version=version,
            period_start=datetime.date(2026, 1 + index, 1),
            period_end=datetime.date(2026, 1 + index, 28),
            submitted_at=timezone.now(),
        )
        CheckInAnswer.objects.create(
            checkin=checkin, mission_title="M", going="hard", time_spent="more", note="N"
        )
        CheckInExtra.objects.create(checkin=checkin, text="Autre", minutes_per_week=10)
    client.force_login(world.peer_worker)
    with django_assert_num_queries(ACCOUNT_DATA_QUERIES):
        response = client.get(reverse("account_data"))
    data = json.loads(response.content)
    assert len(data["proposals"]) == size
    assert len(data["signatures"]) == size
    assert len(data["memberships"]) == size + 1
    assert len(data["reviews"]) == size
    assert len(data["checkins"]) == size
    assert data["checkins"][0]["answers"][0]["note"] == "N"
    assert data["checkins"][0]["outside_the_sheet"] == [{"text": "Autre", "minutes_per_week": 10}]


# --- erasure ---------------------------------------------------------------------------------


def _admin_erase(client, admin, people, confirm=True):
    client.force_login(admin)
    data = {
        "action": "erase_people",
        helpers.ACTION_CHECKBOX_NAME: [person.pk for person in people],
    }
    if confirm:
        data["post"] = "yes"
    return client.post(reverse("admin:structures_user_changelist"), data)


def test_admin_asks_for_a_confirmation_before_erasing(client, world):
    response = _admin_erase(client, world.admin, [world.peer_worker], confirm=False)
    assert response.status_code == 200
    assert world.peer_worker.email in response.content.decode()
    world.peer_worker.refresh_from_db()
    assert world.peer_worker.is_active
    assert not world.peer_worker.is_erased


def test_admin_cannot_erase_themselves(client, world):
    _admin_erase(client, world.admin, [world.admin])
    world.admin.refresh_from_db()
    assert world.admin.is_active
    assert not world.admin.is_erased


def test_erasure_keeps_sheets_readable_with_the_author_pseudonymised(client, world, caplog):
    proposal = _activity(world)
    person = world.peer_worker
    old_email, old_name = person.email, person.full_name
    person_client = type(client)()
    person_client.force_login(person)

    caplog.set_level("INFO", logger="peerwork.security")
    response = _admin_erase(client, world.admin, [person])
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.is_erased
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert person.full_name == ""
    assert person.language == ""
    assert not person.has_usable_password()
    assert not person.is_active
    assert not Membership.objects.filter(user=person, is_active=True).exists()
    assert not RoleAssignment.objects.filter(peer_worker=person).exists()
    assert not RoleEvent.objects.filter(subject=old_name).exists()
    # The security log says who erased whom, by ids only.
    lines = [r.getMessage() for r in caplog.records if r.name == "peerwork.security"]
    erasures = [json.loads(line) for line in lines if '"erasure"' in line]
    assert erasures and erasures[-1]["target_user_id"] == person.pk
    assert old_email not in "\n".join(lines)

    # What they wrote stays, pointing to the anonymous account.
    proposal.refresh_from_db()
    assert proposal.author_id == person.pk
    assert proposal.comments.filter(author=person).exists()
    client.force_login(world.manager)
    pages = [
        (proposal.get_absolute_url(), "en"),
        (reverse("roles:history", kwargs={"role_id": world.role.pk}), "en"),
        (reverse("roles:version", kwargs={"role_id": world.role.pk, "number": 1}), "fr"),
    ]
    for url, language in pages:
        response = client.get(url, headers={"accept-language": language})
        assert response.status_code == 200, url
        page = response.content.decode()
        assert escape(old_name) not in page and old_email not in page, url
        with translation.override(language):
            assert translation.gettext("Erased person") in page, url
    assert (
        "Message de la travailleuse paire"
        in client.get(proposal.get_absolute_url()).content.decode()
    )

    # They can no longer log in, and their open session ends.
    response = person_client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = type(client)().post(
        reverse("login"), {"username": old_email, "password": "password"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in response.wsgi_request.session


def test_erasure_is_idempotent(world):
    person_erase(user=world.peer_worker, by=None)
    email = User.objects.get(pk=world.peer_worker.pk).email
    person_erase(user=world.peer_worker, by=None)
    assert User.objects.get(pk=world.peer_worker.pk).email == email


# --- inactive accounts -----------------------------------------------------------------------


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def sleepers(db):
    old = UserFactory(last_login=_days_ago(800), date_joined=_days_ago(1000))
    never = UserFactory(last_login=None, date_joined=_days_ago(800))
    recent = UserFactory(last_login=_days_ago(10), date_joined=_days_ago(1000))
    joined_recently = UserFactory(last_login=None, date_joined=_days_ago(10))
    staff = UserFactory(platform_admin=True, last_login=_days_ago(900))
    return old, never, recent, joined_recently, staff


def _run(*args):
    out = io.StringIO()
    call_command("anonymise_inactive", *args, stdout=out)
    return out.getvalue()


def test_anonymise_inactive_lists_then_applies(sleepers, settings):
    settings.INACTIVE_ACCOUNT_DAYS = 730
    old, never, recent, joined_recently, staff = sleepers

    listing = _run()
    for person in (old, never):
        assert person.email in listing
    for person in (recent, joined_recently, staff):
        assert person.email not in listing
    assert "--apply" in listing
    assert User.objects.filter(email__endswith="@erased.invalid").count() == 0

    _run("--apply")
    for person in (old, never):
        person.refresh_from_db()
        assert person.is_erased and not person.is_active and not person.has_usable_password()
    for person in (recent, joined_recently, staff):
        person.refresh_from_db()
        assert not person.is_erased and person.is_active
    assert "No account" in _run()  # already erased accounts are not listed again


def test_anonymise_inactive_period_is_configurable(sleepers, settings):
    old, never, recent, joined_recently, staff = sleepers
    listing = _run("--days", "5")
    for person in (old, never, recent, joined_recently):
        assert person.email in listing
    assert staff.email not in listing
    settings.INACTIVE_ACCOUNT_DAYS = 900
    listing = _run()
    assert old.email not in listing and never.email not in listing


def test_erasure_keeps_check_in_figures_not_the_persons_words(world):
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    version_answer(version=version, by=world.peer_worker, decision="signed")
    answers = {m.pk: ("drifting", "more", "Mes mots à moi") for m in world.role.missions.all()}
    checkin = checkin_submit(
        role=world.role, by=world.peer_worker, answers=answers, extras=[("Le standard", 60)]
    )
    person_erase(user=world.peer_worker, by=world.admin)
    assert set(checkin.answers.values_list("going", "note")) == {("drifting", "")}
    assert not checkin.extras.exists()

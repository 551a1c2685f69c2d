"""The adversarial suite: what someone who is in, but not where they belong, can try.

- every URL of the app with another structure's ids: 404, never a page or a 403 (0 leaks);
- extra POST fields naming another structure, author, status, revision, version, role…:
  they change nothing (the same POST without them gives exactly the same database);
- POST without a CSRF token: refused (403) everywhere, nothing changed;
- XSS payloads saved in every text field: escaped on every page that shows them;
- every form fuzzed with random values (hypothesis), DEBUG off: never a 500;
- every text field of every form given what once broke the database (a look-alike title, a
  line break, a 300-character address, an over-long text): never a 500.

The URLs and the builders of their arguments are the permission matrix's (test_permissions.py).

Over 800 lines: one module per feature, and this feature is every URL and form under attack.
"""

import json
import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.fragments import CSRF_PLACEHOLDER
from facilitation.models import Recommendation, Review
from missions.models import DailyTask, Mission, Proposal, ProposalComment, ReferenceMission
from missions.proposals import comment_add, proposal_create, proposal_decline
from missions.services import mission_update, task_update
from roles.models import Role, RoleAssignment, RoleEvent
from roles.services import role_update
from sheets.models import RoleSheetVersion, Signature
from sheets.versions import version_answer, version_request
from structures.models import Capacity, Invitation, Membership, Structure, User

from .conftest import World
from .factories import (
    FacilitatorSupportFactory,
    MembershipFactory,
    RecommendationFactory,
    ReviewFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StructureFactory,
    UserFactory,
)
from .test_permissions import (
    EXPECTED,
    OK,
    URLS,
    _assignment,
    _membership,
    _nothing,
    _recommendation,
    _review,
    world_state,
)

# --- a second, complete structure: the one the attacker reaches for -------------------------


def make_world(name, slug):
    """Like the `world` fixture (conftest.py), around another structure."""
    structure = StructureFactory(name=name, slug=slug)
    elsewhere = StructureFactory()
    manager = MembershipFactory(structure=structure, capacity=Capacity.MANAGER).user
    peer_worker = MembershipFactory(structure=structure).user
    other_peer_worker = MembershipFactory(structure=structure).user
    facilitator = FacilitatorSupportFactory(structure=structure).facilitator
    other_facilitator = FacilitatorSupportFactory(structure=structure, ended=True).facilitator
    role = RoleFactory(structure=structure, with_missions=2)
    RoleAssignmentFactory(role=role, peer_worker=peer_worker)
    mission = role.missions.first()
    return World(
        structure=structure,
        role=role,
        mission=mission,
        task=mission.tasks.first(),
        manager=manager,
        peer_worker=peer_worker,
        other_peer_worker=other_peer_worker,
        other_manager=MembershipFactory(structure=elsewhere, capacity=Capacity.MANAGER).user,
        facilitator=facilitator,
        other_facilitator=other_facilitator,
        admin=UserFactory(platform_admin=True),
        other_structure=elsewhere,
    )


@pytest.fixture
def theirs(world):
    """Structure B, with its own people, role sheet, proposals, versions and reviews."""
    return make_world("CSAPA Le Large", "le-large")


def with_ids(url):
    return url.kwargs is not _nothing


def ok_actor(url, prefer=("manager", "peer_worker", "facilitator", "admin")):
    """Someone for whom the URL works (the POST is valid and allowed)."""
    return next(actor for actor in prefer if EXPECTED[url.kind][actor] == OK)


def build(world, url):
    """The URL and POST data for `world` (the builders create what they need, once)."""
    return reverse(url.name, kwargs=url.kwargs(world)), url.data(world)


# --- 1. other structures' ids: 0 leaks -----------------------------------------------------


@pytest.mark.parametrize("url", [u for u in URLS if with_ids(u)], ids=str)
def test_other_structures_ids_answer_404(client, world, theirs, url):
    """A manager of structure A tries every URL with structure B's ids."""
    path, data = build(theirs, url)
    before = world_state(theirs)
    client.force_login(world.manager)
    response = getattr(client, url.method)(path, data)
    assert response.status_code == 404, path
    assert theirs.structure.name not in response.content.decode()
    assert world_state(theirs) == before


def _mixed(world, theirs, url):
    """Each id of B in a URL otherwise about A (A's role with B's assignment…)."""
    mine, other = url.kwargs(world), url.kwargs(theirs)
    for key in list(mine)[1:]:
        if mine[key] != other[key]:
            yield key, mine | {key: other[key]}


# URLs with a structure's own id and another inside it (a role and one of its assignments…).
NESTED = [u for u in URLS if u.kwargs in (_membership, _assignment, _review, _recommendation)]


@pytest.mark.parametrize("url", NESTED, ids=str)
def test_ids_of_another_structure_inside_an_own_url_answer_404(client, world, theirs, url):
    mixed = list(_mixed(world, theirs, url))
    assert mixed
    client.force_login(world.manager)
    before = world_state(theirs)
    for key, kwargs in mixed:
        response = getattr(client, url.method)(reverse(url.name, kwargs=kwargs), url.data(world))
        assert response.status_code == 404, key
    assert world_state(theirs) == before


@pytest.mark.parametrize("actor", ["manager", "peer_worker", "facilitator", "admin"])
def test_pages_without_ids_show_nothing_of_other_structures(client, world, theirs, actor):
    secrets = [
        theirs.structure.name,
        theirs.role.title,
        theirs.mission.title,
        theirs.manager.full_name,
        theirs.peer_worker.full_name,
    ]
    client.force_login(getattr(world, actor))
    for url in [u for u in URLS if not with_ids(u) and u.method == "get"]:
        response = client.get(reverse(url.name), follow=True)
        page = response.content.decode()
        for secret in secrets:
            assert escape(secret) not in page, (url.name, secret)


# --- 2. extra POST fields change nothing -----------------------------------------------------


def _rows(queryset, *fields):
    return sorted(
        tuple(
            json.dumps(value, sort_keys=True, default=str)
            if isinstance(value, dict | list)
            else value
            for value in row
        )
        for row in queryset.values_list(*fields)
    )


def content_state():
    """Everything a POST could change, without the ids of new rows or timestamps, so that two
    runs of the same POST compare equal."""
    return {
        "structures": _rows(Structure.objects, "pk", "name", "slug", "kind"),
        "roles": _rows(Role.objects, "structure_id", "revision", *Role.EDITABLE_FIELDS),
        # A role by its structure and title (unique there), not by the id a new role gets.
        "missions": _rows(
            Mission.objects,
            "role__structure_id",
            "role__title",
            "position",
            "revision",
            *Mission.EDITABLE_FIELDS,
        ),
        "tasks": _rows(
            DailyTask.objects,
            "mission__role__structure_id",
            "mission__role__title",
            "mission__title",
            "position",
            "revision",
            *DailyTask.EDITABLE_FIELDS,
        ),
        "assignments": _rows(RoleAssignment.objects, "role_id", "peer_worker_id"),
        "memberships": _rows(
            Membership.objects, "user_id", "structure_id", "capacity", "is_active"
        ),
        "users": _rows(User.objects, "email", "is_active", "is_staff", "is_superuser"),
        "invitations": _rows(
            Invitation.objects, "structure_id", "email", "full_name", "capacity", "invited_by_id"
        ),
        "proposals": _rows(
            Proposal.objects,
            "role_id",
            "author_id",
            "kind",
            "status",
            "mission__title",
            "subject",
            "rationale",
            "before",
            "proposed",
            "base_revision",
            "decided_by_id",
            "decision_reason",
        ),
        "comments": _rows(ProposalComment.objects, "proposal_id", "author_id", "body"),
        "versions": _rows(
            RoleSheetVersion.objects, "role_id", "number", "status", "requested_by_id"
        ),
        "signatures": _rows(
            Signature.objects,
            "version__role_id",
            "version__number",
            "signer_id",
            "decision",
            "comment",
        ),
        "reviews": _rows(Review.objects, "structure_id", "author_id", "reviewed_on", "notes"),
        "recommendations": _rows(
            Recommendation.objects,
            "review__structure_id",
            "text",
            "role_id",
            "mission_id",
            "status",
            "answer",
            "followed_up_by_id",
        ),
        "events": _rows(
            RoleEvent.objects,
            "role__structure_id",
            "role__title",
            "actor_id",
            "kind",
            "subject",
            "changes",
            "within_latitude",
        ),
    }


def extra_fields(world, theirs):
    """Fields no form of the app has, naming what an attacker would like to set."""
    return {
        "structure": theirs.structure.pk,
        "structure_id": theirs.structure.pk,
        "slug": theirs.structure.slug,
        "role": str(theirs.role.pk),
        "role_id": str(theirs.role.pk),
        "mission": theirs.mission.pk,
        "mission_id": theirs.mission.pk,
        "task": theirs.task.pk,
        "task_id": theirs.task.pk,
        "review": 1,
        "author": theirs.manager.pk,
        "author_id": theirs.manager.pk,
        "user": theirs.manager.pk,
        "user_id": theirs.manager.pk,
        "by": theirs.manager.pk,
        "actor": theirs.manager.pk,
        "signer": theirs.manager.pk,
        "created_by": theirs.manager.pk,
        "updated_by": theirs.manager.pk,
        "requested_by": theirs.manager.pk,
        "decided_by": theirs.manager.pk,
        "invited_by": theirs.manager.pk,
        "followed_up_by": theirs.manager.pk,
        "peer_worker": theirs.peer_worker.pk,
        "status": "accepted",
        "kind": "remove_mission",
        "revision": 999,
        "base_revision": 999,
        "version": 999,
        "number": 999,
        "position": -1,
        "latitude": "autonomous",
        "capacity": Capacity.MANAGER,
        "is_active": "false",
        "is_staff": "on",
        "is_superuser": "on",
        "before": "{}",
        "proposed": '{"title": "pwned"}',
        "snapshot": "{}",
        "decided_at": "2000-01-01T00:00:00Z",
        "accepted_at": "2000-01-01T00:00:00Z",
        "expires_at": "2100-01-01T00:00:00Z",
    }


POSTS = [u for u in URLS if u.method == "post"]
# Peer workers first: the proposal forms are theirs, and an author or a status is what they
# could be tempted to set.
ATTACKERS = ("peer_worker", "manager", "facilitator")


def _post_and_look(client, path, data):
    sent = len(mail.outbox)
    response = client.post(path, data)
    return response.status_code, content_state(), len(mail.outbox) - sent


@pytest.mark.parametrize("url", POSTS, ids=str)
def test_extra_post_fields_change_nothing(client, world, theirs, url):
    actor = ok_actor(url, ATTACKERS)
    client.force_login(getattr(world, actor))
    path, data = build(world, url)
    extras = {k: v for k, v in extra_fields(world, theirs).items() if k not in data}

    with transaction.atomic():
        plain = _post_and_look(client, path, data)
        transaction.set_rollback(True)
    tampered = _post_and_look(client, path, data | extras)

    assert plain[0] == 302, "the plain POST must work for the comparison to mean anything"
    assert tampered[0] == plain[0] and tampered[2] == plain[2]
    for key in plain[1]:
        assert tampered[1][key] == plain[1][key], key


def test_role_edit_cannot_move_the_role_to_another_structure(client, world, theirs):
    client.force_login(world.manager)
    path = reverse("roles:edit", kwargs={"role_id": world.role.pk})
    # An empty field is posted as "" (contracted hours are None until given).
    data = {name: getattr(world.role, name) or "" for name in Role.EDITABLE_FIELDS}
    data |= {"title": "Nouveau titre", "revision": world.role.revision}
    response = client.post(path, data | {"structure": theirs.structure.pk, "revision": 1})
    assert response.status_code == 302
    world.role.refresh_from_db()
    assert world.role.structure_id == world.structure.pk
    assert world.role.title == "Nouveau titre"
    assert world.role.revision == 2
    assert list(theirs.structure.roles.all()) == [theirs.role]


def test_mission_edit_cannot_move_the_mission_to_another_role(client, world, theirs):
    client.force_login(world.manager)
    path = reverse("missions:mission_edit", kwargs={"mission_id": world.mission.pk})
    data = {name: getattr(world.mission, name) for name in Mission.EDITABLE_FIELDS}
    data |= {"title": "Autre titre", "revision": world.mission.revision}
    response = client.post(path, data | {"role": theirs.role.pk, "role_id": theirs.role.pk})
    assert response.status_code == 302
    world.mission.refresh_from_db()
    assert world.mission.role_id == world.role.pk
    assert world.mission.title == "Autre titre"
    assert theirs.role.missions.count() == 2


def test_a_proposal_cannot_choose_its_author_or_its_status(client, world, theirs):
    client.force_login(world.peer_worker)
    path = reverse("missions:propose_mission_add", kwargs={"role_id": world.role.pk})
    data = {
        "title": "Tenir une permanence au local",
        "description": "Accueillir les personnes.",
        "lived_experience": "",
        "includes": "",
        "excludes": "",
        "latitude": "in_pair",
        "rationale": "Les personnes le demandent.",
        "send": "1",
    }
    extras = {
        "author": world.manager.pk,
        "author_id": world.manager.pk,
        "status": Proposal.Status.ACCEPTED,
        "decided_by": world.manager.pk,
        "role": str(theirs.role.pk),
        "kind": Proposal.Kind.REMOVE_MISSION,
    }
    assert client.post(path, data | extras).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.author == world.peer_worker
    assert proposal.status == Proposal.Status.OPEN
    assert proposal.decided_by is None
    assert proposal.role == world.role
    assert proposal.kind == Proposal.Kind.ADD_MISSION
    assert world.role.missions.count() == 2  # not applied


def test_signing_cannot_pick_another_version(client, world, theirs):
    mine = version_request(role=world.role, by=world.manager)
    version_request(role=theirs.role, by=theirs.manager)
    client.force_login(world.manager)
    path = reverse("roles:version_answer", kwargs={"role_id": world.role.pk, "number": 1})
    other_version = RoleSheetVersion.objects.get(role=theirs.role)
    response = client.post(
        path,
        {"decision": Signature.Decision.SIGNED, "version": other_version.pk, "signer": 1},
    )
    assert response.status_code == 302
    assert mine.signatures.get(signer=world.manager).decision == Signature.Decision.SIGNED
    assert set(other_version.signatures.values_list("decision", flat=True)) == {
        Signature.Decision.PENDING
    }


# --- 3. CSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", POSTS, ids=str)
def test_post_without_csrf_token_is_refused(world, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(getattr(world, ok_actor(url)))
    path, data = build(world, url)
    before = world_state(world)
    response = client.post(path, data)
    assert response.status_code == 403
    assert world_state(world) == before


def test_public_posts_without_csrf_token_are_refused(world):
    invitation = Invitation(
        structure=world.structure,
        email="new@example.org",
        capacity=Capacity.PEER_WORKER,
        invited_by=world.manager,
        created_at=timezone.now(),
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    token = invitation.set_new_token()
    invitation.save()
    posts = [
        (reverse("login"), {"username": world.manager.email, "password": "password"}),
        (reverse("password_reset"), {"email": world.manager.email}),
        (reverse("set_language"), {"language": "en", "next": "/"}),
        (
            reverse("invitation_accept", kwargs={"token": token}),
            {"full_name": "X", "password1": "a-long-pass-2026", "password2": "a-long-pass-2026"},
        ),
        (
            reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"}),
            {"new_password1": "a-long-pass-2026", "new_password2": "a-long-pass-2026"},
        ),
    ]
    client = Client(enforce_csrf_checks=True)
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    assert "_auth_user_id" not in client.session
    assert mail.outbox == []
    assert not User.objects.filter(email="new@example.org").exists()
    # Logging out is a POST too: without the token, the person stays logged in.
    client.force_login(world.manager)
    assert client.post(reverse("logout")).status_code == 403
    assert client.get(reverse("home")).status_code == 200


# --- 4. XSS ----------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = ["<script>alert(1)", "<img src=x onerror"]


def xss(label):
    return f"xss-{label}-{SCRIPT}{IMG}"


@pytest.fixture
def poisoned(world):
    """Every text field people type, filled with XSS payloads, through the services (so the
    history, the versions and the proposals carry them too)."""
    w = world
    role_values = {
        name: xss(f"role-{name}") for name in Role.EDITABLE_FIELDS if name != "contracted_hours"
    }
    role_update(role=w.role, by=w.manager, revision=w.role.revision, **role_values)
    mission_values = {
        name: xss(f"mission-{name}") for name in Mission.EDITABLE_FIELDS if name != "latitude"
    }
    mission_update(
        mission=w.mission,
        by=w.manager,
        revision=w.mission.revision,
        **mission_values,
        latitude=w.mission.latitude,
    )
    task_update(task=w.task, by=w.manager, revision=w.task.revision, action=xss("task-action"))
    for person, label in [(w.manager, "manager"), (w.peer_worker, "peer"), (w.facilitator, "fac")]:
        person.full_name = xss(f"name-{label}")
        person.save(update_fields=["full_name"])
    w.structure.city = xss("structure-city")
    w.structure.save(update_fields=["city"])

    w.mission.refresh_from_db()
    proposal = proposal_create(
        role=w.role,
        by=w.peer_worker,
        kind=Proposal.Kind.CHANGE_MISSION,
        mission=w.mission,
        rationale=xss("proposal-rationale"),
        proposed={name: getattr(w.mission, name) for name in Mission.EDITABLE_FIELDS}
        | {"includes": xss("proposed-includes")},
    )
    comment_add(proposal=proposal, by=w.facilitator, body=xss("comment"))
    declined = proposal_create(
        role=w.role,
        by=w.peer_worker,
        kind=Proposal.Kind.ADD_TASK,
        mission=w.mission,
        rationale=xss("declined-rationale"),
        proposed={"action": xss("proposed-task"), "frequency": "daily", "duration_minutes": 6},
    )
    proposal_decline(proposal=declined, by=w.manager, reason=xss("decline-reason"))
    version = version_request(role=w.role, by=w.manager)
    version_answer(
        version=version,
        by=w.peer_worker,
        decision=Signature.Decision.CHANGES_REQUESTED,
        comment=xss("signature-comment"),
    )
    review = ReviewFactory(structure=w.structure, author=w.facilitator, notes=xss("review-notes"))
    RecommendationFactory(
        review=review,
        role=w.role,
        text=xss("recommendation-text"),
        status="answered",
        answer=xss("recommendation-answer"),
        followed_up_by=w.manager,
        followed_up_at=timezone.now(),
    )
    invitation = Invitation(
        structure=w.structure,
        email="invited@example.org",
        full_name=xss("invitation-name"),
        capacity=Capacity.PEER_WORKER,
        invited_by=w.manager,
        created_at=timezone.now(),
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )
    w.invitation_token = invitation.set_new_token()
    invitation.save()
    w.proposal, w.declined, w.review, w.version = proposal, declined, review, version
    w.recommendation = review.recommendations.get()
    ReferenceMission.objects.filter(pk=ReferenceMission.objects.first().pk).update(
        title=xss("reference-title"), description=xss("reference-description")
    )
    return w


LABELS = (
    [f"role-{name}" for name in Role.EDITABLE_FIELDS if name != "contracted_hours"]
    + [f"mission-{name}" for name in Mission.EDITABLE_FIELDS if name != "latitude"]
    + ["task-action", "name-manager", "name-peer", "name-fac", "structure-city"]
    + ["proposal-rationale", "proposed-includes", "comment", "declined-rationale"]
    + ["proposed-task", "decline-reason", "signature-comment", "review-notes"]
    + ["recommendation-text", "recommendation-answer", "reference-title"]
    + ["reference-description", "invitation-name"]
)


def assert_escaped(response, where):
    page = response.content.decode()
    for raw in RAW:
        assert raw not in page, f"unescaped payload on {where}"
    return page


def test_xss_payloads_are_escaped_on_every_page(world, poisoned):
    pages = {}
    compare = reverse("roles:version_compare", kwargs={"role_id": world.role.pk})
    extra_pages = [
        f"{compare}?from=1&to=draft",
        reverse("roles:versions", kwargs={"role_id": world.role.pk}),
        reverse("missions:proposals", kwargs={"role_id": world.role.pk}),
        reverse("missions:proposal", kwargs={"proposal_id": world.proposal.pk}),
        reverse("missions:proposal", kwargs={"proposal_id": world.declined.pk}),
        reverse("missions:library", kwargs={"role_id": world.role.pk}),
    ]
    gets = [u for u in URLS if u.method == "get" and u.name != "roles:pdf"]
    for actor in ("manager", "peer_worker", "facilitator"):
        client = Client()
        client.force_login(getattr(world, actor))
        paths = [reverse(u.name, kwargs=u.kwargs(world)) for u in gets] + extra_pages
        for path in paths:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages[(actor, path)] = assert_escaped(response, (actor, path))
    invitation = reverse("invitation_accept", kwargs={"token": world.invitation_token})
    pages[("anonymous", invitation)] = assert_escaped(Client().get(invitation), invitation)
    everything = "\n".join(pages.values())
    # A proposal marks its changed words inside the text: read it as the proposed text reads.
    everything = re.sub(
        r'<del>.*?</del>|</?ins>|<span class="visually-hidden">(\[[^<]*|\])</span>',
        "",
        everything,
        flags=re.S,
    )
    missing = [label for label in LABELS if escape(xss(label)) not in everything]
    assert missing == [], f"never shown (escaped) on any page: {missing}"


def test_xss_payloads_are_escaped_in_previews_and_form_errors(client, world, poisoned):
    client.force_login(world.peer_worker)
    mission = Mission.objects.get(pk=world.mission.pk)
    values = {name: getattr(mission, name) for name in Mission.EDITABLE_FIELDS}
    preview = client.post(
        reverse("missions:propose_mission_change", kwargs={"mission_id": mission.pk}),
        values
        | {
            "excludes": xss("preview-excludes"),
            "rationale": xss("preview-rationale"),
            "revision": mission.revision,
        },
    )
    assert preview.status_code == 200
    page = assert_escaped(preview, "preview")
    assert escape(xss("preview-excludes")) in page

    client.force_login(world.manager)
    invalid = client.post(
        reverse("missions:mission_new", kwargs={"role_id": world.role.pk}),
        {"title": "", "description": xss("invalid-description"), "latitude": "nonsense"},
    )
    assert invalid.status_code == 200
    page = assert_escaped(invalid, "form with errors")
    assert escape(xss("invalid-description")) in page


# --- 5. fuzzing every form -------------------------------------------------------------------

# Fields some views read besides the form's own (buttons, steps, formsets).
_VIEW_FIELDS = {
    "propose": ["send"],
    "facilitation:review_new": ["more", "recommendations-0-role", "recommendations-0-mission"],
    "facilitation:recommendation_follow_up": ["answer"],
    "missions:proposal_accept": ["reason", "seen"],
    "roles:version_answer": ["comment"],
}
# Forms read from the query string.
QUERY_FORMS = {
    "portfolio": ["sort", "warnings_only"],
    "roles:version_compare": ["from", "to"],
    "roles:history": ["page"],
    "missions:library": ["suits"],
}

_SPECIAL = [
    "",
    " ",
    "\x00",
    "0",
    "-1",
    "1e309",
    "NaN",
    "9" * 40,
    "draft",
    "true",
    "on",
    "2026-02-30",
    "00000000-0000-0000-0000-000000000000",
    "../../etc/passwd",
    "%s%n",
    "{{ 7*7 }}",
    SCRIPT,
    # Database trouble (test_db_trouble.py): a look-alike title, a line break in a title, an
    # address longer than its column, a text longer than TEXT_MAX_LENGTH.
    "\u212aiosque",
    "Titre\nBcc: tous@example.org",
    "a" * 288 + "@example.org",
    "x" * 4001,
]
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
_VALUE = st.one_of(
    st.none(),
    _TEXT,
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(_SPECIAL),
    st.lists(st.sampled_from(_SPECIAL), min_size=2, max_size=3),
)


def _view_fields(url, valid):
    return [
        name
        for name in _VIEW_FIELDS.get(url.name, []) + _VIEW_FIELDS.get(url.kind, [])
        if name not in valid
    ]


@st.composite
def form_data(draw, fields, valid, view_fields=()):
    """What a form might receive: either valid data with one field broken (which reaches the
    code behind the form), or every field valid, missing or random. The view's own fields
    (buttons, steps) come and go with random values."""
    if fields and draw(st.booleans()):
        data = {name: valid[name] for name in fields if name in valid}
        target = draw(st.sampled_from(fields))
        data.pop(target, None)
        value = draw(_VALUE)
        if value is not None:
            data[target] = value
    else:
        data = {}
        for name in fields:
            choice = draw(st.sampled_from(["random", "valid", "missing"]))
            value = valid.get(name) if choice == "valid" else draw(_VALUE)
            if choice != "missing" and value is not None:
                data[name] = value
    for name in view_fields:
        if draw(st.booleans()):
            data[name] = draw(st.one_of(st.just("1"), _VALUE.filter(lambda v: v is not None)))
    return data


FUZZ = hypothesis_settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def fuzz(request_data, strategy, n_fields):
    """Run `request_data(data)` on examples of `strategy`, more for forms with more fields
    (about 50 ms each: the whole file stays well under a minute)."""
    settings = hypothesis_settings(FUZZ, max_examples=min(30, 6 + 3 * n_fields))
    with override_settings(DEBUG=False):
        settings(given(strategy)(request_data))()


def _send(client, method, path, data):
    """One request, undone afterwards, so that every example starts from the same world."""
    with transaction.atomic():
        response = getattr(client, method)(path, data)
        transaction.set_rollback(True)
    assert response.status_code < 500


@pytest.mark.parametrize("url", POSTS, ids=str)
def test_fuzzed_posts_never_give_a_server_error(client, world, url):
    client.force_login(getattr(world, ok_actor(url)))
    path, valid = build(world, url)
    fields, extra = list(valid), _view_fields(url, valid)
    fuzz(
        lambda data: _send(client, "post", path, data),
        form_data(fields, valid, extra),
        len(fields) + len(extra),
    )


@pytest.mark.parametrize("name", sorted(QUERY_FORMS))
def test_fuzzed_query_strings_never_give_a_server_error(client, world, name):
    url = next(u for u in URLS if u.name == name)
    client.force_login(getattr(world, ok_actor(url, ("facilitator", "manager"))))
    if name == "roles:version_compare":
        build(world, next(u for u in URLS if u.name == "roles:version"))  # a version to compare
    path = reverse(url.name, kwargs=url.kwargs(world))
    fields = QUERY_FORMS[name]
    fuzz(lambda data: _send(client, "get", path, data), form_data(fields, {}), len(fields))


@pytest.fixture
def invitation_link(world):
    invitation = Invitation(
        structure=world.structure,
        email="invitee@example.org",
        capacity=Capacity.PEER_WORKER,
        invited_by=world.manager,
        created_at=timezone.now(),
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    token = invitation.set_new_token()
    invitation.save()
    return reverse("invitation_accept", kwargs={"token": token})


PUBLIC_FORMS = {
    "login": ["username", "password", "next"],
    "password_reset": ["email"],
    "set_language": ["language", "next"],
    "invitation": ["full_name", "password1", "password2"],
}


@pytest.mark.parametrize("form", sorted(PUBLIC_FORMS))
def test_fuzzed_public_forms_never_give_a_server_error(world, invitation_link, form):
    path = invitation_link if form == "invitation" else reverse(form)
    valid = {
        "username": world.manager.email,
        "password": "password",
        "email": world.manager.email,
        "language": "en",
        "next": "/",
        "full_name": "Nouvelle Personne",
        "password1": "a-long-pass-2026",
        "password2": "a-long-pass-2026",
    }
    fields = PUBLIC_FORMS[form]
    fuzz(lambda data: _send(Client(), "post", path, data), form_data(fields, valid), len(fields))


# --- 6. what once broke the database, in every text field -----------------------------------


def _trouble_payloads():
    return [
        "\u212aiosque",
        "Kiosque\nBcc: tous@example.org",
        "Kiosque\r\n",
        "a" * 288 + "@example.org",
        "x" * (django_settings.TEXT_MAX_LENGTH + 1),
        "x" * 301,
        "w" * 1_000_000,  # a 1 MB word: refused by its bound, never laid out (test_pdf.py)
        CSRF_PLACEHOLDER,  # token-shaped text: printed as typed (test_leaks.py)
    ]


@pytest.mark.parametrize("url", POSTS, ids=str)
def test_database_trouble_payloads_never_give_a_server_error(client, world, url):
    client.force_login(getattr(world, ok_actor(url)))
    path, valid = build(world, url)
    texts = [name for name, value in valid.items() if isinstance(value, str)]
    with override_settings(DEBUG=False):
        for name in texts:
            for payload in _trouble_payloads():
                _send(client, "post", path, valid | {name: payload})

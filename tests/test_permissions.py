"""The permission matrix: every URL of the app, for every kind of person.

Each row of URLS is one request (URL name, its kwargs, the method, the POST data) with the kind
of page it is; EXPECTED says, per kind, what each person of the `world` fixture gets:

- anonymous: a redirect to the login page, everywhere;
- outsiders (manager of another structure, facilitator whose support ended, platform admin):
  404, the structure's existence is not revealed;
- readers (the peer workers of the structure, its current facilitator): the read pages, and 403
  on every write;
- the manager: everything;
- proposals are read and discussed by the people on the role (its managers and assigned peer
  workers) and the facilitator; a peer worker of the structure who does not hold the role gets
  403; the facilitator discusses but never proposes, decides or signs; only the author withdraws;
  only a signatory signs.

A POST that is refused must change nothing: the data sent is valid (the manager's same POST does
change things), and the state of the world is compared before and after.

`test_every_url_is_in_the_matrix` fails when a new URL has no row here.

Over 800 lines: the matrix must list every URL of the app in one place, so a new one is noticed.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ObjectDoesNotExist
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from checkins.models import CheckInCadence
from facilitation.models import Recommendation, Review
from missions.models import (
    DailyTask,
    Frequency,
    Latitude,
    Mission,
    Proposal,
    ProposalComment,
    ReferenceMission,
)
from missions.proposals import proposal_create
from outbox.models import MailPreference
from roles.models import Role, RoleAssignment
from sheets.models import EarlyReviewRequest, RoleSheetVersion, SheetReview, Signature
from sheets.versions import version_answer, version_request
from structures.models import Capacity, Invitation, Membership

from .factories import RecommendationFactory, ReviewFactory

# What a person gets. OK: 200 on GET, a 302 redirect (not to login) on POST. ELSEWHERE: a GET
# redirected somewhere else than the login page (a facilitator's home is their portfolio).
LOGIN, OK, ELSEWHERE = "login", "ok", "elsewhere"

ACTORS = [
    "anonymous",
    "manager",
    "peer_worker",
    "other_peer_worker",
    "facilitator",
    "other_manager",
    "other_facilitator",
    "admin",
]

_OUTSIDERS = {"other_manager": 404, "other_facilitator": 404, "admin": 404}
EXPECTED = {
    "home": {"anonymous": LOGIN}
    | {actor: OK for actor in ACTORS[1:]}
    | {"facilitator": ELSEWHERE, "other_facilitator": ELSEWHERE},
    "anyone": {"anonymous": LOGIN} | {actor: OK for actor in ACTORS[1:]},
    # Counts across the platform: its admins only; for anyone else the page does not exist.
    "platform": {"anonymous": LOGIN} | {actor: 404 for actor in ACTORS[1:]} | {"admin": OK},
    # Writing a review: the facilitator supporting the structure, nobody else.
    "review_write": {
        "anonymous": LOGIN,
        "manager": 403,
        "peer_worker": 403,
        "other_peer_worker": 403,
        "facilitator": OK,
        **_OUTSIDERS,
    },
    # A review's notes: the structure's managers and its facilitator (peer workers see only the
    # recommendations about their roles, on the list of reviews).
    # The structure report: its managers and its facilitator, not its peer workers.
    "report": {
        "anonymous": LOGIN,
        "manager": OK,
        "peer_worker": 403,
        "other_peer_worker": 403,
        "facilitator": OK,
        **_OUTSIDERS,
    },
    # Adding a typical mission from the library: a proposal for peer workers holding the role.
    "library_propose": {
        "anonymous": LOGIN,
        "manager": OK,
        "peer_worker": OK,
        "other_peer_worker": 403,
        "facilitator": 403,
        **_OUTSIDERS,
    },
    "read": {
        "anonymous": LOGIN,
        "manager": OK,
        "peer_worker": OK,
        "other_peer_worker": OK,
        "facilitator": OK,
        **_OUTSIDERS,
    },
    "write": {
        "anonymous": LOGIN,
        "manager": OK,
        "peer_worker": 403,
        "other_peer_worker": 403,
        "facilitator": 403,
        **_OUTSIDERS,
    },
    "discussion": {
        "anonymous": LOGIN,
        "manager": OK,
        "peer_worker": OK,
        "other_peer_worker": 403,
        "facilitator": OK,
        **_OUTSIDERS,
    },
    "propose": {
        "anonymous": LOGIN,
        "manager": OK,
        "peer_worker": OK,
        "other_peer_worker": 403,
        "facilitator": 403,
        **_OUTSIDERS,
    },
    # The proposal of the world is the peer worker's.
    "author": {
        "anonymous": LOGIN,
        "manager": 403,
        "peer_worker": OK,
        "other_peer_worker": 403,
        "facilitator": 403,
        **_OUTSIDERS,
    },
    # Check-ins: written by the peer workers holding the role, read by them, the structure's
    # managers and the supporting facilitator.
    "holder": {
        "anonymous": LOGIN,
        "manager": 403,
        "peer_worker": OK,
        "other_peer_worker": 403,
        "facilitator": 403,
        **_OUTSIDERS,
    },
    "checkins_read": {
        "anonymous": LOGIN,
        "manager": OK,
        "peer_worker": OK,
        "other_peer_worker": 403,
        "facilitator": OK,
        **_OUTSIDERS,
    },
    # A structure's trend charts of the check-ins: its managers and its facilitator, as the
    # portfolio that shows them; its peer workers read their own roles' charts.
    "structure_trend": {
        "anonymous": LOGIN,
        "manager": OK,
        "peer_worker": 403,
        "other_peer_worker": 403,
        "facilitator": OK,
        **_OUTSIDERS,
    },
    # The version of the world asks the manager and the assigned peer worker to sign.
    "signatory": {
        "anonymous": LOGIN,
        "manager": OK,
        "peer_worker": OK,
        "other_peer_worker": 403,
        "facilitator": 403,
        **_OUTSIDERS,
    },
}


# --- what each URL needs from the world ----------------------------------------------------


def _structure(w):
    return {"slug": w.structure.slug}


def _role(w):
    return {"role_id": w.role.pk}


def _trend(w, kind):
    return _structure(w) | {"kind": kind}


def _mission(w):
    return {"mission_id": w.mission.pk}


def _task(w):
    return {"task_id": w.task.pk}


def _assignment(w):
    return {"role_id": w.role.pk, "assignment_id": w.role.assignments.get().pk}


def _membership(w):
    membership = Membership.objects.get(structure=w.structure, user=w.other_peer_worker)
    return {"slug": w.structure.slug, "membership_id": membership.pk}


def _import_data(w):
    """A corrected preview of an imported fiche de poste, confirmed: one mission, one task."""
    management = {
        f"{prefix}-{key}": value
        for prefix, total in (("missions", 1), ("tasks", 1), ("unplaced", 0))
        for key, value in (("TOTAL_FORMS", total), ("INITIAL_FORMS", total))
    }
    return management | {
        "role-title": "Pair·e aidant·e importé·e",
        "missions-0-title": "Accueil",
        "missions-0-latitude": "in_pair",
        "tasks-0-mission": "1",
        "tasks-0-action": "Ouvrir l'accueil",
        "tasks-0-frequency": "daily",
        "tasks-0-times": "1",
        "tasks-0-duration_minutes": "30",
        "create": "1",
    }


def _role_data(w):
    return {
        "title": "Médiateur·rice de santé pair·e",
        "purpose": "Rapprocher les personnes du soin.",
        "people_served": "Personnes qui consomment des produits",
        "working_hours": "17 h 30 par semaine",
        "supervision": "Supervision tous les quinze jours",
        "lived_experience": "Expérience des consommations",
    }


def _role_edit_data(w):
    return _role_data(w) | {"title": "Un nouveau titre", "revision": w.role.revision}


def _mission_data(w):
    return {
        "title": "Rencontrer les personnes dans la rue",
        "description": "Aller à la rencontre des personnes.",
        "lived_experience": "Je connais la rue.",
        "includes": "Les tournées du matin",
        "excludes": "Le ménage",
        "latitude": Latitude.AUTONOMOUS,
    }


def _mission_edit_data(w):
    return _mission_data(w) | {"title": "Un nouveau titre", "revision": w.mission.revision}


def _task_data(w):
    return {"action": "Tenir la permanence", "frequency": Frequency.DAILY, "duration_minutes": 24}


def _task_edit_data(w):
    return _task_data(w) | {"action": "Une nouvelle action", "revision": w.task.revision}


def _down(w):
    return {"direction": "down"}


def _assign_data(w):
    return {"peer_worker": w.other_peer_worker.pk}


def _invite_data(w):
    return {
        "email": "nouvelle@example.org",
        "full_name": "Nouvelle Personne",
        "capacity": Capacity.PEER_WORKER,
    }


def _nothing(w):
    return {}


def _the_proposal(w):
    """An open proposal of the assigned peer worker, made once per test."""
    if not hasattr(w, "proposal"):
        values = {name: getattr(w.mission, name) for name in Mission.EDITABLE_FIELDS}
        w.proposal = proposal_create(
            role=w.role,
            by=w.peer_worker,
            kind=Proposal.Kind.CHANGE_MISSION,
            mission=w.mission,
            rationale="Le matin, on rencontre d'autres personnes.",
            proposed=values | {"includes": "Les tournées du matin et du soir"},
        )
    return w.proposal


def _proposal(w):
    return {"proposal_id": _the_proposal(w).pk}


def _version(w):
    """Version 1 of the sheet, waiting for the manager's and the peer worker's signatures."""
    if not hasattr(w, "version"):
        w.version = version_request(role=w.role, by=w.manager)
    return {"role_id": w.role.pk, "number": w.version.number}


def _adopted_role(w):
    """The sheet adopted (version 1 signed by the manager and the peer worker), once."""
    if not hasattr(w, "adopted"):
        version = version_request(role=w.role, by=w.manager)
        version_answer(version=version, by=w.manager, decision="signed")
        w.adopted = version_answer(version=version, by=w.peer_worker, decision="signed")
    return _role(w)


def _sheet_review_data(w):
    return {"outcome": "changes", "change": "Moins de permanences, plus de maraudes."}


def _early_data(w):
    return {"reason": "Je fais surtout de l'accueil maintenant."}


def _sending(data):
    return lambda w: data(w) | {"rationale": "Parce que c'est plus juste.", "send": "1"}


def _send(w):
    return {"rationale": "Parce que c'est plus juste.", "send": "1"}


def _comment_data(w):
    return {"body": "Bonne idée, parlons-en jeudi."}


def _decline_data(w):
    return {"reason": "Pas avant la fin de l'hiver."}


def _sign_data(w):
    return {"decision": Signature.Decision.SIGNED}


def _the_review(w):
    if not hasattr(w, "review"):
        w.review = ReviewFactory(structure=w.structure, author=w.facilitator)
        w.recommendation = RecommendationFactory(review=w.review, role=w.role)
    return w.review


def _review(w):
    return {"slug": w.structure.slug, "review_id": _the_review(w).pk}


def _recommendation(w):
    _the_review(w)
    return {"slug": w.structure.slug, "recommendation_id": w.recommendation.pk}


def _review_data(w):
    return {
        "reviewed_on": timezone.localdate().isoformat(),
        "notes": "Rencontre avec l'équipe.",
        "recommendations-TOTAL_FORMS": "1",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-MIN_NUM_FORMS": "0",
        "recommendations-MAX_NUM_FORMS": "1000",
        "recommendations-0-text": "Écrire la raison d'être avec la personne.",
    }


def _follow_up_data(w):
    return {"status": "done"}


def _reference(w):
    return {"role_id": w.role.pk, "reference_id": ReferenceMission.objects.first().pk}


def _rationale(w):
    return {"rationale": "Cela correspond à ce que je fais déjà."}


@dataclass(frozen=True)
class Url:
    name: str
    kind: str  # a key of EXPECTED
    method: str = "get"
    kwargs: Callable = field(default=_nothing)
    data: Callable = field(default=_nothing)

    def __str__(self):
        return f"{self.name}[{self.method.upper()}]"


URLS = [
    Url("home", "home"),
    # structures
    Url("structures:detail", "read", kwargs=_structure),
    Url("structures:role_new", "write", kwargs=_structure),
    Url("structures:role_new", "write", "post", _structure, _role_data),
    Url("structures:member_invite", "write", kwargs=_structure),
    Url("structures:member_invite", "write", "post", _structure, _invite_data),
    Url("structures:member_deactivate", "write", "post", _membership),
    # roles
    Url("roles:detail", "read", kwargs=_role),
    Url("roles:edit", "write", kwargs=_role),
    Url("roles:edit", "write", "post", _role, _role_edit_data),
    Url("roles:delete", "write", kwargs=_role),
    Url("roles:delete", "write", "post", _role),
    Url("roles:people", "read", kwargs=_role),
    Url("roles:people", "write", "post", _role, _assign_data),
    Url("roles:unassign", "write", "post", _assignment),
    # missions
    Url("missions:mission_new", "write", kwargs=_role),
    Url("missions:mission_new", "write", "post", _role, _mission_data),
    Url("missions:mission_edit", "write", kwargs=_mission),
    Url("missions:mission_edit", "write", "post", _mission, _mission_edit_data),
    Url("missions:mission_delete", "write", kwargs=_mission),
    Url("missions:mission_delete", "write", "post", _mission),
    Url("missions:mission_move", "write", "post", _mission, _down),
    # tasks
    Url("missions:task_new", "write", kwargs=_mission),
    Url("missions:task_new", "write", "post", _mission, _task_data),
    Url("missions:task_edit", "write", kwargs=_task),
    Url("missions:task_edit", "write", "post", _task, _task_edit_data),
    Url("missions:task_delete", "write", kwargs=_task),
    Url("missions:task_delete", "write", "post", _task),
    Url("missions:task_move", "write", "post", _task, _down),
    # proposals
    Url("missions:proposals", "discussion", kwargs=_role),
    Url("missions:propose_mission_add", "propose", kwargs=_role),
    Url("missions:propose_mission_add", "propose", "post", _role, _sending(_mission_data)),
    Url("missions:propose_mission_change", "propose", kwargs=_mission),
    Url(
        "missions:propose_mission_change",
        "propose",
        "post",
        _mission,
        _sending(_mission_edit_data),
    ),
    Url("missions:propose_mission_removal", "propose", kwargs=_mission),
    Url("missions:propose_mission_removal", "propose", "post", _mission, _send),
    Url("missions:propose_task_add", "propose", kwargs=_mission),
    Url("missions:propose_task_add", "propose", "post", _mission, _sending(_task_data)),
    Url("missions:propose_task_change", "propose", kwargs=_task),
    Url("missions:propose_task_change", "propose", "post", _task, _sending(_task_edit_data)),
    Url("missions:propose_task_removal", "propose", kwargs=_task),
    Url("missions:propose_task_removal", "propose", "post", _task, _send),
    Url("missions:proposal", "discussion", kwargs=_proposal),
    Url("missions:proposal_comment", "discussion", "post", _proposal, _comment_data),
    Url("missions:proposal_accept", "write", "post", _proposal),
    Url("missions:proposal_decline", "write", "post", _proposal, _decline_data),
    Url("missions:proposal_withdraw", "author", "post", _proposal),
    # versions and history
    Url("roles:pdf", "read", kwargs=_role),
    Url("roles:versions", "read", kwargs=_role),
    Url("roles:version_request", "write", "post", _role),
    Url("roles:version", "read", kwargs=_version),
    Url("roles:version_pdf", "read", kwargs=_version),
    Url("checkins:form", "holder", kwargs=_role),
    Url("checkins:list", "checkins_read", kwargs=_role),
    Url("checkins:role_trend", "checkins_read", kwargs=lambda w: _role(w) | {"kind": "going"}),
    Url("checkins:role_trend", "checkins_read", kwargs=lambda w: _role(w) | {"kind": "lived"}),
    Url("checkins:structure_trend", "structure_trend", kwargs=lambda w: _trend(w, "going")),
    Url("checkins:structure_trend", "structure_trend", kwargs=lambda w: _trend(w, "lived")),
    Url("roles:review", "propose", kwargs=_adopted_role),
    Url("roles:review", "propose", "post", _adopted_role, _sheet_review_data),
    Url("roles:early_review", "holder", kwargs=_adopted_role),
    Url("roles:early_review", "holder", "post", _adopted_role, _early_data),
    Url("mail_preference", "anyone", "post", data=lambda w: {"choice": "weekly"}),
    Url("checkins:cadence", "write", kwargs=_structure),
    Url("checkins:cadence", "write", "post", _structure, lambda world: {"cadence": "2w"}),
    Url("documents:import", "write", kwargs=_structure),
    Url("documents:import_preview", "write", "post", _structure, _import_data),
    Url("documents:sheet_docx", "read", kwargs=_role),
    Url("documents:sheet_odt", "read", kwargs=_role),
    Url("documents:version_docx", "read", kwargs=_version),
    Url("documents:version_odt", "read", kwargs=_version),
    Url("roles:version_answer", "signatory", "post", _version, _sign_data),
    Url("roles:version_compare", "read", kwargs=_role),
    Url("roles:history", "read", kwargs=_role),
    Url("waiting", "anyone"),
    # facilitation
    Url("portfolio", "anyone"),
    Url("facilitation:report_csv", "report", kwargs=_structure),
    Url("platform_overview", "platform"),
    # the person's own account and data
    Url("account", "anyone"),
    Url("account_data", "anyone"),
    Url("ping", "anyone"),
    Url("facilitation:reviews", "read", kwargs=_structure),
    Url("facilitation:review_new", "review_write", kwargs=_structure),
    Url("facilitation:review_new", "review_write", "post", _structure, _review_data),
    Url("facilitation:review", "report", kwargs=_review),
    # Correcting a review: its author, the facilitator supporting the structure.
    Url("facilitation:review_edit", "review_write", kwargs=_review),
    Url("facilitation:review_edit", "review_write", "post", _review, _review_data),
    Url("facilitation:recommendation_follow_up", "write", "post", _recommendation, _follow_up_data),
    Url("missions:library", "read", kwargs=_role),
    Url("missions:library_add", "write", "post", _reference),
    Url("missions:library_propose", "library_propose", kwargs=_reference),
    Url("missions:library_propose", "library_propose", "post", _reference, _rationale),
]

# Pages for people who are not logged in (or about logging in): outside the matrix.
PUBLIC_URL_NAMES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "invitation_accept",
    "privacy",
    "healthz",
    "favicon",
}


# --- the state a refused POST must leave alone -----------------------------------------------


def _fields(obj, *names):
    try:
        obj.refresh_from_db()
    except ObjectDoesNotExist:
        return None
    return tuple(getattr(obj, name) for name in names)


def world_state(w):
    """Everything a write in the matrix could change, read again from the database."""
    return {
        "role": _fields(w.role, "title", "purpose", "revision"),
        "mission": _fields(w.mission, "title", "latitude", "position", "revision"),
        "task": _fields(w.task, "action", "frequency", "duration_minutes", "position", "revision"),
        "mission order": list(Mission.objects.filter(role_id=w.role.pk).values_list("pk")),
        "task order": list(DailyTask.objects.filter(mission_id=w.mission.pk).values_list("pk")),
        "memberships": sorted(
            Membership.objects.filter(structure=w.structure).values_list(
                "user_id", "capacity", "is_active"
            )
        ),
        "assignments": sorted(RoleAssignment.objects.values_list("role_id", "peer_worker_id")),
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Role,
                Mission,
                DailyTask,
                RoleAssignment,
                Invitation,
                Membership,
                Proposal,
                ProposalComment,
                RoleSheetVersion,
            )
        },
        "proposals": sorted(Proposal.objects.values_list("pk", "status")),
        "reviews": sorted(Review.objects.values_list("pk", "reviewed_on", "notes")),
        "recommendations": sorted(Recommendation.objects.values_list("pk", "status")),
        "versions": sorted(RoleSheetVersion.objects.values_list("pk", "status")),
        "signatures": sorted(Signature.objects.values_list("pk", "decision")),
        "cadences": sorted(CheckInCadence.objects.values_list("structure_id", "cadence")),
        "sheet reviews": SheetReview.objects.count(),
        "early reviews": EarlyReviewRequest.objects.count(),
        "mail choices": sorted(MailPreference.objects.values_list("user_id", "choice")),
        "mails sent": len(mail.outbox),
    }


def _login(client, world, actor):
    if actor != "anonymous":
        client.force_login(getattr(world, actor))


def assert_redirects_to_login(response, url):
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(url)}"


# --- the matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("url", URLS, ids=str)
def test_permission_matrix(client, world, url, actor):
    _login(client, world, actor)
    path = reverse(url.name, kwargs=url.kwargs(world))
    before = world_state(world)

    response = getattr(client, url.method)(path, url.data(world))

    expected = EXPECTED[url.kind][actor]
    if expected == LOGIN:
        assert_redirects_to_login(response, path)
    elif expected == OK and url.method == "post":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert not response["Location"].startswith(reverse("login"))
    elif expected == OK:
        assert response.status_code == 200
    elif expected == ELSEWHERE:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected

    if url.method == "post":
        after = world_state(world)
        if expected == OK:
            # The data is valid: the same POST without a permission check would change things.
            assert after != before
        else:
            assert after == before
            assert mail.outbox == []


def test_every_url_is_in_the_matrix():
    def names(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from names(pattern.url_patterns, namespace)
            elif pattern.name:
                yield prefix + pattern.name
            else:
                yield f"<unnamed {prefix}{pattern.pattern}>"

    in_matrix = {url.name for url in URLS}
    found = set(names(get_resolver().url_patterns))
    # The API (token, not session) and a person's own tokens have their matrix in test_api.py,
    # which checks that it covers every API URL.
    elsewhere = {name for name in found if name.startswith("api:")} | {"token_new", "token_revoke"}
    missing = sorted(found - in_matrix - PUBLIC_URL_NAMES - elsewhere)
    assert missing == [], "URLs without a row in the permission matrix"


def test_the_matrix_names_only_existing_urls(world):
    for url in URLS:
        reverse(url.name, kwargs=url.kwargs(world))


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("structures:member_deactivate", _membership),
        ("roles:unassign", _assignment),
        ("missions:mission_move", _mission),
        ("missions:task_move", _task),
        ("missions:proposal_comment", _proposal),
        ("missions:proposal_accept", _proposal),
        ("missions:proposal_decline", _proposal),
        ("missions:proposal_withdraw", _proposal),
        ("roles:version_request", _role),
        ("roles:version_answer", _version),
        ("facilitation:recommendation_follow_up", _recommendation),
        ("missions:library_add", _reference),
    ],
)
def test_actions_refuse_get(client, world, name, kwargs):
    client.force_login(world.manager)
    path = reverse(name, kwargs=kwargs(world))
    before = world_state(world)
    assert client.get(path).status_code == 405
    assert world_state(world) == before


# --- public pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("login", {}),
        ("password_reset", {}),
        ("password_reset_done", {}),
        ("password_reset_confirm", {"uidb64": "MQ", "token": "not-a-token"}),
        ("password_reset_complete", {}),
        ("privacy", {}),
        ("healthz", {}),
    ],
)
def test_public_pages_open_to_anonymous(client, db, name, kwargs):
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_password_reset_post_works_for_anonymous(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": world.peer_worker.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1


def test_bogus_invitation_link_says_so_kindly(client, db):
    response = client.get(
        reverse("invitation_accept", kwargs={"token": "bogus"}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert "Invitation link not valid" in response.content.decode()
    assert "Ask the person who invited you" in response.content.decode()


def test_anonymous_can_choose_the_language(client, db):
    login = reverse("login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302
    assert response["Location"] == login
    assert client.cookies["django_language"].value == "en"


# --- access ends with the link -------------------------------------------------------------


def test_deactivated_member_loses_access_at_the_next_request(client, world):
    client.force_login(world.peer_worker)
    assert client.get(world.role.get_absolute_url()).status_code == 200

    manager = Client()
    manager.force_login(world.manager)
    membership = Membership.objects.get(structure=world.structure, user=world.peer_worker)
    response = manager.post(
        reverse(
            "structures:member_deactivate",
            kwargs={"slug": world.structure.slug, "membership_id": membership.pk},
        )
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active

    assert client.get(world.role.get_absolute_url()).status_code == 404
    assert client.get(world.structure.get_absolute_url()).status_code == 404
    assert world.structure.name not in client.get(reverse("home")).content.decode()


def test_facilitator_whose_support_ended_gets_404(client, world):
    client.force_login(world.other_facilitator)
    assert client.get(world.structure.get_absolute_url()).status_code == 404
    assert client.get(world.role.get_absolute_url()).status_code == 404
    # …but still sees the structure they support today.
    assert client.get(world.other_structure.get_absolute_url()).status_code == 200


def test_facilitator_loses_access_when_support_ends(client, world):
    client.force_login(world.facilitator)
    assert client.get(world.role.get_absolute_url()).status_code == 200
    support = world.facilitator.supports.get(structure=world.structure)
    support.end_date = timezone.localdate()
    support.save()
    assert client.get(world.role.get_absolute_url()).status_code == 200  # the last day counts
    support.end_date = timezone.localdate() - datetime.timedelta(days=1)
    support.save()
    assert client.get(world.role.get_absolute_url()).status_code == 404


def test_manager_capacity_is_per_structure(client, world):
    """A manager elsewhere who is a peer worker here reads, but does not write."""
    Membership.objects.create(
        user=world.other_manager, structure=world.structure, capacity=Capacity.PEER_WORKER
    )
    client.force_login(world.other_manager)
    assert client.get(world.role.get_absolute_url()).status_code == 200
    assert client.get(reverse("roles:edit", kwargs=_role(world))).status_code == 403


# --- the 403 page speaks to the reader's capacity ------------------------------------------


@pytest.mark.parametrize(
    "actor, says, never",
    [
        ("facilitator", "As a facilitator of the platform", "talk with your manager"),
        ("peer_worker", "propose an adjustment from the sheet", "As a facilitator"),
        ("manager", "the platform's facilitator writes and corrects the reviews", "your manager"),
    ],
)
def test_the_refusal_fits_the_reader(client, world, actor, says, never):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(world, actor))
    # A write of the role sheet, or writing a review for the manager.
    name, kwargs = (
        ("facilitation:review_new", _structure)
        if actor == "manager"
        else (
            "roles:edit",
            _role,
        )
    )
    response = client.get(reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 403
    page = response.content.decode().replace("&#x27;", "'")
    assert says in page
    assert never not in page

"""“Waiting for me”: each kind of item reaches the right person, and nobody else."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from missions import proposals
from missions import services as mission_services
from missions.models import Latitude, Proposal
from roles.models import RoleEvent
from sheets.versions import version_answer, version_request
from structures.models import Membership

from .factories import MembershipFactory, ReviewFactory, RoleAssignmentFactory, RoleFactory

URL = reverse("waiting")
ACTORS = [
    "manager",
    "peer_worker",
    "other_peer_worker",
    "facilitator",
    "other_manager",
    "other_facilitator",
    "admin",
]


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _second_manager(world):
    """A second manager of the structure, who decides on the first manager's proposals."""
    world.other_manager_here = MembershipFactory(structure=world.structure, manager=True).user


def _page(client, person):
    client.force_login(person)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _propose(world, by=None, title="Animer un groupe de parole", role=None):
    return proposals.proposal_create(
        role=role or world.role,
        by=by or world.peer_worker,
        kind=Proposal.Kind.ADD_MISSION,
        rationale="Les personnes le demandent.",
        proposed={"title": title},
    )


def _who_sees(client, world, text):
    return {actor for actor in ACTORS if text in _page(client, getattr(world, actor))}


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_nothing_waiting_is_explained(client, world):
    # A review written today: nothing is due for the facilitator.
    ReviewFactory(structure=world.structure, author=world.facilitator)
    page = _page(client, world.facilitator)
    assert "Nothing is waiting for you right now." in page
    assert "versions of a role sheet waiting for your signature" in page


def test_proposals_to_decide_reach_the_structure_managers(client, world):
    proposal = _propose(world)
    link = f'href="{proposal.get_absolute_url()}"'
    # The facilitator sees it too, as a proposal waiting for their comment (test_what_waits).
    assert _who_sees(client, world, link) == {"manager", "facilitator"}
    page = _page(client, world.manager)
    assert "1 proposal waits for your decision" in page
    assert "Animer un groupe de parole" in page
    assert world.peer_worker.get_full_name() in page

    proposals.proposal_decline(proposal=proposal, by=world.manager, reason="Pas maintenant.")
    assert "waits for your decision" not in _page(client, world.manager)


def test_versions_to_sign_reach_each_pending_signatory(client, world):
    version = version_request(role=world.role, by=world.manager)
    link = f'href="{version.get_absolute_url()}"'
    assert _who_sees(client, world, link) == {"manager", "peer_worker"}
    assert "Read and sign version 1" in _page(client, world.peer_worker)

    version_answer(version=version, by=world.peer_worker, decision="signed")
    assert _who_sees(client, world, link) == {"manager"}
    # A version replaced by a new request is no longer to be signed; the new one is.
    newer = version_request(role=world.role, by=world.manager)
    page = _page(client, world.peer_worker)
    assert link not in page
    assert f'href="{newer.get_absolute_url()}"' in page


def test_asking_for_changes_takes_the_version_off_my_list(client, world):
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.peer_worker, decision="changes", comment="Non.")
    page = _page(client, world.peer_worker)
    assert "Read and sign version 1" not in page
    # It stays listed as a change the peer worker asked for, until a new version replaces it.
    assert "You asked for changes to version 1" in page
    version_request(role=world.role, by=world.manager)
    assert "You asked for changes" not in _page(client, world.peer_worker)


def test_decisions_on_my_proposals_reach_me(client, world):
    accepted = _propose(world, title="Accueillir les nouveaux")
    declined = _propose(world, title="Tenir un stand")
    proposals.proposal_accept(proposal=accepted, by=world.manager)
    proposals.proposal_decline(proposal=declined, by=world.manager, reason="Pas le bon moment.")

    page = _page(client, world.peer_worker)
    assert "Answers to my proposals" in page
    assert f'href="{accepted.get_absolute_url()}"' in page
    assert f'href="{declined.get_absolute_url()}"' in page
    assert "Pas le bon moment." in page
    assert "declined" in page and "accepted" in page
    assert _who_sees(client, world, f'href="{declined.get_absolute_url()}"') == {"peer_worker"}


def test_old_decisions_and_my_own_withdrawals_are_not_answers(client, world):
    old = _propose(world, title="Une vieille idée")
    proposals.proposal_decline(proposal=old, by=world.manager, reason="Non.")
    Proposal.objects.filter(pk=old.pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=31)
    )
    withdrawn = _propose(world, title="Finalement non")
    proposals.proposal_withdraw(proposal=withdrawn, by=world.peer_worker)
    page = _page(client, world.peer_worker)
    assert old.get_absolute_url() not in page
    assert withdrawn.get_absolute_url() not in page
    assert "Nothing is waiting for you right now." in page


def test_comments_from_others_on_my_open_proposals_reach_me(client, world):
    discussed = _propose(world, title="Discutée")
    quiet = _propose(world, title="Sans réponse")
    proposals.comment_add(proposal=quiet, by=world.peer_worker, body="Je précise.")
    proposals.comment_add(proposal=discussed, by=world.facilitator, body="Bonne idée.")
    proposals.comment_add(proposal=discussed, by=world.manager, body="On en parle lundi.")
    proposals.comment_add(proposal=discussed, by=world.peer_worker, body="D'accord.")

    page = _page(client, world.peer_worker)
    assert f'href="{discussed.get_absolute_url()}"' in page
    assert "2 comments from others" in page
    assert quiet.get_absolute_url() not in page.split("Answers to my proposals")[1]
    assert _who_sees(client, world, "comments from others") == {"peer_worker"}


def test_task_changes_within_latitude_reach_the_managers(client, world):
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    mission_services.task_update(
        task=world.task,
        by=world.peer_worker,
        revision=world.task.revision,
        action="Permanence du jeudi",
        within_latitude=True,
    )
    mission_services.task_create(mission=world.mission, by=world.manager, action="Par le manager")
    old = mission_services.task_create(
        mission=world.mission, by=world.peer_worker, action="Il y a longtemps", within_latitude=True
    )
    RoleEvent.objects.filter(subject=old.action).update(
        at=timezone.now() - datetime.timedelta(days=31)
    )

    assert _who_sees(client, world, "Permanence du jeudi") == {"manager"}
    page = _page(client, world.manager)
    assert "within their latitude" in page
    assert reverse("roles:history", kwargs={"role_id": world.role.pk}) in page
    assert "Par le manager" not in page
    assert "Il y a longtemps" not in page


def test_a_person_who_left_the_structure_no_longer_gets_its_items(client, world):
    _propose(world)
    version_request(role=world.role, by=world.manager)
    Membership.objects.filter(user=world.manager, structure=world.structure).update(is_active=False)
    page = _page(client, world.manager)
    assert "Nothing is waiting for you right now." in page


def test_items_of_another_structure_stay_there(client, world):
    other_role = RoleFactory(structure=world.other_structure)
    other_peer = MembershipFactory(structure=world.other_structure).user
    RoleAssignmentFactory(role=other_role, peer_worker=other_peer)
    _propose(world, by=other_peer, role=other_role, title="Ailleurs")
    version_request(role=other_role, by=world.other_manager)
    # The facilitator who supports the other structure today is asked for a comment.
    assert _who_sees(client, world, "Ailleurs") == {"other_manager", "other_facilitator"}
    assert "Nothing is waiting for you right now." in _page(client, world.manager)


# Session + user + the request's savepoint pair (ATOMIC_REQUESTS), then one query per list:
# proposals to decide, to comment, answers to my proposals, versions to sign, changes asked,
# recommendations to follow up, reviews due, sheets due for their review, changes within
# latitude.
WAITING_QUERIES = 13


@pytest.mark.parametrize("size", [1, 10])
def test_waiting_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    for index in range(size):
        role = RoleFactory(structure=world.structure, with_missions=1)
        RoleAssignmentFactory(role=role, peer_worker=world.peer_worker)
        version_request(role=role, by=world.manager)
        _propose(world, title=f"À décider {index}")
        mine = _propose(world, by=world.manager, title=f"La mienne {index}")
        proposals.comment_add(proposal=mine, by=world.peer_worker, body="Oui.")
        decided = _propose(world, by=world.manager, title=f"Décidée {index}")
        proposals.proposal_decline(proposal=decided, by=world.other_manager_here, reason="Non.")
        mission_services.task_create(
            mission=world.mission, by=world.peer_worker, action=f"T{index}", within_latitude=True
        )
    client.force_login(world.manager)
    with django_assert_num_queries(WAITING_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    # to decide: 2 per round (one is the manager's own); to sign: 1; answers: 2; latitude: 1
    assert page.count('class="list-group-item"') == 6 * size


def test_home_says_what_waits_for_the_person(client, world):
    version_request(role=world.role, by=world.manager)
    client.force_login(world.peer_worker)
    response = client.get("/")

    def counted(response):
        return {kind: n for kind, n in response.context["next_steps"].items() if n}

    assert counted(response) == {"to_sign": 1}
    client.force_login(world.manager)
    assert counted(client.get("/")) == {"to_sign": 1}

"""What waits for whom: one definition (facilitation/waiting.py) read by /waiting/, the home page's
counts and the portfolio.

The table: each kind of item × each person around the structure → listed or not. Each case
makes one item of its kind, then checks, for the person, the definition itself, the section of
/waiting/ and the count.
"""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from facilitation.models import Review
from facilitation.portfolio import portfolio_rows
from facilitation.waiting import COUNTED, REVIEW_DUE_DAYS, Kind, waiting_counts, waiting_items
from missions import proposals
from missions import services as mission_services
from missions.models import Latitude, Proposal
from sheets.models import RoleSheetVersion
from sheets.versions import version_answer, version_request

from .factories import RecommendationFactory, ReviewFactory, RoleAssignmentFactory, RoleFactory

ACTORS = [
    "manager",
    "peer_worker",  # holds the role
    "other_peer_worker",
    "facilitator",
    "other_facilitator",  # supported the structure once
    "other_manager",  # an outsider
    "admin",
]

# The heading of each kind's section on /waiting/.
SECTION = {
    Kind.TO_DECIDE: 'id="to-decide-title"',
    Kind.TO_COMMENT: 'id="to-comment-title"',
    Kind.ANSWERS: 'id="answers-title"',
    Kind.TO_SIGN: 'id="to-sign-title"',
    Kind.CHANGES_ASKED: 'id="changes-title"',
    Kind.TO_FOLLOW_UP: 'id="follow-up-title"',
    Kind.REVIEW_DUE: 'id="review-due-title"',
    Kind.SHEET_REVIEW_DUE: 'id="sheet-review-title"',
    Kind.LATITUDE: 'id="latitude-title"',
}


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def reviewed(world):
    """Both structures reviewed today, so that no review is due unless a case says so."""
    for structure in (world.structure, world.other_structure):
        ReviewFactory(structure=structure, author=world.facilitator)
    return world


def _propose(world, by=None):
    return proposals.proposal_create(
        role=world.role,
        by=by or world.peer_worker,
        kind=Proposal.Kind.ADD_MISSION,
        rationale="Les personnes le demandent.",
        proposed={"title": "Animer un groupe de parole"},
    )


def _proposal_open(world):
    return _propose(world)


def _proposal_declined(world):
    proposal = _propose(world)
    proposals.proposal_decline(proposal=proposal, by=world.manager, reason="Pas maintenant.")
    return proposal


def _version_to_sign(world):
    return version_request(role=world.role, by=world.manager)


def _changes_asked(world):
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.peer_worker, decision="changes", comment="Non.")
    return version.signatures.get(signer=world.peer_worker)


def _open_recommendation(world):
    review = Review.objects.get(structure=world.structure)
    return RecommendationFactory(review=review, role=world.role)


def _review_due(world):
    Review.objects.filter(structure=world.structure).update(
        reviewed_on=timezone.localdate() - datetime.timedelta(days=REVIEW_DUE_DAYS + 1)
    )
    return world.structure


def _sheet_review_due(world):
    """The sheet adopted a year ago: its review date has come."""
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    version_answer(version=version, by=world.peer_worker, decision="signed")
    RoleSheetVersion.objects.filter(pk=version.pk).update(
        review_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    return version


def _latitude_change(world):
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    task = mission_services.task_create(
        mission=world.mission, by=world.peer_worker, action="Permanence", within_latitude=True
    )
    return world.role.events.get(subject=task.action)


CASES = {
    # kind: (make the item, who gets it)
    Kind.TO_DECIDE: (_proposal_open, {"manager"}),
    Kind.TO_COMMENT: (_proposal_open, {"facilitator"}),
    Kind.ANSWERS: (_proposal_declined, {"peer_worker"}),
    # The manager who asks for signatures signs too.
    Kind.TO_SIGN: (_version_to_sign, {"manager", "peer_worker"}),
    Kind.CHANGES_ASKED: (_changes_asked, {"manager", "peer_worker"}),
    Kind.TO_FOLLOW_UP: (_open_recommendation, {"manager", "facilitator"}),
    Kind.REVIEW_DUE: (_review_due, {"facilitator"}),
    Kind.SHEET_REVIEW_DUE: (_sheet_review_due, {"manager", "peer_worker"}),
    Kind.LATITUDE: (_latitude_change, {"manager"}),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("kind", list(CASES), ids=str)
def test_what_waits_for_whom(client, reviewed, kind, actor):
    world = reviewed
    make, listed_for = CASES[kind]
    obj = make(world)
    person = getattr(world, actor)
    listed = actor in listed_for

    items = waiting_items(person)[kind]
    # Versions to sign are listed through the person's own signature.
    if kind == Kind.TO_SIGN:
        found = [item for item in items if item.obj.version_id == obj.pk]
    else:
        found = [item for item in items if item.obj.pk == obj.pk]
    assert bool(found) == listed
    assert len(items) == (1 if listed else 0)  # nothing else of this kind is listed for them

    client.force_login(person)
    page = client.get(reverse("waiting")).content.decode()
    assert (SECTION[kind] in page) == listed
    if listed:
        assert f'href="{found[0].url}"' in page
        assert found[0].since is not None

    if kind in COUNTED:
        assert waiting_counts(person)[kind] == (1 if listed else 0)


def test_the_home_page_counts_what_waits_for_a_peer_worker(client, reviewed):
    """A peer worker's home no longer says that nothing waits while their proposal is decided."""
    world = reviewed
    _proposal_declined(world)
    _changes_asked(world)
    client.force_login(world.peer_worker)
    page = client.get("/").content.decode()
    assert "Nothing waits for you right now." not in page
    assert "1 of your proposals has an answer." in page
    assert "1 change was asked on a version before signing." in page
    assert reverse("waiting") in page


def test_the_home_page_counts_what_waits_for_a_manager(client, reviewed):
    world = reviewed
    _proposal_open(world)
    _open_recommendation(world)
    _changes_asked(world)
    client.force_login(world.manager)
    page = client.get("/").content.decode()
    assert "1 proposal waits for your decision." in page
    assert "1 recommendation of the platform waits for a follow-up." in page
    assert "1 change was asked on a version before signing." in page


def test_nothing_waits_on_the_home_page(client, reviewed):
    client.force_login(reviewed.other_peer_worker)
    assert "Nothing waits for you right now." in client.get("/").content.decode()


def test_a_comment_from_the_facilitator_takes_the_proposal_off_their_list(reviewed):
    world = reviewed
    proposal = _proposal_open(world)
    assert waiting_counts(world.facilitator)[Kind.TO_COMMENT] == 1
    proposals.comment_add(proposal=proposal, by=world.facilitator, body="Bonne idée.")
    assert waiting_counts(world.facilitator)[Kind.TO_COMMENT] == 0
    # A decided proposal waits for nobody's comment.
    other = _proposal_open(world)
    proposals.proposal_accept(proposal=other, by=world.manager)
    assert waiting_counts(world.facilitator)[Kind.TO_COMMENT] == 0


def test_a_follow_up_takes_the_recommendation_off_the_lists(reviewed):
    from facilitation.reviews import recommendation_follow_up

    world = reviewed
    recommendation = _open_recommendation(world)
    recommendation_follow_up(recommendation=recommendation, by=world.manager, status="done")
    assert waiting_counts(world.manager)[Kind.TO_FOLLOW_UP] == 0
    assert waiting_counts(world.facilitator)[Kind.TO_FOLLOW_UP] == 0


def test_a_structure_never_reviewed_is_due(world):
    assert waiting_counts(world.facilitator)[Kind.REVIEW_DUE] == 1
    # The past facilitator supports the other structure today, never reviewed either.
    due = waiting_items(world.other_facilitator)[Kind.REVIEW_DUE]
    assert [item.obj for item in due] == [world.other_structure]
    assert due[0].since is None


def test_the_portfolio_counts_by_the_same_definition(client, reviewed):
    world = reviewed
    _proposal_open(world)
    _open_recommendation(world)
    _review_due(world)
    row = portfolio_rows(world.facilitator).rows[0]
    assert row.structure == world.structure
    counts = waiting_counts(world.facilitator)
    assert row.waiting == {
        Kind.TO_COMMENT: counts[Kind.TO_COMMENT],
        Kind.TO_FOLLOW_UP: counts[Kind.TO_FOLLOW_UP],
        Kind.REVIEW_DUE: counts[Kind.REVIEW_DUE],
    }
    assert row.waiting == {Kind.TO_COMMENT: 1, Kind.TO_FOLLOW_UP: 1, Kind.REVIEW_DUE: 1}
    client.force_login(world.facilitator)
    page = client.get(reverse("portfolio")).content.decode()
    assert "1 proposal waits for your comment." in page
    assert "1 recommendation of the platform waits for a follow-up." in page
    assert "A review is due." in page


def test_the_portfolio_shows_each_change_of_what_waits_at_once(client, reviewed):
    """The portfolio is cached per state of what it shows: a comment, a follow-up or a
    review moves its figures."""
    from facilitation.reviews import recommendation_follow_up

    world = reviewed
    proposal = _proposal_open(world)
    recommendation = _open_recommendation(world)
    client.force_login(world.facilitator)

    def page():
        return client.get(reverse("portfolio")).content.decode()

    assert "1 proposal waits for your comment." in page()
    proposals.comment_add(proposal=proposal, by=world.facilitator, body="Bonne idée.")
    assert "waits for your comment" not in page()

    assert "0 recommendations followed up out of 1." in page()
    recommendation_follow_up(recommendation=recommendation, by=world.manager, status="done")
    shown = page()
    assert "1 recommendation followed up out of 1." in shown
    assert "waits for a follow-up" not in shown

    _review_due(world)
    assert "A review is due." in page()


# --- query counts ---------------------------------------------------------------------------

# Session + user + the request's savepoint pair, then one query per kind (9).
WAITING_QUERIES = 13
# Session + user + savepoint pair, visible structures, my roles, the counts of every kind.
HOME_QUERIES = 7


def _grow(world, size):
    world.mission.latitude = Latitude.AUTONOMOUS
    world.mission.save()
    review = Review.objects.get(structure=world.structure)
    for index in range(size):
        role = RoleFactory(structure=world.structure, with_missions=1)
        RoleAssignmentFactory(role=role, peer_worker=world.peer_worker)
        version = version_request(role=role, by=world.manager)
        if index % 2:
            version_answer(
                version=version, by=world.peer_worker, decision="changes", comment="Non."
            )
        _proposal_open(world)
        _proposal_declined(world)
        RecommendationFactory(review=review, role=role)
        mission_services.task_create(
            mission=world.mission, by=world.peer_worker, action=f"T{index}", within_latitude=True
        )
    Review.objects.filter(structure=world.structure).update(
        reviewed_on=timezone.localdate() - datetime.timedelta(days=REVIEW_DUE_DAYS + 1)
    )


@pytest.mark.parametrize("size", [1, 10])
@pytest.mark.parametrize("actor", ["manager", "peer_worker", "facilitator"])
def test_query_counts_do_not_grow(client, reviewed, django_assert_num_queries, size, actor):
    world = reviewed
    _grow(world, size)
    person = getattr(world, actor)
    client.force_login(person)
    with django_assert_num_queries(WAITING_QUERIES):
        response = client.get(reverse("waiting"))
    assert response.status_code == 200
    n_items = sum(len(items) for items in waiting_items(person).values())
    assert n_items >= size
    assert response.content.decode().count('class="list-group-item"') == n_items
    with django_assert_num_queries(1):
        waiting_counts(person)
    if actor != "facilitator":  # a facilitator's home is their portfolio
        with django_assert_num_queries(HOME_QUERIES):
            assert client.get("/").status_code == 200

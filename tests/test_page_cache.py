"""Pages rendered once per state of what they show (the structure page, the portfolio, the
proposal page; the role sheet has tests/test_sheet_cache.py): a change shows at the next
request, whoever made it, and each reader sees their own controls."""

import datetime
import html

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from facilitation.models import Recommendation, RecommendationStatus, Review
from missions import proposals, services
from missions.models import Proposal
from roles import services as role_services
from roles.services import membership_deactivate
from structures.models import Capacity, Membership
from structures.services import invitation_send

from .factories import (
    FacilitatorSupportFactory,
    ProposalCommentFactory,
    ProposalFactory,
    RecommendationFactory,
    ReviewFactory,
    RoleFactory,
)


def _page(user, url):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- the structure page ----------------------------------------------------------------------


def test_structure_page_shows_a_new_role_and_its_changes(world):
    url = world.structure.get_absolute_url()
    assert "Médiateur·rice de santé" not in _page(world.manager, url)
    role = role_services.role_create(
        structure=world.structure, by=world.manager, title="Médiateur·rice de santé"
    )
    assert "Médiateur·rice de santé" in _page(world.manager, url)
    assert "This role has no mission yet." in _page(world.manager, url)
    services.mission_create(role=role, by=world.manager, title="Rencontrer", lived_experience="x")
    assert "This role has no mission yet." not in _page(world.manager, url)


def test_structure_page_shows_a_renamed_holder(world):
    url = world.structure.get_absolute_url()
    assert world.peer_worker.full_name in _page(world.manager, url)
    world.peer_worker.full_name = "Nadia Renommée"
    world.peer_worker.save()  # the platform admin renames a person: no history line
    assert "Nadia Renommée" in _page(world.manager, url)


def test_structure_page_controls_follow_the_reader(world):
    url = world.structure.get_absolute_url()
    new_role = reverse("structures:role_new", args=[world.structure.slug])
    assert new_role in _page(world.manager, url)
    assert new_role not in _page(world.peer_worker, url)
    assert new_role not in _page(world.facilitator, url)


def test_structure_page_shows_people_arriving_and_leaving(world):
    url = world.structure.get_absolute_url()
    assert "nouvelle@example.org" not in _page(world.manager, url)
    invitation_send(
        structure=world.structure,
        email="nouvelle@example.org",
        capacity=Capacity.PEER_WORKER,
        by=world.manager,
        language="fr",
    )
    assert "nouvelle@example.org" in _page(world.manager, url)
    assert world.other_peer_worker.full_name in _page(world.manager, url)
    membership_deactivate(
        membership=Membership.objects.get(user=world.other_peer_worker), by=world.manager
    )
    assert world.other_peer_worker.full_name not in _page(world.manager, url)
    assert world.facilitator.full_name in _page(world.manager, url)
    world.facilitator.supports.update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    assert world.facilitator.full_name not in _page(world.manager, url)


# --- the portfolio ---------------------------------------------------------------------------


def test_portfolio_shows_a_change_to_a_sheet_and_a_new_review(world):
    url = reverse("portfolio")
    assert "1 waiting" not in _page(world.facilitator, url)
    ProposalFactory(role=world.role, mission=world.mission, author=world.peer_worker)
    assert "1 waiting" in _page(world.facilitator, url)
    assert "No review yet." in _page(world.facilitator, url)
    Review.objects.create(structure=world.structure, author=world.facilitator, notes="Bien.")
    page = _page(world.facilitator, url)
    assert "No review yet." not in page
    assert "Last review today." in page


def test_portfolio_shows_a_structure_whose_support_begins_or_ends(world):
    url = reverse("portfolio")
    # The other facilitator supported L'Escale once, and supports Les Tilleuls today.
    assert world.structure.name not in _page(world.other_facilitator, url)
    world.other_facilitator.supports.filter(structure=world.structure).update(end_date=None)
    assert world.structure.name in _page(world.other_facilitator, url)
    RoleFactory(structure=world.other_structure, title="Pair·e aidant·e")
    assert "Pair·e aidant·e" in _page(world.other_facilitator, url)


def test_portfolio_shows_recommendations_followed_up_however_they_are_written(world):
    url = reverse("portfolio")
    review = ReviewFactory(structure=world.structure, author=world.facilitator)
    first, second = (
        RecommendationFactory(review=review, role=world.role),
        RecommendationFactory(review=review, role=world.role),
    )
    assert "0 recommendations followed up out of 2." in _page(world.facilitator, url)
    # A queryset update (the admin's bulk actions, a script) moves no revision nor date.
    Recommendation.objects.filter(pk=first.pk).update(
        status=RecommendationStatus.DONE, followed_up_at=timezone.now()
    )
    assert "1 recommendation followed up out of 2." in _page(world.facilitator, url)
    second.delete()
    assert "1 recommendation followed up out of 1." in _page(world.facilitator, url)
    review.delete()  # its recommendations go with it, by cascade
    assert "followed up out of" not in _page(world.facilitator, url)


def test_portfolio_counts_what_waits_for_each_facilitator(world):
    url = reverse("portfolio")
    colleague = FacilitatorSupportFactory(structure=world.structure).facilitator
    proposal = ProposalFactory(role=world.role, mission=world.mission, author=world.peer_worker)
    assert "1 proposal waits for your comment." in _page(world.facilitator, url)
    assert "1 proposal waits for your comment." in _page(colleague, url)
    ProposalCommentFactory(proposal=proposal, author=colleague)
    # The colleague has commented: nothing waits for them any more, it still waits for the
    # other facilitator.
    assert "1 proposal waits for your comment." in _page(world.facilitator, url)
    assert "1 proposal waits for your comment." not in _page(colleague, url)


# --- the proposal page -----------------------------------------------------------------------


def test_proposal_page_shows_new_messages_and_the_decision(world):
    proposal = ProposalFactory(role=world.role, mission=world.mission, author=world.peer_worker)
    url = proposal.get_absolute_url()
    assert "On en parle jeudi ?" not in _page(world.manager, url)
    proposals.comment_add(proposal=proposal, by=world.facilitator, body="On en parle jeudi ?")
    assert "On en parle jeudi ?" in _page(world.manager, url)
    accept = reverse("missions:proposal_accept", args=[proposal.pk])
    assert accept in _page(world.manager, url)
    proposals.proposal_decline(proposal=proposal, by=world.manager, reason="Pas cette année.")
    page = _page(world.manager, url)
    assert accept not in page
    assert "Pas cette année." in page


def test_proposal_page_shows_a_conflict_as_soon_as_the_mission_changes(world):
    proposal = proposals.proposal_create(
        role=world.role,
        by=world.peer_worker,
        kind=Proposal.Kind.CHANGE_MISSION,
        mission=world.mission,
        proposed={"title": "Rencontrer les personnes dehors"},
        rationale="Plus clair.",
    )
    url = proposal.get_absolute_url()
    before = _page(world.manager, url)
    services.mission_update(
        mission=world.mission,
        by=world.manager,
        revision=world.mission.revision,
        includes="Les permanences du mardi",
    )
    after = _page(world.manager, url)
    assert "Les permanences du mardi" not in before
    assert "Les permanences du mardi" in after


def test_proposal_page_shows_a_renamed_commenter(world):
    proposal = ProposalFactory(role=world.role, mission=world.mission, author=world.peer_worker)
    ProposalCommentFactory(proposal=proposal, author=world.facilitator)
    url = proposal.get_absolute_url()
    assert world.facilitator.full_name in _page(world.manager, url)
    world.facilitator.full_name = "Camille Renommée"
    world.facilitator.save()
    assert "Camille Renommée" in _page(world.manager, url)


def test_proposal_page_controls_follow_the_reader(world):
    proposal = ProposalFactory(role=world.role, mission=world.mission, author=world.peer_worker)
    url = proposal.get_absolute_url()
    accept = reverse("missions:proposal_accept", args=[proposal.pk])
    withdraw = reverse("missions:proposal_withdraw", args=[proposal.pk])
    manager_page = _page(world.manager, url)
    author_page = _page(world.peer_worker, url)
    facilitator_page = _page(world.facilitator, url)
    assert accept in manager_page
    assert withdraw not in manager_page
    assert withdraw in author_page
    assert accept not in author_page
    assert accept not in facilitator_page
    assert withdraw not in facilitator_page

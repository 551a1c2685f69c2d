"""The platform overview: totals across structures for platform admins, counts only."""

import datetime
import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from facilitation.overview import platform_counts
from missions.models import Proposal

from .factories import (
    FacilitatorSupportFactory,
    MissionFactory,
    ProposalFactory,
    RoleFactory,
    StructureFactory,
)

URL = reverse("platform_overview")
Status = Proposal.Status


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _decided(role, status, days_ago):
    return ProposalFactory(
        role=role,
        mission=role.missions.first(),
        status=status,
        decided_at=timezone.now() - datetime.timedelta(days=days_ago),
        decision_reason="Pas pour l'instant." if status == Status.DECLINED else "",
    )


@pytest.fixture
def platform(world):
    """Besides the world (2 structures, 1 role with 2 missions, one drawing on experience):"""
    third = StructureFactory(name="GEM Le Phare")
    FacilitatorSupportFactory(
        structure=third,
        start_date=timezone.localdate() + datetime.timedelta(days=1),  # not yet
    )
    RoleFactory(structure=third)  # no mission
    without = RoleFactory(structure=third)
    MissionFactory(role=without, lived_experience="")
    _decided(world.role, Status.ACCEPTED, days_ago=1)
    _decided(world.role, Status.ACCEPTED, days_ago=89)
    _decided(world.role, Status.DECLINED, days_ago=10)
    _decided(world.role, Status.WITHDRAWN, days_ago=30)
    _decided(world.role, Status.ACCEPTED, days_ago=91)  # too old
    ProposalFactory(role=world.role, mission=world.mission)  # still open
    return world


def test_counts(platform, django_assert_num_queries):
    with django_assert_num_queries(4):
        counts = platform_counts()
    assert counts.structures == 3
    assert counts.supported_structures == 2  # the world's two; the third's starts tomorrow
    assert counts.roles == 3
    assert counts.missions == 3
    assert counts.roles_with_lived_mission == 1
    assert counts.lived_share == 33
    assert (counts.proposals_accepted, counts.proposals_declined) == (2, 1)
    assert counts.proposals_withdrawn == 1
    assert counts.proposals_decided == 4


def test_no_role_no_share(db):
    counts = platform_counts()
    assert (counts.structures, counts.roles, counts.lived_share) == (0, 0, None)


def _cell(page, name):
    match = re.search(rf'id="count-{name}">\s*(.*?)\s*</td>', page, re.S)
    return match.group(1)


def test_page_shows_the_counts(client, platform):
    client.force_login(platform.admin)
    response = client.get(URL)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "<h1>Platform overview</h1>" in page
    assert _cell(page, "structures") == "3"
    assert _cell(page, "supported") == "2"
    assert _cell(page, "roles") == "3"
    assert _cell(page, "missions") == "3"
    assert _cell(page, "lived") == "1 of 3 (33%)"
    assert _cell(page, "accepted") == "2"
    assert _cell(page, "declined") == "1"
    assert _cell(page, "withdrawn") == "1"
    assert _cell(page, "decided") == "4"
    assert "Proposals decided in the last 90 days" in page
    assert "<caption" in page
    assert '<th scope="row">' in page


def test_page_names_nobody(client, platform):
    client.force_login(platform.admin)
    page = html.unescape(client.get(URL).content.decode())
    main = page[page.index('<main id="main"') : page.index("</main>")]
    for person in (
        platform.manager,
        platform.peer_worker,
        platform.facilitator,
        platform.other_manager,
    ):
        assert person.email not in page
        assert person.get_full_name() not in main
    assert "@" not in main
    # No structure, role or mission is named either.
    for name in (platform.structure.name, platform.role.title, platform.mission.title):
        assert name not in main


@pytest.mark.parametrize(
    "actor",
    [
        "manager",
        "peer_worker",
        "other_peer_worker",
        "facilitator",
        "other_manager",
        "other_facilitator",
    ],
)
def test_others_get_404(client, world, actor):
    client.force_login(getattr(world, actor))
    response = client.get(URL)
    assert response.status_code == 404
    assert b"Platform overview" not in response.content


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_links_to_it_for_admins(client, world):
    client.force_login(world.admin)
    assert URL in client.get(reverse("home")).content.decode()


def test_page_query_count_is_fixed(client, platform, django_assert_num_queries):
    client.force_login(platform.admin)
    # Session + user + savepoint pair, then the four counts.
    with django_assert_num_queries(8):
        assert client.get(URL).status_code == 200

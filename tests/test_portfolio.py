"""The facilitator's portfolio: the structures a person supports today, with the indicators of
their role sheets, sorted and filtered; and the home page leading there.

About 460 lines: one module per feature, in sections: who sees what, indicators, sort and
filter, query count, the home page, recommendations followed up.
"""

import datetime
import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from facilitation.models import Review
from facilitation.portfolio import supported_counters, supported_structures
from missions.models import Proposal
from roles.counters import with_sheets_total
from sheets.models import RoleSheetVersion, Signature
from sheets.versions import version_answer, version_request
from structures.models import Capacity

from .factories import (
    DailyTaskFactory,
    FacilitatorSupportFactory,
    MembershipFactory,
    MissionFactory,
    ProposalFactory,
    ReviewFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StructureFactory,
    UserFactory,
)

URL = reverse("portfolio")
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def client(client):
    """Pages in English whatever the account's language (the cookie wins)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _structures_shown(page):
    """Names of the structures in the page, in their order (the h2 of each section)."""
    return re.findall(r'<h2 id="structure-\d+" class="h3"><a href="[^"]*">([^<]*)</a>', page)


def _adopt(role, *, days_ago=0, signed_by=()):
    """An adopted version of `role`, signed by `signed_by` (directly, to set its date)."""
    version = RoleSheetVersion.objects.create(
        role=role,
        number=role.versions.count() + 1,
        snapshot={},
        status=RoleSheetVersion.Status.ADOPTED,
        adopted_at=timezone.now() - datetime.timedelta(days=days_ago),
        # Comes back for review a year after adoption, as sheets.reviews sets it.
        review_on=timezone.localdate()
        - datetime.timedelta(days=days_ago)
        + datetime.timedelta(days=365),
    )
    for person in signed_by:
        Signature.objects.create(
            version=version,
            signer=person,
            decision=Signature.Decision.SIGNED,
            decided_at=timezone.now(),
        )
    return version


def _healthy_structure(name, facilitator):
    """A structure whose only role has no warning at all."""
    structure = StructureFactory(name=name)
    FacilitatorSupportFactory(structure=structure, facilitator=facilitator)
    role = RoleFactory(structure=structure)
    mission = MissionFactory(role=role)  # draws on lived experience
    DailyTaskFactory(mission=mission)
    peer_worker = MembershipFactory(structure=structure).user
    RoleAssignmentFactory(role=role, peer_worker=peer_worker)
    _adopt(role, days_ago=3, signed_by=[peer_worker])
    return structure


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, shown",
    [
        (-30, None, True),  # ongoing
        (-30, 0, True),  # ends today: the last day counts
        (0, None, True),  # starts today
        (-400, -1, False),  # ended yesterday
        (1, None, False),  # starts tomorrow
        (1, 30, False),  # a future period
    ],
)
def test_support_dates_are_respected(client, world, start, end, shown):
    facilitator = UserFactory()
    FacilitatorSupportFactory(
        facilitator=facilitator,
        structure=world.structure,
        start_date=TODAY() + start * DAY,
        end_date=None if end is None else TODAY() + end * DAY,
    )
    page = _page(client, facilitator)
    assert (world.structure.name in page) is shown
    assert (world.role.title in page) is shown
    assert (world.role.get_absolute_url() in page) is shown
    if not shown:
        assert "You do not support any structure today." in page


def test_facilitator_sees_only_the_structures_supported_today(client, world):
    page = _page(client, world.facilitator)
    assert _structures_shown(page) == [world.structure.name]
    assert world.other_structure.name not in page

    # Supported once (ended yesterday), and today another one.
    page = _page(client, world.other_facilitator)
    assert _structures_shown(page) == [world.other_structure.name]
    assert world.structure.name not in page
    assert world.role.title not in page


@pytest.mark.parametrize("actor", ["manager", "peer_worker", "admin"])
def test_people_who_support_nothing_get_the_empty_state(client, world, actor):
    page = _page(client, getattr(world, actor))
    assert "You do not support any structure today." in page
    assert "when a platform admin records that you support a structure" in page.lower()
    assert _structures_shown(page) == []
    assert world.role.title not in page


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_membership_is_not_support(client, world):
    """A manager of the structure who also supports another one sees only the latter."""
    supported = StructureFactory(name="GEM Le Phare")
    FacilitatorSupportFactory(facilitator=world.manager, structure=supported)
    page = _page(client, world.manager)
    assert _structures_shown(page) == ["GEM Le Phare"]


# --- indicators ------------------------------------------------------------------------------


def test_indicators_are_shown_with_text(client, world):
    # The world's role: 2 missions, the first draws on lived experience, 50% of the time,
    # no version adopted.
    poor = RoleFactory(structure=world.structure, title="Pair·e sans vécu", purpose="")
    MissionFactory(role=poor, lived_experience="")  # no task, no lived experience
    worked = MissionFactory(role=poor, lived_experience="")
    DailyTaskFactory(mission=worked, minutes_per_week=120)
    ProposalFactory(
        role=world.role,
        mission=world.mission,
        author=world.peer_worker,
        created_at=timezone.now() - 12 * DAY,
    )

    page = _page(client, world.facilitator)

    assert "Role sheets of CAARUD L'Escale and their indicators" in page
    assert '<th scope="col">Raison d\'être</th>' in page
    assert f'<a href="{poor.get_absolute_url()}">Pair·e sans vécu</a>' in page
    assert f'<a href="{world.role.get_absolute_url()}">{world.role.title}</a>' in page
    # the poor role
    assert "missing" in page
    assert "1 without daily tasks" in page
    assert "no mission draws on it" in page
    assert "0% of the time, under the 50% threshold" in page
    # the world's role
    assert "1 of 2 missions draws on it" in page
    assert "50% of the time (a warning under 50%)" in page
    assert "1 waiting, for 12 days" in page
    assert "no version signed by both sides yet" in page
    assert "No review yet." in page
    # Each indicator says it in words: every warning class carries text.
    for text in re.findall(r'class="indicator-warn[^"]*">([^<]*)<', page):
        assert text.strip()


def test_signatures_adoption_and_last_review(client, world):
    _adopt(world.role, days_ago=30, signed_by=[])  # the assigned peer worker has not signed
    Review.objects.create(
        structure=world.structure, author=world.facilitator, notes="Bien.", reviewed_on=TODAY()
    )
    Review.objects.create(
        structure=world.structure,
        author=world.facilitator,
        notes="À suivre.",
        reviewed_on=TODAY() - 40 * DAY,
    )
    page = _page(client, world.facilitator)
    assert "version 1, adopted 30 days ago" in page
    assert "1 peer worker has not signed it" in page
    assert "Last review today." in page  # the latest review counts
    assert "40 days ago" not in page

    Signature.objects.create(
        version=world.role.versions.get(),
        signer=world.peer_worker,
        decision=Signature.Decision.SIGNED,
        decided_at=timezone.now(),
    )
    page = _page(client, world.facilitator)
    assert "signed by the peer workers holding the role" in page


def test_structure_without_roles_is_flagged(client, world):
    empty = StructureFactory(name="Accueil de jour Vide")
    FacilitatorSupportFactory(facilitator=world.facilitator, structure=empty)
    page = _page(client, world.facilitator)
    assert "No role sheet yet: the role of the peer worker is not described." in page


def test_links_to_the_report(client, world):
    page = _page(client, world.facilitator)
    assert reverse("facilitation:report_csv", kwargs={"slug": world.structure.slug}) in page


# --- sort and filter -------------------------------------------------------------------------


@pytest.fixture
def three(world):
    """Three structures supported by the world's facilitator, besides the world's own."""
    healthy = _healthy_structure("A healthy", world.facilitator)
    warned = StructureFactory(name="B warned")
    FacilitatorSupportFactory(structure=warned, facilitator=world.facilitator)
    RoleFactory(structure=warned, purpose="")  # no purpose, no mission, not adopted
    reviewed = _healthy_structure("C reviewed", world.facilitator)
    Review.objects.create(structure=reviewed, notes="Revue.", reviewed_on=TODAY() - 10 * DAY)
    Review.objects.create(structure=healthy, notes="Revue.", reviewed_on=TODAY() - 100 * DAY)
    return world


def test_sort_by_name_is_the_default(client, three):
    page = _page(client, three.facilitator)
    assert _structures_shown(page) == ["A healthy", "B warned", "C reviewed", "CAARUD L'Escale"]
    assert "4 structures shown out of 4." in page


def test_sort_by_number_of_warnings(client, three):
    page = _page(client, three.facilitator, sort="warnings")
    # B: 3 warnings; the world's role: 1; the healthy ones: none, by name.
    assert _structures_shown(page) == ["B warned", "CAARUD L'Escale", "A healthy", "C reviewed"]
    assert '<option value="warnings" selected>' in page


def test_sort_by_last_review(client, three):
    page = _page(client, three.facilitator, sort="review")
    # Never reviewed first (by name), then the oldest review.
    assert _structures_shown(page) == ["B warned", "CAARUD L'Escale", "A healthy", "C reviewed"]
    assert "Last review on" in page


def test_filter_only_structures_with_a_warning(client, three):
    page = _page(client, three.facilitator, warnings_only="on")
    assert _structures_shown(page) == ["B warned", "CAARUD L'Escale"]
    assert "2 structures shown out of 4." in page
    assert 'name="warnings_only" class="form-check-input" id="id_warnings_only" checked' in page


def test_filter_can_leave_nothing(client, db):
    facilitator = UserFactory()
    _healthy_structure("Tout va bien", facilitator)
    page = _page(client, facilitator, warnings_only="on")
    assert _structures_shown(page) == []
    assert "None of the structures you support has a warning right now." in page
    assert f'href="{URL}"' in page


def test_unknown_sort_falls_back_to_the_name(client, three):
    page = _page(client, three.facilitator, sort="'; drop table")
    assert _structures_shown(page) == ["A healthy", "B warned", "C reviewed", "CAARUD L'Escale"]


def test_every_control_has_a_label(client, world):
    page = _page(client, world.facilitator)
    assert '<label for="id_sort" class="form-label">Sort by</label>' in page
    assert '<label for="id_warnings_only" class="form-check-label">' in page
    assert 'method="get"' in page


# --- query count -----------------------------------------------------------------------------

# Session + user + the request's savepoint pair (ATOMIC_REQUESTS), then the page's own: the
# supported structures with their last review and the counters of their sheets, and when something
# changed since the page was last shown: the structures, their roles with indicators, the
# missions reported drifting and the work reported outside the sheets in their check-ins, and
# the figures of the structures' trend charts (one query; the charts come through <img>).
PORTFOLIO_QUERIES = 5
PORTFOLIO_CHANGED_QUERIES = PORTFOLIO_QUERIES + 5


@pytest.mark.parametrize("size", [1, 10])
def test_portfolio_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for index in range(size):
        structure = StructureFactory()
        FacilitatorSupportFactory(structure=structure, facilitator=world.facilitator)
        Review.objects.create(structure=structure, notes="Revue.")
        for _ in range(2):
            role = RoleFactory(structure=structure, with_missions=2)
            MissionFactory(role=role, lived_experience="")  # without tasks
            ProposalFactory(role=role)
            if index % 2:
                _adopt(role, signed_by=[RoleAssignmentFactory(role=role).peer_worker])
    client.force_login(world.facilitator)
    with django_assert_num_queries(PORTFOLIO_CHANGED_QUERIES):
        response = client.get(URL, {"sort": "warnings"})
    assert response.status_code == 200
    assert len(_structures_shown(html.unescape(response.content.decode()))) == size + 1
    with django_assert_num_queries(PORTFOLIO_QUERIES):
        again = client.get(URL, {"sort": "warnings"})
    assert _structures_shown(html.unescape(again.content.decode())) == _structures_shown(
        html.unescape(response.content.decode())
    )
    assert Proposal.objects.count() == 2 * size


# --- the home page leads there ---------------------------------------------------------------


def test_home_redirects_a_facilitator_who_belongs_to_no_structure(client, world):
    client.force_login(world.facilitator)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == URL


def test_home_without_any_structure_stays_home(client, world):
    client.force_login(UserFactory())
    assert client.get(reverse("home")).status_code == 200


def test_home_links_to_the_portfolio_for_a_member_who_also_supports(client, world):
    FacilitatorSupportFactory(facilitator=world.other_manager, structure=world.structure)
    client.force_login(world.other_manager)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a class="btn btn-primary" href="{URL}">Open my portfolio</a>' in page


def test_home_has_no_portfolio_link_for_others(client, world):
    client.force_login(world.manager)
    assert URL not in client.get(reverse("home")).content.decode()


def test_home_links_to_the_overview_for_platform_admins(client, world):
    MembershipFactory(user=world.admin, structure=world.other_structure, capacity=Capacity.MANAGER)
    client.force_login(world.admin)
    assert reverse("platform_overview") in client.get(reverse("home")).content.decode()
    client.force_login(world.manager)
    assert reverse("platform_overview") not in client.get(reverse("home")).content.decode()


# --- recommendations followed up, and the structure page's word for a complete sheet ---------


@pytest.mark.parametrize(
    "followed, expected_fr, expected_en",
    [
        (0, "0 recommandation suivie sur 3.", "0 recommendations followed up out of 3."),
        (1, "1 recommandation suivie sur 3.", "1 recommendation followed up out of 3."),
        (2, "2 recommandations suivies sur 3.", "2 recommendations followed up out of 3."),
    ],
)
def test_the_portfolio_counts_the_recommendations_followed_up(
    client, world, followed, expected_fr, expected_en
):
    from facilitation.models import RecommendationStatus

    from .factories import RecommendationFactory

    review = ReviewFactory(structure=world.structure, author=world.facilitator)
    for index in range(3):
        done = index < followed
        RecommendationFactory(
            review=review,
            status=RecommendationStatus.DONE if done else RecommendationStatus.OPEN,
            followed_up_by=world.manager if done else None,
            followed_up_at=timezone.now() if done else None,
        )
    assert expected_en in _page(client, world.facilitator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = _page(client, world.facilitator)
    assert expected_fr in page
    assert "recommandation(s)" not in page and "suivie(s)" not in page


def test_a_structure_without_recommendations_says_nothing_of_them(client, world):
    assert "followed up out of" not in _page(client, world.facilitator)


def test_the_structure_page_and_the_portfolio_agree_on_a_complete_sheet(client, world):
    """A sheet whose content is complete but which waits for a decision and a signature is not
    "complete" on the structure page, as the portfolio shows its warnings."""
    healthy = _healthy_structure("Le Phare", world.facilitator)
    role = healthy.roles.get()
    client.force_login(world.facilitator)
    page = html.unescape(client.get(healthy.get_absolute_url()).content.decode())
    assert "This role sheet is complete." in page
    assert "No warning" in _page(client, world.facilitator)

    ProposalFactory(role=role, mission=role.missions.first(), author=world.facilitator)
    page = html.unescape(client.get(healthy.get_absolute_url()).content.decode())
    assert "This role sheet is complete." not in page
    assert "1 proposal waits for a decision" in page
    portfolio = _page(client, world.facilitator)
    assert "1 warning" in portfolio.split("Le Phare")[1]


def test_what_the_portfolio_is_kept_on_matches_the_orm(world):
    """The portfolio's key is read by one fixed statement: the structures supported today, each
    with its page counter and its sheets' counters, as the ORM's query says (a support ended,
    one to come and another facilitator's are left out)."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    for start, end in [(-30, 30), (-30, -1), (1, None), (-5, None), (0, 0)]:
        FacilitatorSupportFactory(
            facilitator=world.facilitator,
            start_date=today + start * day,
            end_date=None if end is None else today + end * day,
        )
    FacilitatorSupportFactory()  # someone else's
    RoleFactory(structure=world.structure, with_missions=2)
    orm = list(
        with_sheets_total(supported_structures(world.facilitator, annotate=False))
        .order_by("pk")
        .values_list("pk", "page_counter", "sheets_total")
    )
    assert len(orm) == 4  # the world's structure, the one in force, the open one, today's
    assert supported_counters(world.facilitator) == [(pk, page, int(t)) for pk, page, t in orm]


def test_a_sheet_adopted_and_a_review_written_today_say_today(client, world):
    """Not "0 days ago"."""
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    version_answer(version=version, by=world.peer_worker, decision="signed")
    ReviewFactory(structure=world.structure, author=world.facilitator, reviewed_on=TODAY())
    client.force_login(world.facilitator)
    page = html.unescape(client.get(URL).content.decode())
    assert "version 1, adopted today" in page
    assert "Last review today." in page
    assert not re.search(r"\b0 days?\b", page)

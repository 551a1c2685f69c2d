"""Facilitation, end to end in Chromium, with two people in two browsers.

A facilitator supports two structures today (one with a healthy role sheet, one with a flagged
one) and supported a third in the past. On a desktop they log in and land on their portfolio,
keep only the structures with a warning, open the flagged sheet from its row, read its warnings,
then write a review of the structure with one recommendation about that role. The portfolio
also holds at 360 px. The manager of the structure opens the review from the structure page and
marks the recommendation done; the facilitator reloads the review and reads the follow-up.
axe-core finds nothing on the pages visited.

The browsers ask for English (Accept-Language); the accounts have no saved language, so the app
follows the browser and the locators below use the English texts of the templates.
"""

import re

import pytest
from playwright.sync_api import expect

from roles.models import RoleSheetVersion, Signature
from roles.versions import version_answer, version_request
from structures.models import Capacity, Recommendation, RecommendationStatus, Review
from tests.factories import (
    DailyTaskFactory,
    FacilitatorSupportFactory,
    MembershipFactory,
    MissionFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StructureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

NOTES = "Visite du 12 : l'équipe accueille bien la travailleuse paire, la fiche reste floue."
RECOMMENDATION = (
    "Écrire la raison d'être du rôle avec la travailleuse paire, et dire comment son vécu "
    "sert chaque mission."
)


@pytest.fixture
def portfolio():
    """A facilitator supporting two structures today and one in the past.

    - "Accueil de jour Les Tilleuls": a complete sheet, adopted and signed by both sides.
    - "CHRS Le Phare": a sheet with no raison d'être, a mission without tasks, and no mission
      drawing on lived experience; it has a manager.
    - "CAARUD Ancien Soutien": supported until yesterday, with a flagged sheet too.
    """
    facilitator = UserFactory(email="facil@example.org", full_name="Dominique Facil")

    # --- healthy: every mission draws on lived experience and has tasks; version 1 adopted ---
    healthy = StructureFactory(name="Accueil de jour Les Tilleuls", slug="les-tilleuls")
    FacilitatorSupportFactory(facilitator=facilitator, structure=healthy)
    healthy_manager = MembershipFactory(structure=healthy, capacity=Capacity.MANAGER).user
    healthy_peer = MembershipFactory(structure=healthy, capacity=Capacity.PEER_WORKER).user
    healthy_role = RoleFactory(structure=healthy, title="Pair·e accueillant·e")
    for index, title in enumerate(["Rencontrer les personnes à l'accueil", "Groupe de parole"]):
        mission = MissionFactory(
            role=healthy_role,
            title=title,
            position=index,
            lived_experience="Mon vécu de la rue aide à créer la confiance.",
        )
        DailyTaskFactory.create_batch(2, mission=mission)
    RoleAssignmentFactory(role=healthy_role, peer_worker=healthy_peer)
    version = version_request(role=healthy_role, by=healthy_manager)
    for signer in (healthy_manager, healthy_peer):
        version_answer(version=version, by=signer, decision=Signature.Decision.SIGNED)

    # --- flagged: no raison d'être, a mission without tasks, nothing drawing on lived experience
    flagged = StructureFactory(name="CHRS Le Phare", slug="le-phare")
    FacilitatorSupportFactory(facilitator=facilitator, structure=flagged)
    manager = MembershipFactory(
        structure=flagged,
        capacity=Capacity.MANAGER,
        user__email="resp@example.org",
        user__full_name="Camille Resp",
    ).user
    flagged_peer = MembershipFactory(structure=flagged, capacity=Capacity.PEER_WORKER).user
    flagged_role = RoleFactory(structure=flagged, title="Médiateur·rice pair·e", purpose="")
    with_tasks = MissionFactory(
        role=flagged_role, title="Accueil au standard", position=0, lived_experience=""
    )
    DailyTaskFactory.create_batch(2, mission=with_tasks)
    MissionFactory(role=flagged_role, title="Aide au ménage", position=1, lived_experience="")
    RoleAssignmentFactory(role=flagged_role, peer_worker=flagged_peer)

    # --- supported only in the past: must not show, even though its sheet is flagged ---------
    past = StructureFactory(name="CAARUD Ancien Soutien", slug="ancien-soutien")
    FacilitatorSupportFactory(facilitator=facilitator, structure=past, ended=True)
    RoleFactory(structure=past, title="Rôle d'autrefois", purpose="")

    return {
        "facilitator": facilitator,
        "manager": manager,
        "healthy": healthy,
        "healthy_role": healthy_role,
        "flagged": flagged,
        "flagged_role": flagged_role,
        "past": past,
    }


def log_in(page, base_url, user):
    """Log in through the real form from the home page."""
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("password")
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_facilitator_reviews_a_flagged_structure_and_manager_follows_up(
    live_server, browser, axe_check, portfolio
):
    facilitator_user, manager_user = portfolio["facilitator"], portfolio["manager"]
    flagged, healthy, past = portfolio["flagged"], portfolio["healthy"], portfolio["past"]
    role = portfolio["flagged_role"]

    facilitator_context = browser.new_context(viewport=DESKTOP, locale="en-US")
    manager_context = browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        facilitator = facilitator_context.new_page()
        manager = manager_context.new_page()

        # --- 1. The facilitator lands on the portfolio: the two structures supported today ---
        log_in(facilitator, live_server.url, facilitator_user)
        facilitator.wait_for_url("**/portfolio/")
        main = facilitator.get_by_role("main")
        expect(facilitator.get_by_role("heading", level=1)).to_have_text("My portfolio")
        expect(main).to_contain_text("2 structures shown out of 2.")
        expect(main.get_by_role("heading", name=healthy.name)).to_be_visible()
        expect(main.get_by_role("heading", name=flagged.name)).to_be_visible()
        expect(main).not_to_contain_text(past.name)

        # --- 2. Only the structures with a warning (a GET form, no JavaScript needed) ---------
        filters = facilitator.get_by_role("form", name="Sort and filter the structures")
        filters.get_by_label("Only structures with a warning").check()
        filters.get_by_role("button", name="Show").click()
        facilitator.wait_for_url(re.compile(r"/portfolio/\?.*warnings_only=on"))
        expect(filters.get_by_label("Only structures with a warning")).to_be_checked()
        expect(main).to_contain_text("1 structure shown out of 2.")
        expect(main.get_by_role("heading", name=flagged.name)).to_be_visible()
        expect(main.get_by_role("heading", name=healthy.name)).to_have_count(0)
        expect(main).not_to_contain_text(past.name)
        section = facilitator.get_by_role("region", name=flagged.name)
        table = section.get_by_role("table", name=f"Role sheets of {flagged.name}")
        row = table.get_by_role("row", name=re.compile(re.escape(role.title)))
        expect(row).to_contain_text("missing")  # raison d'être
        expect(row).to_contain_text("1 without daily tasks")
        expect(row).to_contain_text("no mission draws on it")
        expect(row).to_contain_text("no version signed by both sides yet")
        axe_check(facilitator)

        # The same filtered portfolio on a phone: nothing scrolls sideways.
        facilitator.set_viewport_size(PHONE)
        expect(main).to_contain_text("1 structure shown out of 2.")
        assert_no_sideways_scroll(facilitator)
        axe_check(facilitator)
        facilitator.set_viewport_size(DESKTOP)

        # --- 3. The flagged sheet, opened from its row, says what is wrong -------------------
        row.get_by_role("link", name=role.title).click()
        facilitator.wait_for_url(f"**{role.get_absolute_url()}")
        expect(facilitator.get_by_role("heading", level=1)).to_have_text(role.title)
        health = facilitator.get_by_role("region", name="Is this role sheet clear?")
        expect(health).to_contain_text("The raison d'être is not written")
        expect(health).to_contain_text("1 mission(s) have no daily task")
        expect(health).to_contain_text("No mission says how lived experience is put to work")
        expect(facilitator.get_by_role("region", name="Raison d'être")).to_contain_text(
            "Not written yet."
        )
        expect(facilitator.get_by_role("region", name="Agreed together?")).to_contain_text(
            "No version of this sheet has been signed by both sides yet."
        )
        # A facilitator never edits a role sheet.
        expect(facilitator.get_by_role("link", name="Edit the role")).to_have_count(0)
        expect(facilitator.get_by_role("link", name=re.compile("^Add a task"))).to_have_count(0)
        axe_check(facilitator)

        # --- 4. To the structure's reviews, and a review with one recommendation -------------
        breadcrumbs = facilitator.get_by_role("navigation", name="You are here")
        breadcrumbs.get_by_role("link", name=flagged.name).click()
        facilitator.wait_for_url(f"**{flagged.get_absolute_url()}")
        facilitator.get_by_role("main").get_by_role("link", name="Reviews by the platform").click()
        facilitator.wait_for_url(f"**/structures/{flagged.slug}/reviews/")
        expect(facilitator.get_by_role("main")).to_contain_text("No review yet.")
        facilitator.get_by_role("link", name="Write a review").click()
        expect(facilitator.get_by_role("heading", level=1)).to_have_text("Write a review")
        axe_check(facilitator)

        facilitator.get_by_label("Notes").fill(NOTES)
        first = facilitator.get_by_role("group", name="Recommendation 1")
        first.get_by_label("Recommendation", exact=True).fill(RECOMMENDATION)
        first.get_by_label("About the role (optional)").select_option(label=role.title)
        facilitator.get_by_role("button", name="Save the review").click()
        facilitator.wait_for_url(re.compile(rf"/structures/{flagged.slug}/reviews/\d+/$"))
        review_url = facilitator.url
        expect(facilitator.get_by_role("status")).to_contain_text("Your review was saved.")
        expect(facilitator.get_by_role("heading", level=1)).to_contain_text("Review of")
        expect(facilitator.get_by_role("region", name="Notes")).to_contain_text(NOTES)
        recommendations = facilitator.get_by_role("region", name="Recommendations")
        expect(recommendations).to_contain_text(f"About the role “{role.title}”")
        expect(recommendations).to_contain_text(RECOMMENDATION)
        expect(recommendations).to_contain_text("Follow-up: To follow up")
        # Only the managers follow up.
        expect(
            facilitator.get_by_role("button", name=re.compile("^Save the follow-up"))
        ).to_have_count(0)
        axe_check(facilitator)

        # --- 5. The manager opens the review from the structure page and marks it done --------
        log_in(manager, live_server.url, manager_user)
        manager.goto(live_server.url + flagged.get_absolute_url())
        manager.get_by_role("main").get_by_role("link", name="Reviews by the platform").click()
        manager.wait_for_url(f"**/structures/{flagged.slug}/reviews/")
        expect(manager.get_by_role("main")).to_contain_text("1 to follow up")
        # Reviews are written by the facilitator only.
        expect(manager.get_by_role("link", name="Write a review")).to_have_count(0)
        axe_check(manager)
        manager.get_by_role("main").get_by_role("link", name=re.compile("^Review of")).click()
        manager.wait_for_url(review_url)
        expect(manager.get_by_role("region", name="Notes")).to_contain_text(NOTES)
        axe_check(manager)

        recommendation = manager.locator(".recommendation").filter(has_text=RECOMMENDATION)
        recommendation.get_by_label("Done").check()
        recommendation.get_by_role("button", name=re.compile("^Save the follow-up")).click()
        expect(manager.get_by_role("status")).to_contain_text("Your follow-up was saved.")
        expect(recommendation).to_contain_text("Follow-up: Done · by Camille Resp on")
        expect(
            recommendation.get_by_role("button", name=re.compile("^Change the follow-up"))
        ).to_be_visible()
        axe_check(manager)

        # --- 6. The facilitator reloads the review and reads the follow-up -------------------
        facilitator.reload()
        recommendations = facilitator.get_by_role("region", name="Recommendations")
        expect(recommendations).to_contain_text("Follow-up: Done · by Camille Resp on")
        expect(recommendations).not_to_contain_text("To follow up")
        axe_check(facilitator)
    finally:
        facilitator_context.close()
        manager_context.close()

    # --- 7. What the database says -------------------------------------------------------------
    review = Review.objects.get()
    assert review.structure == flagged
    assert review.author == facilitator_user
    assert review.notes == NOTES
    recommendation = Recommendation.objects.get()
    assert recommendation.review == review
    assert recommendation.text == RECOMMENDATION
    assert recommendation.role_id == role.pk
    assert recommendation.mission is None
    assert recommendation.status == RecommendationStatus.DONE
    assert recommendation.followed_up_by == manager_user
    assert recommendation.followed_up_at is not None
    # The healthy sheet really was healthy: adopted, signed by both sides.
    assert RoleSheetVersion.objects.get(role=portfolio["healthy_role"]).status == "adopted"

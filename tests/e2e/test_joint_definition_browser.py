"""Joint definition, end to end in Chromium, with two people in two browsers.

A peer worker on a 360x740 phone proposes a change to a mission's delimitation (preview, then
send); the manager, on a desktop, accepts it from "Waiting for me"; the manager asks for
signatures and signs version 1; the peer worker signs it too and the sheet says it is adopted.
axe-core finds nothing on the pages visited, and nothing scrolls sideways on the phone.

The browsers ask for English (Accept-Language); the accounts have no saved language, so the app
follows the browser and the locators below use the English texts of the templates.
"""

import re

import pytest
from playwright.sync_api import expect

from missions.models import Latitude, Mission, Proposal
from roles.models import RoleSheetVersion, Signature
from structures.models import Capacity
from tests.factories import (
    DailyTaskFactory,
    MembershipFactory,
    MissionFactory,
    RoleAssignmentFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

NEW_INCLUDES = "Les tournées de rue, le soir et aussi le matin une fois par semaine."
NEW_EXCLUDES = (
    "La distribution des repas et les démarches administratives à la place des personnes."
)
REASON = "Le matin, on rencontre des personnes qu'on ne voit jamais le soir."


@pytest.fixture
def team():
    """A structure with a manager and a peer worker who holds a role of two missions with tasks.

    The first mission's latitude is "in pair": the peer worker cannot change it alone and
    must propose.
    """
    manager = MembershipFactory(
        capacity=Capacity.MANAGER, user__email="resp@example.org", user__full_name="Camille Resp"
    ).user
    structure = manager.memberships.get().structure
    peer_worker = MembershipFactory(
        structure=structure,
        capacity=Capacity.PEER_WORKER,
        user__email="pair@example.org",
        user__full_name="Sam Pair",
    ).user
    role = RoleFactory(structure=structure)
    missions = []
    for index, title in enumerate(["Rencontrer les personnes à la rue", "Médiation avec l'équipe"]):
        mission = MissionFactory(role=role, title=title, position=index, latitude=Latitude.IN_PAIR)
        DailyTaskFactory.create_batch(2, mission=mission)
        missions.append(mission)
    RoleAssignmentFactory(role=role, peer_worker=peer_worker)
    return {"manager": manager, "peer_worker": peer_worker, "role": role, "mission": missions[0]}


def log_in(page, base_url, user, path):
    """Go to `path` anonymously, log in through the real form, land back on `path`."""
    page.goto(base_url + path)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("password")
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{path}")


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def mission_card(page, mission):
    return page.get_by_role("article", name=mission.title)


def test_peer_worker_proposes_manager_accepts_and_both_sign(live_server, browser, axe_check, team):
    role, mission = team["role"], team["mission"]
    before_includes, before_excludes = mission.includes, mission.excludes
    sheet_url = role.get_absolute_url()

    peer_context = browser.new_context(viewport=PHONE, locale="en-US")
    manager_context = browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        peer = peer_context.new_page()
        manager = manager_context.new_page()

        # --- 1. The peer worker, on a phone, proposes a new delimitation ---------------------
        log_in(peer, live_server.url, team["peer_worker"], sheet_url)
        expect(peer.get_by_role("heading", level=1)).to_have_text(role.title)
        card = mission_card(peer, mission)
        expect(card).to_contain_text(before_includes)
        # In pair: no direct editing, only proposing.
        expect(peer.get_by_role("link", name=re.compile("^Edit the mission"))).to_have_count(0)
        assert_no_sideways_scroll(peer)
        axe_check(peer)

        card.get_by_role("link", name=re.compile("^Propose a change to this mission")).click()
        expect(peer.get_by_role("heading", level=1)).to_contain_text(mission.title)
        includes = peer.get_by_label("What the mission includes")
        excludes = peer.get_by_label("What the mission does not include")
        # The form starts from the current values.
        expect(includes).to_have_value(before_includes)
        expect(excludes).to_have_value(before_excludes)
        assert_no_sideways_scroll(peer)
        axe_check(peer)

        includes.fill(NEW_INCLUDES)
        excludes.fill(NEW_EXCLUDES)
        peer.get_by_label("Why do you propose this?").fill(REASON)
        peer.get_by_role("button", name="Preview what would change").click()

        preview = peer.get_by_role("region", name="What would change")
        expect(preview).to_be_visible()
        changes = preview.locator(".proposal-change")
        # Field by field: exactly the two delimitation fields, before and proposed.
        expect(changes).to_have_count(2)
        expect(changes.nth(0)).to_contain_text("What the mission includes")
        expect(changes.nth(0)).to_contain_text(before_includes)
        expect(changes.nth(0)).to_contain_text(NEW_INCLUDES)
        expect(changes.nth(1)).to_contain_text("What the mission does not include")
        expect(changes.nth(1)).to_contain_text(before_excludes)
        expect(changes.nth(1)).to_contain_text(NEW_EXCLUDES)
        # Nothing is saved by a preview, and what was typed is still in the form.
        assert not Proposal.objects.exists()
        expect(includes).to_have_value(NEW_INCLUDES)
        assert_no_sideways_scroll(peer)
        axe_check(peer)

        peer.get_by_role("button", name="Send the proposal").click()
        peer.wait_for_url(re.compile(r"/proposals/\d+/$"))
        expect(peer.get_by_role("status")).to_contain_text("Your proposal was sent")
        expect(peer.get_by_text("Waiting for a decision", exact=True)).to_be_visible()
        expect(peer.get_by_role("region", name="Why")).to_contain_text(REASON)
        expect(peer.get_by_role("region", name="What would change")).to_contain_text(NEW_EXCLUDES)
        # The peer worker does not decide.
        expect(peer.get_by_role("button", name="Accept and change the role sheet")).to_have_count(0)
        assert_no_sideways_scroll(peer)
        axe_check(peer)
        proposal_url = peer.url

        # --- 2. The manager, on a desktop, accepts it from "Waiting for me" ------------------
        log_in(manager, live_server.url, team["manager"], "/waiting/")
        to_decide = manager.get_by_role("region", name="1 proposal waits for your decision")
        expect(to_decide).to_contain_text(role.title)
        axe_check(manager)
        to_decide.get_by_role("link", name=re.compile(re.escape(mission.title))).click()
        manager.wait_for_url(proposal_url)
        expect(manager.get_by_role("region", name="Why")).to_contain_text(REASON)
        axe_check(manager)

        manager.get_by_label("A word for the author (optional)").fill("D'accord, merci.")
        manager.get_by_role("button", name="Accept and change the role sheet").click()
        expect(manager.get_by_role("status")).to_contain_text("The proposal was accepted")
        expect(manager.get_by_text("Accepted", exact=True)).to_be_visible()
        expect(
            manager.get_by_role("button", name="Accept and change the role sheet")
        ).to_have_count(0)
        axe_check(manager)

        manager.get_by_role("link", name="Back to the role sheet").click()
        manager.wait_for_url(f"**{sheet_url}")
        card = mission_card(manager, mission)
        expect(card).to_contain_text(NEW_INCLUDES)
        expect(card).to_contain_text(NEW_EXCLUDES)
        expect(card).not_to_contain_text(before_includes)

        # --- 3. The manager asks for signatures and signs version 1 --------------------------
        agreement = manager.get_by_role("region", name="Agreed together?")
        agreement.get_by_role("link", name="Signed versions").click()
        axe_check(manager)
        manager.get_by_role("button", name="Ask for signatures on the current sheet").click()
        manager.wait_for_url(re.compile(r"/versions/1/$"))
        expect(manager.get_by_role("heading", level=1)).to_contain_text("Version 1")
        expect(manager.get_by_role("main")).to_contain_text(NEW_INCLUDES)
        axe_check(manager)
        manager.get_by_role("button", name="Sign version 1").click()
        expect(manager.get_by_role("status")).to_contain_text("You signed version 1")
        expect(manager.get_by_role("main")).to_contain_text("1 of 2 signed.")
        axe_check(manager)

        # --- 4. The peer worker signs it from "Waiting for me"; the sheet says it is adopted -
        account = peer.get_by_role("navigation", name="Account")
        account.get_by_role("link", name="Waiting for me").click()
        peer.wait_for_url("**/waiting/")
        to_sign = peer.get_by_role("region", name="1 version waits for your signature")
        answers = peer.get_by_role("region", name="Answers to my proposals")
        expect(answers).to_contain_text("accepted")
        assert_no_sideways_scroll(peer)
        axe_check(peer)
        to_sign.get_by_role("link", name=f"Read and sign version 1 of “{role.title}”").click()
        peer.wait_for_url(re.compile(r"/versions/1/$"))
        expect(peer.get_by_role("main")).to_contain_text(NEW_EXCLUDES)
        assert_no_sideways_scroll(peer)
        axe_check(peer)
        peer.get_by_role("button", name="Sign version 1").click()
        expect(peer.get_by_role("status")).to_contain_text(
            "Everyone has signed: version 1 is adopted."
        )
        assert_no_sideways_scroll(peer)
        axe_check(peer)

        peer.goto(live_server.url + sheet_url)
        agreement = peer.get_by_role("region", name="Agreed together?")
        expect(agreement).to_contain_text("Version 1 was signed by both sides on")
        expect(agreement).to_contain_text("The current sheet is the adopted version.")
        expect(mission_card(peer, mission)).to_contain_text(NEW_INCLUDES)
        assert_no_sideways_scroll(peer)
        axe_check(peer)

        manager.goto(live_server.url + sheet_url)
        expect(manager.get_by_role("region", name="Agreed together?")).to_contain_text(
            "Version 1 was signed by both sides on"
        )
    finally:
        peer_context.close()
        manager_context.close()

    # --- 5. What the database says -------------------------------------------------------------
    mission = Mission.objects.get(pk=mission.pk)
    assert (mission.includes, mission.excludes) == (NEW_INCLUDES, NEW_EXCLUDES)
    assert mission.latitude == Latitude.IN_PAIR
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.author == team["peer_worker"]
    assert proposal.decided_by == team["manager"]
    assert proposal.mission_id == mission.pk
    assert proposal.rationale == REASON
    version = RoleSheetVersion.objects.get(role=role)
    assert version.number == 1
    assert version.status == RoleSheetVersion.Status.ADOPTED
    assert version.adopted_at is not None
    signatures = {s.signer_id: s.decision for s in version.signatures.all()}
    assert signatures == {
        team["manager"].pk: Signature.Decision.SIGNED,
        team["peer_worker"].pk: Signature.Decision.SIGNED,
    }

"""A manager logs in through the real form and reads a role sheet, on a phone and a desktop."""

import re

import pytest
from playwright.sync_api import expect

from structures.models import Capacity
from tests.e2e.journeys import assert_no_sideways_scroll
from tests.factories import MembershipFactory, RoleAssignmentFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sheet():
    manager = MembershipFactory(capacity=Capacity.MANAGER, user__email="resp@example.org").user
    role = RoleFactory(structure=manager.memberships.get().structure, with_missions=3)
    RoleAssignmentFactory(role=role)
    return manager, role


@pytest.mark.parametrize("width", [360, 1280])
def test_manager_logs_in_and_reads_the_role_sheet(live_server, page, axe_check, sheet, width):
    manager, role = sheet
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(live_server.url + role.get_absolute_url())
    # Anonymous: sent to the login page, then back to the sheet.
    assert "/accounts/login/" in page.url
    axe_check(page)
    page.locator("input[name=username]").fill(manager.email)
    page.locator("input[name=password]").fill("password")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{role.get_absolute_url()}")
    assert page.locator("h1").inner_text() == role.title
    for mission in role.missions.all():
        assert page.get_by_role("heading", name=mission.title).is_visible()
    # Nothing scrolls sideways on a phone.
    assert_no_sideways_scroll(page)
    axe_check(page)


def test_skip_link_is_the_first_focus_and_leads_to_main(live_server, page):
    page.goto(live_server.url + "/accounts/password-reset/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_demo_sized_sheet_is_short_on_a_phone(live_server, page, axe_check):
    """At 360 px a role of 6 missions (as in the demo) fits in about ten screens: the missions
    fold under their title and the peer worker has one "Propose…" menu per mission."""
    peer_worker = MembershipFactory(user__email="pair@example.org").user
    role = RoleFactory(structure=peer_worker.memberships.get().structure, with_missions=6)
    RoleAssignmentFactory(role=role, peer_worker=peer_worker)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + role.get_absolute_url())
    page.locator("input[name=username]").fill(peer_worker.email)
    page.locator("input[name=password]").fill("password")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{role.get_absolute_url()}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 10 * 740
    for mission in role.missions.all():
        article = page.get_by_role("article", name=mission.title)
        assert article.get_by_role("heading", name=mission.title).is_visible()
        assert article.locator("summary.btn").count() == 1
        assert article.locator(".btn:visible").count() <= 3
    assert_no_sideways_scroll(page)
    axe_check(page)


def test_a_manager_has_two_controls_per_task_on_a_phone(live_server, page, axe_check):
    """The manager edits on a phone too: each task shows "Edit" and "More…" (its moves and its
    removal fold in that menu), and the demo-sized sheet stays about ten screens tall."""
    manager = MembershipFactory(user__email="resp@example.org", manager=True).user
    role = RoleFactory(structure=manager.memberships.get().structure, with_missions=6)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + role.get_absolute_url())
    page.locator("input[name=username]").fill(manager.email)
    page.locator("input[name=password]").fill("password")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{role.get_absolute_url()}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 10 * 740, height
    rows = page.locator("li[id^=task-]")
    assert rows.count() >= 6
    for index in range(rows.count()):
        row = rows.nth(index)
        if row.is_visible():
            assert row.locator(".btn:visible").count() == 2
    # Opening the menu shows the moves and the removal of that task only.
    first = page.locator("details.task-more:visible").first
    first.locator("summary").click()
    expect(first.get_by_role("link", name=re.compile("^Remove"))).to_be_visible()
    assert_no_sideways_scroll(page)
    axe_check(page)

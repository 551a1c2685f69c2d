"""A manager logs in through the real form and reads a role sheet, on a phone and a desktop."""

import pytest

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

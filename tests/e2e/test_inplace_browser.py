"""Editing the role sheet in place (htmx), then the same actions with JavaScript off.

With JavaScript, a manager moves a task down and edits a task without the page being reloaded:
a marker set on `window` before is still there after, the change is on the page and saved, the
focus lands somewhere sensible, the live region says what was done, and axe-core finds nothing
after each swap. No Content Security Policy violation is reported on the way.
Without JavaScript, the same buttons and links are plain forms, pages and redirects.

The browsers ask for English (Accept-Language), so the locators use the templates' msgids.
"""

import pytest
from playwright.sync_api import expect

from missions.models import Latitude
from structures.models import Capacity
from tests.e2e.journeys import log_in
from tests.factories import (
    DailyTaskFactory,
    MembershipFactory,
    MissionFactory,
    RoleAssignmentFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 800}
ACTIONS = ["Accueillir les personnes le matin", "Tenir la permanence", "Préparer la maraude"]
NEW_ACTION = "Accueillir les personnes le matin, avec un café"


@pytest.fixture
def sheet():
    manager = MembershipFactory(
        capacity=Capacity.MANAGER, user__email="resp@example.org", user__full_name="Camille Resp"
    ).user
    role = RoleFactory(structure=manager.memberships.get().structure)
    mission = MissionFactory(role=role, title="Rencontrer les personnes", latitude=Latitude.IN_PAIR)
    tasks = [
        DailyTaskFactory(mission=mission, action=action, position=index)
        for index, action in enumerate(ACTIONS)
    ]
    RoleAssignmentFactory(role=role)
    return manager, role, mission, tasks


def task_texts(page, mission):
    return page.locator(f"#mission-{mission.pk} li.list-group-item > div:first-child")


def saved_actions(mission):
    return list(mission.tasks.values_list("action", flat=True))


def test_manager_moves_and_edits_a_task_in_place(live_server, browser, axe_check, sheet):
    manager, role, mission, tasks = sheet
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    csp_reports = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_reports.append(message),
    )
    try:
        log_in(page, live_server.url, manager, role.get_absolute_url())
        page.wait_for_function("() => window.htmx !== undefined")
        page.evaluate("window.__marker = 1")

        # A task shows two controls: "Edit", and "More…" which opens its moves and removal.
        expect(page.get_by_role("button", name=f"Move down — {ACTIONS[0]}")).to_be_hidden()
        page.locator(f"#task-{tasks[0].pk}-more").click()
        # Move the first task down: the section is swapped, the page stays.
        page.get_by_role("button", name=f"Move down — {ACTIONS[0]}").click()
        expect(task_texts(page, mission)).to_have_text([ACTIONS[1], ACTIONS[0], ACTIONS[2]])
        assert page.evaluate("window.__marker") == 1
        assert saved_actions(mission) == [ACTIONS[1], ACTIONS[0], ACTIONS[2]]
        # The focus stays on the button pressed (it is still there), the change is announced.
        expect(page.locator(f"#task-{tasks[0].pk}-down")).to_be_focused()
        expect(page.locator("#messages")).to_contain_text("The task was moved.")
        axe_check(page)

        # Edit it in place: the form opens inside the task, its first field takes the focus.
        page.get_by_role("link", name=f"Edit — {ACTIONS[0]}").click()
        field = page.locator(f"#task-{tasks[0].pk}-form-action")
        expect(field).to_be_focused()
        assert page.evaluate("window.__marker") == 1
        axe_check(page)

        # A mistake: the form comes back in place with the message and what was typed.
        field.fill("")
        minutes = page.locator(f"#task-{tasks[0].pk}-form-duration_minutes")
        minutes.fill("95")
        page.locator(f"#task-{tasks[0].pk}-form").get_by_role("button", name="Save").click()
        expect(page.locator(f"#task-{tasks[0].pk}-form [role=alert]")).to_be_visible()
        expect(field).to_be_focused()
        expect(minutes).to_have_value("95")
        axe_check(page)

        field.fill(NEW_ACTION)
        page.locator(f"#task-{tasks[0].pk}-form").get_by_role("button", name="Save").click()
        expect(page.locator(f"#task-{tasks[0].pk}")).to_contain_text(NEW_ACTION)
        expect(page.locator(f"#task-{tasks[0].pk}-form")).to_have_count(0)
        assert page.evaluate("window.__marker") == 1
        assert saved_actions(mission) == [ACTIONS[1], NEW_ACTION, ACTIONS[2]]
        expect(page.locator(f"#task-{tasks[0].pk}")).to_be_focused()
        expect(page.locator("#messages")).to_contain_text("The task was saved.")
        axe_check(page)

        # Cancel closes an in-place form and gives the focus back to the link that opened it.
        page.get_by_role("link", name=f"Edit — {ACTIONS[2]}").click()
        expect(page.locator(f"#task-{tasks[2].pk}-form-action")).to_be_focused()
        page.locator(f"#task-{tasks[2].pk}-form").get_by_role("link", name="Cancel").click()
        expect(page.locator(f"#task-{tasks[2].pk}-form")).to_have_count(0)
        expect(page.locator(f"#task-{tasks[2].pk}-edit")).to_be_focused()
        assert page.evaluate("window.__marker") == 1
        assert csp_reports == [], [message.text for message in csp_reports]
    finally:
        context.close()


def test_the_same_actions_work_without_javascript(live_server, browser, sheet):
    # No axe here: axe-core is a script, and scripts do not run in this context (Playwright's
    # evaluate waits forever). These pages are the ones checked with JavaScript on.
    manager, role, mission, tasks = sheet
    context = browser.new_context(viewport=DESKTOP, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server.url, manager, role.get_absolute_url())

        page.locator(f"#task-{tasks[0].pk}-more").click()
        page.get_by_role("button", name=f"Move down — {ACTIONS[0]}").click()
        page.wait_for_url(f"**{role.get_absolute_url()}#mission-{mission.pk}")
        expect(task_texts(page, mission)).to_have_text([ACTIONS[1], ACTIONS[0], ACTIONS[2]])
        assert saved_actions(mission) == [ACTIONS[1], ACTIONS[0], ACTIONS[2]]

        page.get_by_role("link", name=f"Edit — {ACTIONS[0]}").click()
        page.wait_for_url(f"**/tasks/{tasks[0].pk}/edit/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Edit the task")
        page.get_by_label("What is done concretely").fill(NEW_ACTION)
        page.get_by_role("main").get_by_role("button", name="Save").click()
        page.wait_for_url(f"**{role.get_absolute_url()}#mission-{mission.pk}")
        expect(page.locator(f"#task-{tasks[0].pk}")).to_contain_text(NEW_ACTION)
        expect(page.locator("#messages")).to_contain_text("The task was saved.")
        assert saved_actions(mission) == [ACTIONS[1], NEW_ACTION, ACTIONS[2]]
    finally:
        context.close()


def test_manager_adds_and_removes_in_place_and_sees_a_conflict(
    live_server, browser, axe_check, sheet
):
    """The other in-place actions: add a mission and a task, move a mission, remove a task,
    and a save that meets someone else's change (409) shows both versions in place."""
    manager, role, mission, tasks = sheet
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    csp_reports = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_reports.append(message),
    )
    try:
        log_in(page, live_server.url, manager, role.get_absolute_url())
        page.wait_for_function("() => window.htmx !== undefined")
        page.evaluate("window.__marker = 1")

        # Add a mission: the form opens at the top of the missions section.
        page.get_by_role("link", name="Add a mission").click()
        expect(page.locator("#mission-new-form-title")).to_be_focused()
        page.locator("#mission-new-form-title").fill("Médiation avec l'équipe")
        page.locator("#mission-new-form").get_by_label("Autonomous (on their own)").check()
        page.locator("#mission-new-form").get_by_role("button", name="Save").click()
        new_heading = page.get_by_role("heading", name="Médiation avec l'équipe")
        expect(new_heading).to_be_focused()
        new_mission = role.missions.get(title="Médiation avec l'équipe")
        axe_check(page)

        # Add a task to it, inside its card.
        page.get_by_role("link", name="Add a task — Médiation avec l'équipe").click()
        form = page.locator(f"#mission-{new_mission.pk}-form")
        expect(form.get_by_label("What is done concretely")).to_be_focused()
        form.get_by_label("What is done concretely").fill("Faire le point avec l'équipe")
        form.get_by_label("Time each time (minutes)").fill("60")
        form.get_by_role("button", name="Save").click()
        expect(page.locator(f"#mission-{new_mission.pk}")).to_contain_text(
            "Faire le point avec l'équipe"
        )
        assert new_mission.tasks.count() == 1

        # Move the new mission up: it comes first, the focus stays on a button of it.
        page.get_by_role("button", name="Move up — Médiation avec l'équipe").click()
        expect(page.locator("article.mission h3").first).to_have_text("Médiation avec l'équipe")
        expect(page.locator(f"#mission-{new_mission.pk}-title")).to_be_focused()
        assert role.missions.first() == new_mission
        axe_check(page)

        # Remove a task: a small confirmation in place, then the section without it.
        page.locator(f"#task-{tasks[1].pk}-more").click()
        page.get_by_role("link", name=f"Remove — {ACTIONS[1]}").click()
        expect(page.locator(f"#task-{tasks[1].pk}-form")).to_contain_text(ACTIONS[1])
        axe_check(page)
        page.locator(f"#task-{tasks[1].pk}-form").get_by_role("button", name="Yes, remove").click()
        expect(page.locator(f"#task-{tasks[1].pk}")).to_have_count(0)
        expect(page.locator(f"#mission-{mission.pk}-title")).to_be_focused()
        assert not mission.tasks.filter(pk=tasks[1].pk).exists()

        # Someone else saves the task meanwhile: both versions in place, the typing kept.
        page.get_by_role("link", name=f"Edit — {ACTIONS[2]}").click()
        field = page.locator(f"#task-{tasks[2].pk}-form-action")
        expect(field).to_be_focused()
        tasks[2].refresh_from_db()
        from missions import services

        services.task_update(
            task=tasks[2],
            by=manager,
            revision=tasks[2].revision,
            action="Changé par quelqu'un d'autre",
            frequency=tasks[2].frequency,
            duration_minutes=tasks[2].duration_minutes,
        )
        field.fill("Ce que je tape")
        page.locator(f"#task-{tasks[2].pk}-form").get_by_role("button", name="Save").click()
        conflict = page.locator(f"#task-{tasks[2].pk}-form")
        expect(conflict).to_contain_text("Changé par quelqu'un d'autre")
        expect(field).to_have_value("Ce que je tape")
        axe_check(page)
        conflict.get_by_role("button", name="Save my version anyway").click()
        expect(page.locator(f"#task-{tasks[2].pk}")).to_contain_text("Ce que je tape")
        tasks[2].refresh_from_db()
        assert tasks[2].action == "Ce que je tape"

        assert page.evaluate("window.__marker") == 1
        assert csp_reports == [], [message.text for message in csp_reports]
    finally:
        context.close()

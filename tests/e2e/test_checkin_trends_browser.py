"""A facilitator sees drift: the portfolio's alert and the trend charts, with their tables.

The peer worker of a supported structure reported one mission drifting away in the last two
monthly periods. On a desktop the facilitator lands on the portfolio: the role's row says the
mission was reported drifting twice in a row, with a link to the check-ins; the structure's two
trend charts are drawn (SVG images, no script) and their figures are in a table one tap away.
The role sheet shows the same trends. axe-core finds nothing; also at 360 px.

In French and in English, with JavaScript on and off (tests/e2e/journeys.py).
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from checkins.periods import previous_periods
from checkins.services import checkin_submit
from sheets.versions import version_answer, version_request
from structures.models import Capacity
from tests.e2e.journeys import DESKTOP, PHONE, VARIANTS, Person
from tests.factories import (
    FacilitatorSupportFactory,
    MembershipFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _img_drawn(page, image):
    """Whether the browser decoded the image (an SVG that failed shows nothing)."""
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    return True


@VARIANTS
def test_a_facilitator_sees_the_drift_alert_and_the_trends(
    live_server, browser, axe_check, lang, js
):
    facilitator_user = UserFactory(email="facil@example.org")
    manager = MembershipFactory(capacity=Capacity.MANAGER).user
    structure = manager.memberships.get().structure
    FacilitatorSupportFactory(facilitator=facilitator_user, structure=structure)
    peer_worker = MembershipFactory(structure=structure).user
    role = RoleFactory(structure=structure, with_missions=2)
    RoleAssignmentFactory(role=role, peer_worker=peer_worker)
    version = version_request(role=role, by=manager)
    version_answer(version=version, by=manager, decision="signed")
    version_answer(version=version, by=peer_worker, decision="signed")
    first, second = role.missions.all()
    # The two periods before this one (monthly): the first mission drifting both times.
    earlier = previous_periods(timezone.localdate(), 3)[:2]
    for start, _end in earlier:
        checkin_submit(
            role=role,
            by=peer_worker,
            answers={first.pk: ("drifting", "more", ""), second.pk: ("clear", "as_planned", "")},
            day=start + datetime.timedelta(days=1),
        )

    facilitator = Person(
        browser, axe_check, live_server.url, facilitator_user, lang=lang, js=js, viewport=DESKTOP
    )
    page, t = facilitator.page, facilitator.t
    try:
        facilitator.log_in()
        page.wait_for_url("**/portfolio/")
        section = page.get_by_role("region", name=structure.name)
        alert = t("“%(title)s” reported drifting away twice in a row", title=first.title)
        expect(section).to_contain_text(alert)
        expect(section.get_by_role("link", name=t("see the check-ins")).first).to_have_attribute(
            "href", f"/roles/{role.pk}/check-ins/"
        )

        going = section.get_by_role("figure").filter(
            has_text=t("How the missions go, period by period")
        )
        _img_drawn(page, going.get_by_role("img"))
        _img_drawn(
            page,
            section.get_by_role("figure")
            .filter(has_text=t("Share of time on lived-experience missions"))
            .get_by_role("img"),
        )
        # The text alternative: the same figures in a table, one tap away (a <details>).
        going.get_by_text(t("The figures of this chart")).click()
        table = going.get_by_role("table")
        expect(table).to_be_visible()
        start, end = earlier[1]
        row = table.get_by_role(
            "row",
            name=t(
                "From %(start)s to %(end)s",
                start=facilitator.date(start),
                end=facilitator.date(end),
            ),
        )
        # As agreed 1, hard 0, drifting away 1.
        expect(row.get_by_role("cell")).to_have_text(["1", "0", "1"])
        expect(table).to_contain_text(t("no check-in"))  # earlier periods: empty, not guessed
        facilitator.check()
        facilitator.set_viewport(PHONE)
        facilitator.check()
        facilitator.set_viewport(DESKTOP)

        # The role sheet shows the trends of its own check-ins.
        facilitator.goto(role.get_absolute_url())
        trends = page.get_by_role("region", name=t("Trends of the check-ins"))
        expect(trends.get_by_role("figure")).to_have_count(2)
        _img_drawn(page, trends.get_by_role("img").first)
        expect(page.get_by_role("main")).to_contain_text(alert)
        facilitator.check()
    finally:
        facilitator.close()

"""A peer worker on a phone checks in on the missions of their adopted sheet.

From the role sheet, "Check in": for each mission, how it goes and the time it took (radio
buttons), a note for one; a line of work outside the sheet; send. The check-ins page then shows
this period's answers, and the earlier periods as skipped. The manager reads the note there.
In French and in English, with JavaScript on and off (tests/e2e/journeys.py).
"""

import pytest
from playwright.sync_api import expect

from checkins.models import CheckIn
from sheets.versions import version_answer, version_request
from structures.models import Capacity
from tests.e2e.journeys import PHONE, VARIANTS, Person, exactly, field
from tests.factories import MembershipFactory, RoleAssignmentFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "On me demande surtout de tenir l'accueil."


@VARIANTS
def test_a_peer_worker_checks_in_on_a_phone(live_server, browser, axe_check, lang, js):
    manager = MembershipFactory(capacity=Capacity.MANAGER, user__email="resp@example.org").user
    structure = manager.memberships.get().structure
    peer_worker = MembershipFactory(structure=structure, user__email="pair@example.org").user
    role = RoleFactory(structure=structure, with_missions=2)
    RoleAssignmentFactory(role=role, peer_worker=peer_worker)
    version = version_request(role=role, by=manager)
    version_answer(version=version, by=manager, decision="signed")
    version_answer(version=version, by=peer_worker, decision="signed")
    first, second = role.missions.all()

    person = Person(
        browser, axe_check, live_server.url, peer_worker, lang=lang, js=js, viewport=PHONE
    )
    page = person.page
    person.log_in(role.get_absolute_url())
    page.get_by_role("link", name=exactly(person.t("Check in"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        person.t("How are your missions going?")
    )
    person.check()
    for mission, going in (
        (first, "it is drifting away from what was agreed"),
        (second, "it goes as agreed"),
    ):
        block = page.get_by_role("group", name=f"{1 if mission == first else 2}. {mission.title}")
        block.get_by_label(person.t(going)).check()
        block.get_by_label(person.t("about the time on the sheet")).check()
    page.get_by_role("group", name=f"1. {first.title}").get_by_label(
        person.t("A note, if you wish")
    ).fill(NOTE)
    outside = page.get_by_role("group", name=person.t("Outside my sheet"))
    field(outside, person.t("What I did that is not on my sheet")).first.fill(
        "Remplacer au standard"
    )
    field(outside, person.t("About how many minutes a week")).first.fill("60")
    page.get_by_role("button", name=exactly(person.t("Send my check-in"))).click()

    expect(person.status()).to_contain_text(person.t("Thank you: your check-in was saved."))
    expect(page.get_by_role("heading", level=1)).to_have_text(person.t("Check-ins"))
    main = person.main()
    expect(main).to_contain_text(person.t("it is drifting away from what was agreed"))
    expect(main).to_contain_text(NOTE)
    expect(main).to_contain_text(person.t("Skipped: no check-in for this period."))
    person.check()
    checkin = CheckIn.objects.get()
    assert list(checkin.extras.values_list("text", "minutes_per_week")) == [
        ("Remplacer au standard", 60)
    ]

    # One tap turns the drifting mission's line into a proposal, its note as the reason.
    main.get_by_role("link", name=f"{person.t('change the mission')} — {first.title}").click()
    expect(field(person.main(), person.t("Why do you propose this?"))).to_have_value(NOTE)
    person.check()
    person.close()

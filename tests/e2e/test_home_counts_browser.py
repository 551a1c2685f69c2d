"""Each person's home counts what waits for them, and "what waits for me" lists it.

The peer worker has made two proposals that are still open and one that a manager declined;
the manager has asked for signatures on the sheet. Then, each on a 360 px phone:
- the manager's home says 2 proposals wait for a decision and 1 version for a signature;
- the peer worker's home says 1 version waits for a signature and 1 proposal has an answer;
- the facilitator (a member of no structure) lands on the portfolio, which says 2 proposals
  wait for a comment and a review is due;
and each follows the link to "what waits for me", which lists those very items.

In French and in English, with JavaScript on and off (tests/e2e/journeys.py).
"""

import pytest
from playwright.sync_api import expect

from missions import proposals
from missions.models import Proposal
from sheets.versions import version_request
from structures.models import Capacity
from tests.e2e.journeys import PHONE, VARIANTS, Person, exactly
from tests.factories import (
    FacilitatorSupportFactory,
    MembershipFactory,
    RoleAssignmentFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

OPEN = ["Animer un groupe de parole", "Tenir une permanence au CCAS"]
DECLINED = "Accompagner aux rendez-vous médicaux"


@pytest.fixture
def waiting():
    manager = MembershipFactory(
        capacity=Capacity.MANAGER, user__email="resp@example.org", user__full_name="Camille Resp"
    ).user
    structure = manager.memberships.get().structure
    peer_worker = MembershipFactory(
        structure=structure, user__email="pair@example.org", user__full_name="Sam Pair"
    ).user
    facilitator = FacilitatorSupportFactory(
        structure=structure, facilitator__email="anim@example.org"
    ).facilitator
    role = RoleFactory(structure=structure, with_missions=1)
    RoleAssignmentFactory(role=role, peer_worker=peer_worker)

    def propose(title):
        return proposals.proposal_create(
            role=role,
            by=peer_worker,
            kind=Proposal.Kind.ADD_MISSION,
            rationale="Les personnes le demandent.",
            proposed={"title": title},
        )

    for title in OPEN:
        propose(title)
    declined = propose(DECLINED)
    proposals.proposal_decline(proposal=declined, by=manager, reason="Pas cette année.")
    version_request(role=role, by=manager)
    return {"manager": manager, "peer_worker": peer_worker, "facilitator": facilitator}


def _steps(person):
    return person.page.get_by_role("region", name=person.t("What to do next")).get_by_role(
        "listitem"
    )


@VARIANTS
def test_each_persons_home_counts_what_waits_for_them(
    live_server, browser, axe_check, waiting, lang, js
):
    def person(actor):
        return Person(
            browser, axe_check, live_server.url, waiting[actor], lang=lang, js=js, viewport=PHONE
        )

    manager = person("manager")
    manager.log_in()
    expect(_steps(manager)).to_have_text(
        [
            manager.tn(
                "%(counter)s proposal waits for your decision.",
                "%(counter)s proposals wait for your decision.",
                2,
            ),
            manager.tn(
                "%(counter)s version of a role sheet waits for your signature.",
                "%(counter)s versions of role sheets wait for your signature.",
                1,
            ),
        ]
    )
    manager.check()
    manager.page.get_by_role(
        "link", name=exactly(manager.t("See everything that waits for me"))
    ).click()
    for title in OPEN:
        expect(manager.main()).to_contain_text(title)
    expect(manager.main()).not_to_contain_text(DECLINED)
    manager.check()
    manager.close()

    peer = person("peer_worker")
    peer.log_in()
    expect(_steps(peer)).to_have_text(
        [
            peer.tn(
                "%(counter)s of your proposals has an answer.",
                "%(counter)s of your proposals have an answer.",
                1,
            ),
            peer.tn(
                "%(counter)s version of a role sheet waits for your signature.",
                "%(counter)s versions of role sheets wait for your signature.",
                1,
            ),
        ]
    )
    peer.page.get_by_role("link", name=exactly(peer.t("See everything that waits for me"))).click()
    expect(peer.main()).to_contain_text(DECLINED)
    peer.check()
    peer.close()

    facilitator = person("facilitator")
    facilitator.log_in()
    expect(facilitator.page).to_have_url(live_server.url + "/portfolio/")
    comment = facilitator.tn(
        "%(counter)s proposal waits for your comment.",
        "%(counter)s proposals wait for your comment.",
        2,
    )
    expect(facilitator.main()).to_contain_text(comment)
    expect(facilitator.main()).to_contain_text(facilitator.t("A review is due."))
    facilitator.check()
    facilitator.page.get_by_role("link", name=exactly(comment)).click()
    for title in OPEN:
        expect(facilitator.main()).to_contain_text(title)
    facilitator.close()

"""Facilitation, end to end in Chromium, with two people in two browsers.

A facilitator supports two structures today (one with a healthy role sheet, one with a flagged
one) and supported a third in the past. On a desktop they log in and land on their portfolio,
keep only the structures with a warning, open the flagged sheet from its row, read its warnings,
then write a review of the structure with one recommendation about that role. The portfolio
also holds at 360 px. The manager of the structure opens the review from the structure page and
marks the recommendation done; the facilitator reloads the review and reads the follow-up.
axe-core finds nothing on the pages visited.

In French and in English, with JavaScript on and off (tests/e2e/journeys.py).
"""

import re

import pytest
from django.utils import timezone
from django.utils.text import capfirst
from playwright.sync_api import expect

from facilitation.models import Recommendation, RecommendationStatus, Review
from sheets.models import RoleSheetVersion, Signature
from sheets.versions import version_answer, version_request
from structures.models import Capacity
from tests.e2e.journeys import DESKTOP, PHONE, VARIANTS, Person, exactly, starting
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


def follow_up(person, status, by=None):
    """The follow-up line of a recommendation, as _follow_up.html writes it."""
    text = f"{person.t('Follow-up:')} {capfirst(person.t(status))}"
    if by is not None:
        when = person.date(timezone.localdate())
        text += " · " + person.t("by %(name)s on %(date)s", name=by.get_full_name(), date=when)
    return text


@VARIANTS
def test_facilitator_reviews_a_flagged_structure_and_manager_follows_up(
    live_server, browser, axe_check, portfolio, lang, js
):
    facilitator_user, manager_user = portfolio["facilitator"], portfolio["manager"]
    flagged, healthy, past = portfolio["flagged"], portfolio["healthy"], portfolio["past"]
    role = portfolio["flagged_role"]

    def person(user):
        return Person(browser, axe_check, live_server.url, user, lang=lang, js=js, viewport=DESKTOP)

    facilitator, manager = person(facilitator_user), person(manager_user)
    f, m = facilitator.page, manager.page
    t = facilitator.t
    try:
        # --- 1. The facilitator lands on the portfolio: the two structures supported today ---
        facilitator.log_in(check=True)
        f.wait_for_url("**/portfolio/")
        main = facilitator.main()
        expect(f.get_by_role("heading", level=1)).to_have_text(t("My portfolio"))

        def shown(count):
            return facilitator.tn(
                "%(counter)s structure shown out of %(total)s.",
                "%(counter)s structures shown out of %(total)s.",
                count,
                total=2,
            )

        expect(main).to_contain_text(shown(2))
        expect(main.get_by_role("heading", name=healthy.name)).to_be_visible()
        expect(main.get_by_role("heading", name=flagged.name)).to_be_visible()
        expect(main).not_to_contain_text(past.name)

        # --- 2. Only the structures with a warning (a GET form, no JavaScript needed) ---------
        filters = f.get_by_role("form", name=t("Sort and filter the structures"))
        warnings_only = filters.get_by_label(t("Only structures with a warning"))
        warnings_only.check()
        filters.get_by_role("button", name=exactly(t("Show"))).click()
        f.wait_for_url(re.compile(r"/portfolio/\?.*warnings_only=on"))
        expect(warnings_only).to_be_checked()
        expect(main).to_contain_text(shown(1))
        expect(main.get_by_role("heading", name=flagged.name)).to_be_visible()
        expect(main.get_by_role("heading", name=healthy.name)).to_have_count(0)
        expect(main).not_to_contain_text(past.name)
        section = f.get_by_role("region", name=flagged.name)
        table = section.get_by_role(
            "table", name=t("Role sheets of %(name)s and their indicators", name=flagged.name)
        )
        row = table.get_by_role("row", name=re.compile(re.escape(role.title)))
        expect(row).to_contain_text(t("missing"))  # raison d'être
        expect(row).to_contain_text(
            facilitator.tn("%(counter)s without daily tasks", "%(counter)s without daily tasks", 1)
        )
        expect(row).to_contain_text(t("no mission draws on it"))
        expect(row).to_contain_text(t("no version signed by both sides yet"))
        facilitator.check()

        # The same filtered portfolio on a phone: nothing scrolls sideways.
        facilitator.set_viewport(PHONE)
        expect(main).to_contain_text(shown(1))
        facilitator.check()
        facilitator.set_viewport(DESKTOP)

        # --- 3. The flagged sheet, opened from its row, says what is wrong -------------------
        row.get_by_role("link", name=role.title).click()
        f.wait_for_url(f"**{role.get_absolute_url()}")
        expect(f.get_by_role("heading", level=1)).to_have_text(role.title)
        health = f.get_by_role("region", name=t("Is this role sheet clear?"))
        expect(health).to_contain_text(
            t("The raison d'être is not written: say why this role exists.")
        )
        expect(health).to_contain_text(
            facilitator.tn(
                "%(count)s mission has no daily task: say what is done concretely.",
                "%(count)s missions have no daily task: say what is done concretely.",
                1,
            )
        )
        expect(health).to_contain_text(
            t(
                "No mission says how lived experience is put to work: "
                "the role risks becoming an ordinary staff job."
            )
        )
        expect(f.get_by_role("region", name=exactly(t("Raison d'être")))).to_contain_text(
            t("Not written yet.")
        )
        expect(f.get_by_role("region", name=t("Agreed together?"))).to_contain_text(
            t("No version of this sheet has been signed by both sides yet.")
        )
        # A facilitator never edits a role sheet.
        expect(f.get_by_role("link", name=t("Edit the role"))).to_have_count(0)
        expect(f.get_by_role("link", name=starting(t("Add a task")))).to_have_count(0)
        facilitator.check()

        # --- 4. To the structure's reviews, and a review with one recommendation -------------
        breadcrumbs = f.get_by_role("navigation", name=t("You are here"))
        breadcrumbs.get_by_role("link", name=flagged.name).click()
        f.wait_for_url(f"**{flagged.get_absolute_url()}")
        facilitator.check()
        main.get_by_role("link", name=t("Reviews by the platform")).click()
        f.wait_for_url(f"**/structures/{flagged.slug}/reviews/")
        expect(main).to_contain_text(t("No review yet."))
        f.get_by_role("link", name=t("Write a review")).click()
        expect(f.get_by_role("heading", level=1)).to_have_text(t("Write a review"))
        facilitator.check()

        f.get_by_label(t("Notes")).fill(NOTES)
        first = f.get_by_role("group", name=t("Recommendation %(number)s", number=1))
        first.get_by_label(t("Recommendation"), exact=True).fill(RECOMMENDATION)
        first.get_by_label(t("About the role (optional)")).select_option(label=role.title)
        f.get_by_role("button", name=t("Save the review")).click()
        f.wait_for_url(re.compile(rf"/structures/{flagged.slug}/reviews/\d+/$"))
        review_url = f.url
        expect(facilitator.status()).to_contain_text(
            t("Your review was saved. The managers of the structure are told.")
        )
        expect(f.get_by_role("heading", level=1)).to_have_text(
            t("Review of %(date)s", date=facilitator.date(timezone.localdate()))
        )
        expect(f.get_by_role("region", name=exactly(t("Notes")))).to_contain_text(NOTES)
        recommendations = f.get_by_role("region", name=exactly(t("Recommendations")))
        expect(recommendations).to_contain_text(t("About the role “%(role)s”", role=role.title))
        expect(recommendations).to_contain_text(RECOMMENDATION)
        expect(recommendations).to_contain_text(follow_up(facilitator, "to follow up"))
        # Only the managers follow up.
        expect(f.get_by_role("button", name=starting(t("Save the follow-up")))).to_have_count(0)
        facilitator.check()

        # --- 5. The manager opens the review from the structure page and marks it done --------
        manager.log_in(flagged.get_absolute_url())
        m.wait_for_url(f"**{flagged.get_absolute_url()}")
        manager.main().get_by_role("link", name=manager.t("Reviews by the platform")).click()
        m.wait_for_url(f"**/structures/{flagged.slug}/reviews/")
        expect(manager.main()).to_contain_text(
            manager.tn("%(counter)s to follow up", "%(counter)s to follow up", 1)
        )
        # Reviews are written by the facilitator only.
        expect(m.get_by_role("link", name=manager.t("Write a review"))).to_have_count(0)
        manager.check()
        review_of = manager.t("Review of %(date)s", date=manager.date(timezone.localdate()))
        manager.main().get_by_role("link", name=starting(review_of)).click()
        m.wait_for_url(review_url)
        expect(m.get_by_role("region", name=exactly(manager.t("Notes")))).to_contain_text(NOTES)
        manager.check()

        recommendation = m.locator(".recommendation").filter(has_text=RECOMMENDATION)
        recommendation.get_by_label(manager.t("Done"), exact=True).check()
        recommendation.get_by_role("button", name=starting(manager.t("Save the follow-up"))).click()
        expect(manager.status()).to_contain_text(
            manager.t("Your follow-up was saved. The facilitator is told by e-mail.")
        )
        expect(recommendation).to_contain_text(follow_up(manager, "done", by=manager_user))
        expect(
            recommendation.get_by_role("button", name=starting(manager.t("Change the follow-up")))
        ).to_be_visible()
        manager.check()

        # --- 6. The facilitator reloads the review and reads the follow-up -------------------
        f.reload()
        recommendations = f.get_by_role("region", name=exactly(t("Recommendations")))
        expect(recommendations).to_contain_text(follow_up(facilitator, "done", by=manager_user))
        expect(recommendations).not_to_contain_text(capfirst(t("to follow up")))
        facilitator.check()
    finally:
        facilitator.close()
        manager.close()

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

"""Joint definition, end to end in Chromium, with two people in two browsers.

A peer worker on a 360x740 phone proposes a change to a mission's delimitation (preview, then
send); the manager, on a desktop, accepts it from "Waiting for me"; the manager asks for
signatures and signs version 1; the peer worker signs it too and the sheet says it is adopted.
The manager then changes the sheet: its PDF says it is a draft on every page, while version 1's
PDF prints what was signed, with the signatures and the fingerprint of the version's page.
axe-core finds nothing on the pages visited, and nothing scrolls sideways on the phone.

In French and in English, with JavaScript on and off (tests/e2e/journeys.py).
"""

import io
import re
from urllib.parse import urljoin

import pytest
from django.urls import reverse
from django.utils.text import capfirst
from playwright.sync_api import expect
from pypdf import PdfReader

from core.worddiff import word_diff
from missions import proposals, services
from missions.models import Latitude, Mission, Proposal
from sheets.models import RoleSheetVersion, Signature
from structures.models import Capacity
from tests.e2e.journeys import DESKTOP, PHONE, VARIANTS, Person, exactly, starting
from tests.factories import (
    DailyTaskFactory,
    MembershipFactory,
    MissionFactory,
    RoleAssignmentFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW_INCLUDES = "Les tournées de rue, le soir et aussi le matin une fois par semaine."
NEW_EXCLUDES = (
    "La distribution des repas et les démarches administratives à la place des personnes."
)
MERGE_BEFORE = "Rencontrer les personnes là où elles sont."
MERGE_PROPOSED = "Rencontrer les personnes là où elles sont, le soir surtout."
MERGE_CURRENT = "Aller vers les personnes là où elles sont."
MERGE_BOTH = "Aller vers les personnes là où elles sont, le soir surtout."
MERGE_RESULT = "Aller vers les personnes là où elles sont, surtout le soir."
REASON = "Le matin, on rencontre des personnes qu'on ne voit jamais le soir."
LATER_PURPOSE = "Un rôle changé après les signatures."


def pdf_pages(person, path):
    """The text of each page of the PDF at `path`, fetched with `person`'s browser session
    (and language: the page's requests do not send the browser's)."""
    page = person.page
    response = page.request.get(urljoin(page.url, path), headers={"Accept-Language": person.lang})
    assert response.ok, response.status
    reader = PdfReader(io.BytesIO(response.body()))
    return [" ".join(p.extract_text().split()) for p in reader.pages]


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


def mission_card(page, mission):
    return page.get_by_role("article", name=mission.title)


def expect_marked(scope, before, after):
    """The changed words are marked in place (struck out / underlined), not the text twice."""
    segments = word_diff(before, after)
    for kind in ("del", "ins"):
        words = [segment.text.strip() for segment in segments if segment.kind == kind]
        expect(scope.locator(kind)).to_contain_text(words)


@VARIANTS
def test_peer_worker_proposes_manager_accepts_and_both_sign(
    live_server, browser, axe_check, team, lang, js
):
    role, mission = team["role"], team["mission"]
    before_includes, before_excludes = mission.includes, mission.excludes
    sheet_url = role.get_absolute_url()

    def person(user, viewport):
        return Person(
            browser, axe_check, live_server.url, user, lang=lang, js=js, viewport=viewport
        )

    peer = person(team["peer_worker"], PHONE)
    manager = person(team["manager"], DESKTOP)
    p, m = peer.page, manager.page
    try:
        # --- 1. The peer worker, on a phone, proposes a new delimitation ---------------------
        peer.log_in(sheet_url, check=True)
        expect(p).to_have_url(re.compile(rf"{re.escape(sheet_url)}$"))
        expect(p.get_by_role("heading", level=1)).to_have_text(role.title)
        card = mission_card(p, mission)
        expect(card).to_contain_text(before_includes)
        # In pair: no direct editing, only proposing.
        expect(p.get_by_role("link", name=starting(peer.t("Edit the mission")))).to_have_count(0)
        peer.check()

        # One "Propose…" menu per mission (a native <details>), opened first.
        card.locator("summary", has_text=peer.t("Propose…")).click()
        card.get_by_role("link", name=starting(peer.t("Propose a change to this mission"))).click()
        expect(p.get_by_role("heading", level=1)).to_contain_text(mission.title)
        includes = p.get_by_label(peer.t("what the mission includes"))
        excludes = p.get_by_label(peer.t("what the mission does not include"))
        # The form starts from the current values.
        expect(includes).to_have_value(before_includes)
        expect(excludes).to_have_value(before_excludes)
        peer.check()

        includes.fill(NEW_INCLUDES)
        excludes.fill(NEW_EXCLUDES)
        p.get_by_label(peer.t("Why do you propose this?")).fill(REASON)
        p.get_by_role("button", name=peer.t("Preview what would change")).click()

        preview = p.get_by_role("region", name=peer.t("What would change"))
        expect(preview).to_be_visible()
        changes = preview.locator(".proposal-change")
        # Field by field: exactly the two delimitation fields, the changed words marked.
        expect(changes).to_have_count(2)
        for change, label, before, after in [
            (changes.nth(0), "what the mission includes", before_includes, NEW_INCLUDES),
            (changes.nth(1), "what the mission does not include", before_excludes, NEW_EXCLUDES),
        ]:
            expect(change).to_contain_text(peer.t(label), ignore_case=True)
            expect_marked(change, before, after)
        # Nothing is saved by a preview, and what was typed is still in the form.
        assert not Proposal.objects.exists()
        expect(includes).to_have_value(NEW_INCLUDES)
        peer.check()

        p.get_by_role("button", name=peer.t("Send the proposal")).click()
        p.wait_for_url(re.compile(r"/proposals/\d+/$"))
        expect(peer.status()).to_contain_text(
            peer.t(
                "Your proposal was sent to the managers. You can follow the discussion and the "
                "decision here."
            )
        )
        waiting = capfirst(peer.t("waiting for a decision"))
        expect(p.get_by_text(waiting, exact=True)).to_be_visible()
        expect(p.get_by_role("region", name=exactly(peer.t("Why")))).to_contain_text(REASON)
        expect_marked(
            p.get_by_role("region", name=peer.t("What would change")), before_excludes, NEW_EXCLUDES
        )
        # The peer worker does not decide.
        accept = manager.t("Accept and change the role sheet")
        expect(p.get_by_role("button", name=accept)).to_have_count(0)
        peer.check()
        proposal_url = p.url

        # --- 2. The manager, on a desktop, accepts it from "Waiting for me" ------------------
        manager.log_in("/waiting/")
        to_decide = m.get_by_role(
            "region",
            name=manager.tn(
                "%(counter)s proposal waits for your decision",
                "%(counter)s proposals wait for your decision",
                1,
            ),
        )
        expect(to_decide).to_contain_text(role.title)
        manager.check()
        to_decide.get_by_role("link", name=re.compile(re.escape(mission.title))).click()
        m.wait_for_url(proposal_url)
        expect(m.get_by_role("region", name=exactly(manager.t("Why")))).to_contain_text(REASON)
        manager.check()

        m.get_by_label(manager.t("A word for the author (optional)")).fill("D'accord, merci.")
        m.get_by_role("button", name=accept).click()
        expect(manager.status()).to_contain_text(
            manager.t("The proposal was accepted: the role sheet was changed.")
        )
        expect(m.get_by_text(capfirst(manager.t("accepted")), exact=True)).to_be_visible()
        expect(m.get_by_role("button", name=accept)).to_have_count(0)
        manager.check()

        m.get_by_role("link", name=manager.t("Back to the role sheet")).click()
        m.wait_for_url(f"**{sheet_url}")
        card = mission_card(m, mission)
        expect(card).to_contain_text(NEW_INCLUDES)
        expect(card).to_contain_text(NEW_EXCLUDES)
        expect(card).not_to_contain_text(before_includes)

        # --- 3. The manager asks for signatures and signs version 1 --------------------------
        agreement = m.get_by_role("region", name=manager.t("Agreed together?"))
        agreement.get_by_role("link", name=manager.t("Signed versions")).click()
        manager.check()
        m.get_by_role("button", name=manager.t("Ask for signatures on the current sheet")).click()
        m.wait_for_url(re.compile(r"/versions/1/$"))
        expect(m.get_by_role("heading", level=1)).to_contain_text(
            manager.t("Version %(number)s of “%(title)s”", number=1, title=role.title)
        )
        expect(manager.main()).to_contain_text(NEW_INCLUDES)
        manager.check()
        m.get_by_role("button", name=manager.t("Sign version %(number)s", number=1)).click()
        expect(manager.status()).to_contain_text(
            manager.t(
                "You signed version %(number)s. It is adopted when everyone has signed.",
                number=1,
            )
        )
        expect(manager.main()).to_contain_text(
            manager.t("%(signed)s of %(total)s signed.", signed=1, total=2)
        )
        manager.check()

        # --- 4. The peer worker signs it from "Waiting for me"; the sheet says it is adopted -
        account = p.get_by_role("navigation", name=peer.t("Account"))
        account.get_by_role("link", name=peer.t("Waiting for me")).click()
        p.wait_for_url("**/waiting/")
        to_sign = p.get_by_role(
            "region",
            name=peer.tn(
                "%(counter)s version waits for your signature",
                "%(counter)s versions wait for your signature",
                1,
            ),
        )
        answers = p.get_by_role("region", name=peer.t("Answers to my proposals"))
        expect(answers).to_contain_text(peer.t("accepted"))
        peer.check()
        to_sign.get_by_role(
            "link",
            name=peer.t(
                "Read and sign version %(number)s of “%(role)s”", number=1, role=role.title
            ),
        ).click()
        p.wait_for_url(re.compile(r"/versions/1/$"))
        expect(peer.main()).to_contain_text(NEW_EXCLUDES)
        peer.check()
        p.get_by_role("button", name=peer.t("Sign version %(number)s", number=1)).click()
        expect(peer.status()).to_contain_text(
            peer.t("Everyone has signed: version %(number)s is adopted.", number=1)
        )
        peer.check()

        peer.goto(sheet_url)
        agreement = p.get_by_role("region", name=peer.t("Agreed together?"))
        version = RoleSheetVersion.objects.get(role=role)
        adopted_on = peer.t(
            "Version %(number)s was signed by both sides on %(date)s.",
            number=1,
            date=peer.date(version.adopted_at, "SHORT_DATE_FORMAT"),
        )
        expect(agreement).to_contain_text(adopted_on)
        expect(agreement).to_contain_text(peer.t("The current sheet is the adopted version."))
        expect(mission_card(p, mission)).to_contain_text(NEW_INCLUDES)
        peer.check()

        manager.goto(sheet_url)
        expect(m.get_by_role("region", name=manager.t("Agreed together?"))).to_contain_text(
            manager.t(
                "Version %(number)s was signed by both sides on %(date)s.",
                number=1,
                date=manager.date(version.adopted_at, "SHORT_DATE_FORMAT"),
            )
        )

        # --- 5. The manager changes the sheet after the signatures: its PDF says it is a
        # draft on every page; version 1's PDF prints what was signed, with the signatures --
        manager.goto(reverse("roles:edit", args=[role.pk]))
        m.get_by_label(manager.t("raison d'être")).fill(LATER_PURPOSE)
        m.get_by_role("main").get_by_role("button", name=manager.t("Save")).click()
        m.wait_for_url(f"**{sheet_url}")
        draft = manager.t(
            "Draft — differs from version %(number)s adopted on %(date)s",
            number=1,
            date=manager.date(version.adopted_at),
        )
        pages = pdf_pages(manager, f"{sheet_url}sheet.pdf")
        assert all(draft in page for page in pages), pages
        assert LATER_PURPOSE in " ".join(pages)

        manager.goto(version.get_absolute_url())
        fingerprint = m.locator("code.fingerprint").inner_text()
        link = m.get_by_role("link", name=manager.t("PDF of version %(number)s", number=1))
        signed = " ".join(pdf_pages(manager, link.get_attribute("href")))
        assert LATER_PURPOSE not in signed
        assert NEW_INCLUDES in signed
        for signature in version.signatures.select_related("signer"):
            capacity = manager.t(
                "manager" if signature.signer == team["manager"] else "peer worker"
            )
            answer = manager.t("signed on %(date)s", date=manager.date(signature.decided_at))
            line = manager.t(
                "%(signatory)s: %(answer)s",
                signatory=f"{signature.signer.get_full_name()} ({capacity})",
                answer=answer,
            )
            assert " ".join(line.split()) in signed  # the text of the PDF has its spaces joined
        assert fingerprint in signed
    finally:
        peer.close()
        manager.close()

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


@VARIANTS
def test_a_proposal_accepted_over_a_later_edit_keeps_both(
    live_server, browser, axe_check, team, lang, js
):
    """The peer worker proposes a new description; the manager rewrites it before deciding.
    Accepting shows the three texts and a result with both changes; the manager's result is
    what the sheet and its history then say."""
    role, mission = team["role"], team["mission"]
    manager_user = team["manager"]
    Mission.objects.filter(pk=mission.pk).update(description=MERGE_BEFORE)
    mission.refresh_from_db()
    proposal = proposals.proposal_create(
        role=role,
        by=team["peer_worker"],
        kind=Proposal.Kind.CHANGE_MISSION,
        mission=mission,
        rationale=REASON,
        proposed={"description": MERGE_PROPOSED},
    )
    services.mission_update(
        mission=mission, by=manager_user, revision=mission.revision, description=MERGE_CURRENT
    )
    manager = Person(
        browser, axe_check, live_server.url, manager_user, lang=lang, js=js, viewport=PHONE
    )
    m = manager.page
    try:
        manager.log_in(proposal.get_absolute_url())
        label = capfirst(manager.t("what it is"))
        merge = m.get_by_role(
            "group",
            name=manager.t("%(field)s: changed by the proposal and since", field=label),
        )
        expect(merge).to_contain_text(MERGE_BEFORE)
        expect(merge.locator("ins")).to_contain_text(["sont, le soir surtout.", "Aller vers"])
        result = merge.get_by_label(manager.t("Result to keep: %(field)s", field=label))
        expect(result).to_have_value(MERGE_BOTH)
        manager.check()

        result.fill(MERGE_RESULT)
        m.get_by_role("button", name=manager.t("Accept and change the role sheet")).click()
        expect(manager.status()).to_contain_text(
            manager.t("The proposal was accepted: the role sheet was changed.")
        )
        manager.check()
        manager.goto(role.get_absolute_url())
        expect(mission_card(m, mission)).to_contain_text(MERGE_RESULT)
    finally:
        manager.close()

    assert Mission.objects.get(pk=mission.pk).description == MERGE_RESULT
    assert Proposal.objects.get().status == Proposal.Status.ACCEPTED

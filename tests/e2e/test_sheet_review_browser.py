"""A sheet comes back before its date: a peer worker asks for an early review, a manager holds it.

The adopted sheet comes back in twelve months. On a phone the peer worker asks, from the sheet,
for an early review: sent empty, the form says what is missing next to the field and records
nothing; with a reason, the sheet is due now and says an early review was asked. On a phone
the manager finds it on "Waiting for me", reads the reason on the review page, confirms the
sheet until the date offered (twelve months on), which answers the request; then chooses a
weekly digest of e-mails on their account page. axe-core finds nothing on the way, and
nothing scrolls sideways at 360 px.
In French and in English, with JavaScript on and off (tests/e2e/journeys.py).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.dates import months_later
from outbox.models import MailChoice, MailPreference
from sheets.models import EarlyReviewRequest, RoleSheetVersion
from sheets.versions import version_answer, version_request
from structures.models import Capacity
from tests.e2e.journeys import PHONE, VARIANTS, Person, exactly, field
from tests.factories import MembershipFactory, RoleAssignmentFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Je tiens surtout l'accueil maintenant, plus les maraudes."
HELPED = "Le binôme avec l'infirmière."


@VARIANTS
def test_an_early_review_is_asked_then_held(live_server, browser, axe_check, lang, js):
    manager_user = MembershipFactory(capacity=Capacity.MANAGER, user__email="resp@example.org").user
    structure = manager_user.memberships.get().structure
    peer_worker_user = MembershipFactory(structure=structure, user__email="pair@example.org").user
    role = RoleFactory(structure=structure, with_missions=2)
    RoleAssignmentFactory(role=role, peer_worker=peer_worker_user)
    version = version_request(role=role, by=manager_user)
    version_answer(version=version, by=manager_user, decision="signed")
    version = version_answer(version=version, by=peer_worker_user, decision="signed")
    today = timezone.localdate()
    assert version.status == RoleSheetVersion.Status.ADOPTED
    assert version.review_on == months_later(today, 12)

    # The peer worker asks for an early review.
    peer_worker = Person(
        browser, axe_check, live_server.url, peer_worker_user, lang=lang, js=js, viewport=PHONE
    )
    page, t = peer_worker.page, peer_worker.t
    try:
        peer_worker.log_in(role.get_absolute_url())
        page.get_by_role("link", name=exactly(t("Ask for an early review"))).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Ask for an early review"))
        main = peer_worker.main()
        expect(main).to_contain_text(
            t(
                "The sheet you signed comes back for review on %(date)s. If it no longer fits "
                "what you do, you can ask to review it now: the review date becomes today.",
                date=peer_worker.date(version.review_on),
            )
        )
        peer_worker.check()

        # Sent empty: the message is next to the field, tied to it; nothing is recorded.
        ask = main.get_by_role("button", name=exactly(t("Ask for the review")))
        ask.click()
        expect(main.get_by_role("alert")).to_have_text(
            t("Some answers need a look: see the messages next to the fields.")
        )
        reason = field(main, t("Why should the sheet be reviewed now?"))
        expect(reason).to_have_attribute("aria-invalid", "true")
        required = t("Say why the sheet should be reviewed now.")
        expect(main.get_by_text(required, exact=True)).to_be_visible()
        expect(reason).to_have_accessible_description(re.compile(re.escape(required)))
        peer_worker.check()
        assert not EarlyReviewRequest.objects.exists()
        version.refresh_from_db()
        assert version.review_on == months_later(today, 12)

        reason.fill(REASON)
        ask.click()
        expect(peer_worker.status()).to_contain_text(
            t("Your request is sent: the sheet is now due for its review.")
        )
        expect(page.get_by_role("heading", level=1)).to_have_text(role.title)
        agreement = page.get_by_role("region", name=t("Agreed together?"))
        expect(agreement).to_contain_text(
            peer_worker.tn("An early review was asked.", "%(counter)s early reviews were asked.", 1)
        )
        expect(agreement).to_contain_text(t("The review of the adopted version is due today."))
        peer_worker.check()
    finally:
        peer_worker.close()
    request = EarlyReviewRequest.objects.get()
    assert (request.by, request.reason, request.answered_at) == (peer_worker_user, REASON, None)
    version.refresh_from_db()
    assert version.review_on == today

    # The manager finds the sheet waiting, reads the reason and confirms the sheet.
    manager = Person(
        browser, axe_check, live_server.url, manager_user, lang=lang, js=js, viewport=PHONE
    )
    page, t = manager.page, manager.t
    next_review_on = months_later(today, 12)
    try:
        manager.log_in("/waiting/")
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Waiting for me"))
        due = page.get_by_role(
            "region",
            name=manager.tn(
                "%(counter)s role sheet is due for its review",
                "%(counter)s role sheets are due for their review",
                1,
            ),
        )
        to_review = t("Review the sheet “%(role)s”", role=role.title)
        # A string, not `exactly()`: in French the quotes « » hold no-break spaces, which
        # accessible names normalise to plain spaces (a string is normalised the same way).
        due.get_by_role("link", name=to_review, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Review of the sheet"))
        early = page.get_by_role("region", name=t("Early review asked"))
        expect(early).to_contain_text(
            t(
                "%(name)s, on %(date)s:",
                name=peer_worker_user.get_full_name(),
                date=manager.date(request.asked_at),
            )
        )
        expect(early).to_contain_text(REASON)
        manager.check()

        main = manager.main()
        field(main, t("What helped?")).fill(HELPED)
        field(main, t("the sheet stays as it is, until a new review date")).check()
        expect(field(main, t("Next review on"))).to_have_value(next_review_on.isoformat())
        main.get_by_role("button", name=exactly(t("Record the review"))).click()
        expect(manager.status()).to_contain_text(
            t("The sheet is confirmed until %(date)s.", date=manager.date(next_review_on))
        )
        expect(page.get_by_role("heading", level=1)).to_have_text(role.title)
        version.refresh_from_db()
        assert version.review_on == next_review_on
        assert EarlyReviewRequest.objects.get().answered_at is not None

        # Their e-mails: a weekly digest rather than one per event.
        manager.goto("/account/")
        mails = page.get_by_role("region", name=t("My e-mails"))
        field(mails, t("a weekly digest")).check()
        mails.get_by_role("button", name=exactly(t("Save my choice"))).click()
        expect(manager.status()).to_contain_text(t("Your choice of e-mails is saved."))
        assert MailPreference.objects.get(user=manager_user).choice == MailChoice.WEEKLY
        page.reload()
        mails = page.get_by_role("region", name=t("My e-mails"))
        expect(field(mails, t("a weekly digest"))).to_be_checked()
        expect(field(mails, t("an e-mail for each event"))).not_to_be_checked()
        manager.check()
    finally:
        manager.close()

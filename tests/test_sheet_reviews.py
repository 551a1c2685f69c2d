"""Agreements come back: review dates, the review, early reviews, what waits and warns."""

import datetime
import html

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from core.dates import months_later
from facilitation.waiting import Kind, waiting_counts
from roles.models import RoleEvent
from sheets.models import EarlyReviewRequest, RoleSheetVersion, SheetReview
from sheets.reviews import early_review_ask, review_line, sheet_review
from sheets.versions import version_answer, version_request

from .factories import RoleAssignmentFactory, RoleFactory

Outcome = SheetReview.Outcome


def _adopt(world, review_on=None):
    version = version_request(role=world.role, by=world.manager, review_on=review_on)
    version_answer(version=version, by=world.manager, decision="signed")
    return version_answer(version=version, by=world.peer_worker, decision="signed")


def _due(version, days_ago=1):
    RoleSheetVersion.objects.filter(pk=version.pk).update(
        review_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    version.refresh_from_db()
    return version


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 12, 4), 12, datetime.date(2027, 12, 4)),
        (datetime.date(2026, 11, 15), 3, datetime.date(2027, 2, 15)),
    ],
)
def test_months_later_stays_in_the_month(day, months, expected):
    assert months_later(day, months) == expected


def test_an_adopted_version_comes_back_twelve_months_later(world):
    version = _adopt(world)
    assert version.review_on == months_later(timezone.localdate(), 12)


def test_the_manager_chooses_the_review_date_when_asking_for_signatures(world):
    chosen = timezone.localdate() + datetime.timedelta(days=200)
    assert _adopt(world, review_on=chosen).review_on == chosen


@pytest.mark.parametrize("days", [0, -3, 4 * 366])
def test_a_review_date_must_be_after_today_and_within_three_years(world, days):
    with pytest.raises(ValidationError) as error:
        version_request(
            role=world.role,
            by=world.manager,
            review_on=timezone.localdate() + datetime.timedelta(days=days),
        )
    assert "review_on" in error.value.error_dict
    assert not RoleSheetVersion.objects.filter(role=world.role).exists()


def test_the_versions_page_keeps_a_bad_date_with_its_message(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("roles:version_request", kwargs={"role_id": world.role.pk}),
        {"review_on": "2001-01-01"},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Choisissez une date de revue postérieure à aujourd'hui." in page
    assert 'value="2001-01-01"' in page
    assert not RoleSheetVersion.objects.filter(role=world.role).exists()


def test_the_adoption_mail_says_when_the_sheet_comes_back(
    world, django_capture_on_commit_callbacks
):
    chosen = timezone.localdate() + datetime.timedelta(days=100)
    with django_capture_on_commit_callbacks(execute=True):
        _adopt(world, review_on=chosen)
    adopted_mails = [m for m in mail.outbox if "validée" in m.subject]
    assert len(adopted_mails) == 2  # the manager and the peer worker
    assert all("Elle revient en revue le" in m.body for m in adopted_mails)


def test_a_manager_confirms_the_sheet_until_a_new_date(world, django_capture_on_commit_callbacks):
    version = _due(_adopt(world))
    with django_capture_on_commit_callbacks(execute=True):
        review = sheet_review(
            version=version, by=world.manager, outcome=Outcome.CONFIRMED, helped="Les maraudes."
        )
    version.refresh_from_db()
    assert version.review_on == review.next_review_on == months_later(timezone.localdate(), 12)
    assert RoleEvent.objects.filter(role=world.role, kind=RoleEvent.Kind.REVIEW_CONFIRMED).exists()
    assert [m.to for m in mail.outbox] == [[world.peer_worker.email]]
    assert waiting_counts(world.manager)[Kind.SHEET_REVIEW_DUE] == 0


def test_a_peer_worker_cannot_confirm_but_can_say_what_must_change(world):
    version = _due(_adopt(world))
    with pytest.raises(PermissionDenied):
        sheet_review(version=version, by=world.peer_worker, outcome=Outcome.CONFIRMED)
    with pytest.raises(ValidationError) as error:
        sheet_review(version=version, by=world.peer_worker, outcome=Outcome.CHANGES)
    assert "change" in error.value.error_dict
    sheet_review(
        version=version, by=world.peer_worker, outcome=Outcome.CHANGES, change="Moins d'accueil."
    )
    version.refresh_from_db()
    # Still due: it is answered by the proposals and a new version, or a confirmation.
    assert version.review_on < timezone.localdate()
    assert waiting_counts(world.peer_worker)[Kind.SHEET_REVIEW_DUE] == 1


@pytest.mark.parametrize("actor", ["other_peer_worker", "facilitator", "other_manager"])
def test_only_the_people_on_the_role_review_it(world, actor):
    version = _adopt(world)
    with pytest.raises(PermissionDenied):
        sheet_review(
            version=version, by=getattr(world, actor), outcome=Outcome.NOTED, helped="Tout."
        )
    assert not SheetReview.objects.exists()


def test_a_version_no_longer_adopted_is_not_reviewed(world):
    version = _adopt(world)
    RoleSheetVersion.objects.filter(pk=version.pk).update(status="superseded")
    with pytest.raises(ValidationError):
        sheet_review(version=version, by=world.manager, outcome=Outcome.CONFIRMED)


def test_the_database_refuses_a_confirmation_without_a_date(world):
    version = _adopt(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        SheetReview.objects.create(version=version, outcome=Outcome.CONFIRMED)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleSheetVersion.objects.filter(pk=version.pk).update(review_on=None)


def test_an_early_review_brings_the_date_to_today_and_tells_the_managers(
    world, django_capture_on_commit_callbacks
):
    version = _adopt(world)
    before = version.review_on
    with django_capture_on_commit_callbacks(execute=True):
        request = early_review_ask(
            version=version, by=world.peer_worker, reason="Je fais l'accueil."
        )
    version.refresh_from_db()
    assert version.review_on == timezone.localdate()
    assert request.review_on_before == before
    assert [m.to for m in mail.outbox] == [[world.manager.email]]
    assert "Je fais l'accueil." in mail.outbox[0].body
    assert waiting_counts(world.manager)[Kind.SHEET_REVIEW_DUE] == 1
    with pytest.raises(ValidationError):
        early_review_ask(version=version, by=world.peer_worker, reason="Encore.")
    # Confirming answers it.
    sheet_review(version=version, by=world.manager, outcome=Outcome.CONFIRMED)
    assert EarlyReviewRequest.objects.get().answered_at is not None


def test_a_new_adopted_version_answers_the_early_requests(world):
    version = _adopt(world)
    early_review_ask(version=version, by=world.peer_worker, reason="Ça a changé.")
    world.role.title = "Pair·e aidant·e"
    world.role.save()
    new = _adopt(world)
    assert new.review_on > timezone.localdate()
    assert EarlyReviewRequest.objects.get().answered_at is not None


@pytest.mark.parametrize("actor", ["manager", "other_peer_worker", "facilitator"])
def test_only_a_peer_worker_holding_the_role_asks_for_an_early_review(world, actor):
    version = _adopt(world)
    with pytest.raises(PermissionDenied):
        early_review_ask(version=version, by=getattr(world, actor), reason="Pourquoi pas.")


def test_a_due_review_waits_for_managers_and_holders_only(world):
    _due(_adopt(world))
    counts = {
        actor: waiting_counts(getattr(world, actor))[Kind.SHEET_REVIEW_DUE]
        for actor in ("manager", "peer_worker", "other_peer_worker", "facilitator", "other_manager")
    }
    assert counts == {
        "manager": 1,
        "peer_worker": 1,
        "other_peer_worker": 0,
        "facilitator": 0,
        "other_manager": 0,
    }


def test_the_waiting_page_and_home_list_the_due_review(client, world):
    _due(_adopt(world), days_ago=10)
    client.force_login(world.peer_worker)
    page = client.get(reverse("waiting")).content.decode()
    assert reverse("roles:review", kwargs={"role_id": world.role.pk}) in page
    assert "1 fiche de rôle attend sa revue" in client.get("/").content.decode()


def test_the_sheet_says_the_date_then_warns_when_it_has_come(client, world):
    version = _adopt(world)
    client.force_login(world.peer_worker)
    url = world.role.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Prochaine revue de cette fiche" in page
    assert reverse("roles:early_review", kwargs={"role_id": world.role.pk}) in page
    _due(version, days_ago=3)
    page = client.get(url).content.decode()
    assert "La revue de la version adoptée est attendue depuis le" in page
    assert "Prochaine revue de cette fiche" not in page


def test_the_portfolio_warns_of_a_review_overdue(client, world):
    _due(_adopt(world))
    client.force_login(world.facilitator)
    page = client.get(reverse("portfolio")).content.decode()
    assert "La revue de la version adoptée est attendue depuis le" in page


def test_the_structure_page_lists_sheets_by_next_review_date(client, world):
    second = RoleFactory(structure=world.structure, title="Médiateur·ice pair·e", with_missions=1)
    RoleAssignmentFactory(role=second, peer_worker=world.peer_worker)
    _adopt(world, review_on=timezone.localdate() + datetime.timedelta(days=300))
    world.role = second
    _due(_adopt(world))
    client.force_login(world.manager)
    page = client.get(reverse("structures:detail", kwargs={"slug": world.structure.slug}))
    text = page.content.decode()
    section = text[text.index('id="reviews-title"') :]
    assert section.index("Médiateur·ice pair·e") < section.index("Travailleur·se pair·e")
    assert "attendue depuis le" in section


def test_the_review_page_records_the_review_and_leads_to_proposals(client, world):
    _due(_adopt(world))
    client.force_login(world.peer_worker)
    url = reverse("roles:review", kwargs={"role_id": world.role.pk})
    form = client.get(url)
    assert form.status_code == 200
    # A peer worker is not offered to confirm.
    assert 'value="confirmed"' not in form.content.decode()
    response = client.post(url, {"outcome": "changes", "change": "Moins de permanences."})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    proposal = reverse("missions:propose_mission_change", kwargs={"mission_id": world.mission.pk})
    assert f"{proposal}?rationale=Moins%20de%20permanences." in page


def test_the_review_form_keeps_what_was_typed_when_it_is_refused(client, world):
    _due(_adopt(world))
    client.force_login(world.manager)
    url = reverse("roles:review", kwargs={"role_id": world.role.pk})
    response = client.post(url, {"outcome": "changes", "helped": "Les binômes.", "change": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Les binômes." in page
    assert "Dites ce qui devrait changer." in page
    assert not SheetReview.objects.exists()


def test_the_review_line_in_english(world, settings):
    version = _adopt(world)
    with translation.override("en"):
        assert review_line(version).startswith("Next review of this sheet:")
        assert review_line(_due(version, days_ago=0)) == "This sheet is to be reviewed today."

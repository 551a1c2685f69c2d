"""Reviews by the platform's facilitator, and the managers' follow-up of recommendations.

Standing actors come from the `world` fixture: the manager, the peer worker assigned to the role,
a peer worker of the structure who does not hold it, the supporting facilitator, a facilitator
whose support ended, and outsiders. E-mails are sent once the transaction commits, hence
`django_capture_on_commit_callbacks(execute=True)` around the requests that send them.

Over 500 lines: one module per feature, reviews then recommendations.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from facilitation.models import Recommendation, RecommendationStatus, Review
from facilitation.reviews import recommendation_follow_up, review_create, review_update

from .factories import (
    MissionFactory,
    RecommendationFactory,
    ReviewFactory,
    RoleAssignmentFactory,
    RoleFactory,
)

NOTES = "Visite du 3 : la raison d'être est claire, les tâches de médiation sont floues."
ADVICE_ROLE = "Écrire les tâches concrètes de la médiation avec la travailleuse paire."
ADVICE_MISSION = "Préciser ce que la mission ne comprend pas : pas d'accueil administratif."
ANSWER = "Nous en parlons à la prochaine analyse de la pratique, le 12."


def html(response):
    return response.content.decode()


def said(response, text, *, escaped=True):
    """`text` (a msgid) as the page shows it, in the language it was rendered in. Messages
    rendered with {{ }} are escaped; a template's own {% translate %} text is not."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return escape(gettext(text)) if escaped else gettext(text)


def new_url(world):
    return reverse("facilitation:review_new", kwargs={"slug": world.structure.slug})


def list_url(structure):
    return reverse("facilitation:reviews", kwargs={"slug": structure.slug})


def follow_up_url(recommendation):
    return reverse(
        "facilitation:recommendation_follow_up",
        kwargs={
            "slug": recommendation.review.structure.slug,
            "recommendation_id": recommendation.pk,
        },
    )


def review_data(*, notes=NOTES, reviewed_on=None, recommendations=(), total=3, **extra):
    """The POST of the review form: the review, then `total` recommendation forms."""
    data = {
        "reviewed_on": (reviewed_on or timezone.localdate()).isoformat(),
        "notes": notes,
        "recommendations-TOTAL_FORMS": str(total),
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-MIN_NUM_FORMS": "0",
        "recommendations-MAX_NUM_FORMS": "30",
    }
    for index in range(total):
        item = recommendations[index] if index < len(recommendations) else {}
        for name in ("text", "role", "mission"):
            value = item.get(name, "")
            data[f"recommendations-{index}-{name}"] = str(getattr(value, "pk", value))
    return data | extra


def make_review(world, **kwargs):
    """A review by the world's facilitator, through the service."""
    kwargs.setdefault("reviewed_on", timezone.localdate())
    kwargs.setdefault("notes", NOTES)
    kwargs.setdefault("recommendations", [{"text": ADVICE_ROLE, "role": world.role}])
    return review_create(structure=world.structure, by=world.facilitator, **kwargs)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- writing a review ----------------------------------------------------------------------


def test_facilitator_writes_a_review_with_recommendations(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    page = client.get(new_url(world))
    assert page.status_code == 200
    assert world.role.title in html(page) and world.mission.title in html(page)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_url(world),
            review_data(
                recommendations=[
                    {"text": ADVICE_ROLE, "role": world.role},
                    {"text": ADVICE_MISSION, "mission": world.mission},
                    {"text": "Prévoir une supervision externe."},
                ],
                total=4,  # the fourth one is left empty: ignored
            ),
        )

    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == review.get_absolute_url()
    assert (review.structure, review.author, review.notes) == (
        world.structure,
        world.facilitator,
        NOTES,
    )
    about_role, about_mission, about_all = review.recommendations.all()
    assert (about_role.text, about_role.role, about_role.mission) == (ADVICE_ROLE, world.role, None)
    # A recommendation about a mission is about its role too.
    assert (about_mission.role, about_mission.mission) == (world.role, world.mission)
    assert (about_all.role, about_all.mission) == (None, None)
    assert all(item.status == RecommendationStatus.OPEN for item in review.recommendations.all())
    # The managers read the review; the peer worker holding the role is told about it.
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([world.manager.email, world.peer_worker.email])
    to_manager = next(m for m in mail.outbox if m.to == [world.manager.email])
    assert review.get_absolute_url() in to_manager.body
    to_peer = next(m for m in mail.outbox if m.to == [world.peer_worker.email])
    assert list_url(world.structure) in to_peer.body
    assert NOTES not in to_peer.body


def test_a_review_without_recommendation_about_roles_tells_only_the_managers(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_review(world, recommendations=[{"text": "Inviter l'équipe à la formation."}])
    assert [message.to for message in mail.outbox] == [[world.manager.email]]


def test_bad_input_keeps_what_was_typed(client, world):
    other_role = RoleFactory(structure=world.structure, with_missions=1)
    client.force_login(world.facilitator)
    response = client.post(
        new_url(world),
        review_data(
            notes="",
            recommendations=[
                {"text": ADVICE_ROLE, "role": world.role},
                {"role": world.role},  # no text
                {"text": ADVICE_MISSION, "role": world.role, "mission": other_role.missions.get()},
            ],
        ),
    )
    assert response.status_code == 200
    page = html(response)
    assert escape(ADVICE_ROLE) in page and escape(ADVICE_MISSION) in page
    assert f'<option value="{world.role.pk}" selected>' in page
    assert said(response, "Write the recommendation, or clear its role and mission.") in page
    assert said(response, "This mission belongs to another role.") in page
    assert (
        said(
            response,
            "The review was not saved: see the messages next to the fields. "
            "What you typed is kept.",
            escaped=False,
        )
        in page
    )
    assert not Review.objects.exists()
    assert mail.outbox == []


def test_a_review_cannot_be_dated_in_the_future(client, world):
    client.force_login(world.facilitator)
    response = client.post(
        new_url(world),
        review_data(reviewed_on=timezone.localdate() + datetime.timedelta(days=2)),
    )
    assert response.status_code == 200
    assert said(response, "The date of the review cannot be in the future.") in html(response)
    assert escape(NOTES) in html(response)
    assert not Review.objects.exists()


def test_a_role_of_another_structure_is_not_a_choice(client, world):
    elsewhere = RoleFactory(structure=world.other_structure, with_missions=1)
    client.force_login(world.facilitator)
    page = html(client.get(new_url(world)))
    assert elsewhere.title not in page
    response = client.post(
        new_url(world),
        review_data(recommendations=[{"text": ADVICE_ROLE, "role": elsewhere}]),
    )
    assert response.status_code == 200
    assert not Review.objects.exists()


def test_more_room_for_recommendations_without_javascript(client, world):
    client.force_login(world.facilitator)
    response = client.post(
        new_url(world),
        review_data(recommendations=[{"text": ADVICE_ROLE, "role": world.role}], more="1"),
    )
    assert response.status_code == 200
    page = html(response)
    assert escape(NOTES) in page and escape(ADVICE_ROLE) in page
    # What was typed, then three more empty forms; nothing saved yet, no error shown.
    assert 'name="recommendations-TOTAL_FORMS" value="4"' in page
    assert 'class="alert alert-danger"' not in page
    assert not Review.objects.exists()


def test_the_service_checks_its_targets_and_its_author(world):
    elsewhere = RoleFactory(structure=world.other_structure, with_missions=1)
    with pytest.raises(ValidationError):
        make_review(world, recommendations=[{"text": "x", "role": elsewhere}])
    with pytest.raises(ValidationError):
        make_review(world, recommendations=[{"text": "x", "mission": elsewhere.missions.get()}])
    with pytest.raises(ValidationError):
        make_review(world, recommendations=[{"text": "  ", "role": world.role}])
    with pytest.raises(PermissionDenied):
        review_create(
            structure=world.structure,
            by=world.other_facilitator,  # support ended
            reviewed_on=timezone.localdate(),
            notes=NOTES,
        )
    with pytest.raises(PermissionDenied):
        review_create(
            structure=world.structure,
            by=world.manager,
            reviewed_on=timezone.localdate(),
            notes=NOTES,
        )
    assert not Review.objects.exists()


# --- reading and following up ---------------------------------------------------------------


def test_managers_see_the_review_and_mark_a_recommendation_done(
    client, world, django_capture_on_commit_callbacks
):
    review = make_review(world)
    recommendation = review.recommendations.get()
    client.force_login(world.manager)
    assert review.get_absolute_url() in html(client.get(list_url(world.structure)))
    page = html(client.get(review.get_absolute_url()))
    assert escape(NOTES) in page and escape(ADVICE_ROLE) in page
    assert follow_up_url(recommendation) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(follow_up_url(recommendation), {"status": "done", "answer": ""})

    assert response.status_code == 302
    assert response["Location"] == f"{review.get_absolute_url()}#recommendation-{recommendation.pk}"
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DONE
    assert recommendation.followed_up_by == world.manager
    assert recommendation.followed_up_at is not None
    assert [message.to for message in mail.outbox] == [[world.facilitator.email]]


def test_an_answer_needs_its_text(client, world, django_capture_on_commit_callbacks):
    review = make_review(world)
    recommendation = review.recommendations.get()
    client.force_login(world.manager)

    response = client.post(follow_up_url(recommendation), {"status": "answered", "answer": "  "})
    assert response.status_code == 200
    assert said(response, "Write your answer to the facilitator.") in html(response)
    assert fresh(recommendation).status == RecommendationStatus.OPEN
    with pytest.raises(ValidationError):
        recommendation_follow_up(
            recommendation=recommendation, by=world.manager, status="answered", answer=""
        )
    with pytest.raises(ValidationError):
        recommendation_follow_up(recommendation=recommendation, by=world.manager, status="open")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            follow_up_url(recommendation), {"status": "answered", "answer": ANSWER}
        )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.answer) == (RecommendationStatus.ANSWERED, ANSWER)
    assert ANSWER in mail.outbox[0].body


def test_the_facilitator_sees_the_follow_up(client, world):
    review = make_review(world)
    recommendation_follow_up(
        recommendation=review.recommendations.get(),
        by=world.manager,
        status="answered",
        answer=ANSWER,
    )
    client.force_login(world.facilitator)
    response = client.get(review.get_absolute_url())
    page = html(response)
    assert escape(ANSWER) in page
    assert escape(world.manager.get_full_name()) in page
    assert said(response, "answered").capitalize() in page
    # Read-only for the facilitator: no follow-up form.
    assert 'name="status"' not in page
    listing = client.get(list_url(world.structure))
    assert said(listing, "all followed up") in html(listing)


def test_peer_workers_see_only_the_recommendations_about_their_roles(client, world):
    other_role = RoleFactory(structure=world.structure)
    RoleAssignmentFactory(role=other_role, peer_worker=world.other_peer_worker)
    review = make_review(
        world,
        recommendations=[
            {"text": ADVICE_ROLE, "role": world.role},
            {"text": ADVICE_MISSION, "mission": world.mission},
            {"text": "Recommandation pour l'autre rôle", "role": other_role},
            {"text": "Recommandation pour toute la structure"},
        ],
    )

    client.force_login(world.peer_worker)
    page = html(client.get(list_url(world.structure)))
    assert escape(ADVICE_ROLE) in page and escape(ADVICE_MISSION) in page
    assert "Recommandation pour" not in page
    assert escape(NOTES) not in page
    assert client.get(review.get_absolute_url()).status_code == 403

    client.force_login(world.other_peer_worker)
    page = html(client.get(list_url(world.structure)))
    assert "Recommandation pour l&#x27;autre rôle" in page
    assert escape(ADVICE_ROLE) not in page
    assert "Recommandation pour toute la structure" not in page
    assert client.get(review.get_absolute_url()).status_code == 403


def test_reviews_are_read_only_for_managers(client, world):
    review = make_review(world)
    client.force_login(world.manager)
    assert client.get(new_url(world)).status_code == 403
    assert client.post(new_url(world), review_data()).status_code == 403
    page = html(client.get(review.get_absolute_url()))
    assert 'name="notes"' not in page
    assert Review.objects.count() == 1
    assert fresh(review).notes == NOTES


@pytest.mark.parametrize("actor", ["facilitator", "peer_worker", "other_peer_worker"])
def test_only_managers_follow_up(client, world, actor):
    recommendation = make_review(world).recommendations.get()
    client.force_login(getattr(world, actor))
    response = client.post(follow_up_url(recommendation), {"status": "done"})
    assert response.status_code == 403
    assert fresh(recommendation).status == RecommendationStatus.OPEN


@pytest.mark.parametrize("actor", ["other_facilitator", "other_manager", "admin"])
def test_outsiders_get_404(client, world, actor):
    review = make_review(world)
    recommendation = review.recommendations.get()
    client.force_login(getattr(world, actor))
    assert client.get(list_url(world.structure)).status_code == 404
    assert client.get(review.get_absolute_url()).status_code == 404
    assert client.get(new_url(world)).status_code == 404
    assert client.post(new_url(world), review_data()).status_code == 404
    response = client.post(follow_up_url(recommendation), {"status": "done"})
    assert response.status_code == 404
    assert Review.objects.count() == 1
    assert fresh(recommendation).status == RecommendationStatus.OPEN


def test_a_review_is_reached_only_through_its_structure(client, world):
    """The manager of another structure, on their own structure's address, finds nothing."""
    review = make_review(world)
    recommendation = review.recommendations.get()
    client.force_login(world.other_manager)
    url = reverse(
        "facilitation:review", kwargs={"slug": world.other_structure.slug, "review_id": review.pk}
    )
    assert client.get(url).status_code == 404
    url = reverse(
        "facilitation:recommendation_follow_up",
        kwargs={"slug": world.other_structure.slug, "recommendation_id": recommendation.pk},
    )
    assert client.post(url, {"status": "done"}).status_code == 404
    assert fresh(recommendation).status == RecommendationStatus.OPEN


def test_follow_up_refuses_get(client, world):
    recommendation = make_review(world).recommendations.get()
    client.force_login(world.manager)
    assert client.get(follow_up_url(recommendation)).status_code == 405


def test_the_structure_page_links_to_the_reviews(client, world):
    client.force_login(world.manager)
    assert list_url(world.structure) in html(client.get(world.structure.get_absolute_url()))


# --- query counts ---------------------------------------------------------------------------

# Session + user + the request's savepoint pair, then: the structure with access, and
# the list (reviews with their counts, or a peer worker's recommendations); for one review:
# the review, its recommendations with their role, mission and who followed up, its earlier
# texts (corrections).
REVIEW_LIST_QUERIES = 6
REVIEW_DETAIL_QUERIES = 8


def _grow_reviews(world, size):
    for _ in range(size):
        review = ReviewFactory(structure=world.structure, author=world.facilitator)
        for index in range(3):
            mission = MissionFactory(role=world.role)
            RecommendationFactory(
                review=review,
                role=world.role,
                mission=mission if index else None,
                status=RecommendationStatus.DONE if index == 2 else RecommendationStatus.OPEN,
                followed_up_by=world.manager if index == 2 else None,
                followed_up_at=timezone.now() if index == 2 else None,
            )
    return review


@pytest.mark.parametrize("size", [1, 10])
@pytest.mark.parametrize("actor", ["manager", "facilitator", "peer_worker"])
def test_review_list_query_count_does_not_grow(
    client, world, django_assert_num_queries, size, actor
):
    _grow_reviews(world, size)
    client.force_login(getattr(world, actor))
    with django_assert_num_queries(REVIEW_LIST_QUERIES):
        response = client.get(list_url(world.structure))
    assert response.status_code == 200
    if actor == "peer_worker":
        assert html(response).count('class="card mb-3 recommendation"') == 3 * size
    else:
        assert html(response).count('class="list-group-item"') == size


@pytest.mark.parametrize("size", [1, 10])
@pytest.mark.parametrize("actor", ["manager", "facilitator"])
def test_review_detail_query_count_does_not_grow(
    client, world, django_assert_num_queries, size, actor
):
    review = _grow_reviews(world, 1)
    for _ in range(size * 3):
        RecommendationFactory(
            review=review, role=world.role, mission=MissionFactory(role=world.role)
        )
    client.force_login(getattr(world, actor))
    with django_assert_num_queries(REVIEW_DETAIL_QUERIES):
        response = client.get(review.get_absolute_url())
    assert response.status_code == 200
    assert html(response).count('class="card mb-3 recommendation"') == 3 + 3 * size


def test_recommendations_of_a_deleted_role_stay_with_the_managers(world):
    review = make_review(world)
    world.role.delete()
    recommendation = Recommendation.objects.get(review=review)
    assert recommendation.role is None


# --- correcting a review ---------------------------------------------------------------------

CORRECTED = "Visite du 3 : la raison d'être est claire ; les tâches de médiation restent à écrire."


def edit_url(review):
    return reverse(
        "facilitation:review_edit", kwargs={"slug": review.structure.slug, "review_id": review.pk}
    )


def test_the_author_corrects_a_review_and_the_earlier_text_stays(client, world):
    review = make_review(world)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.force_login(world.facilitator)
    page = html(client.get(review.get_absolute_url()))
    assert f'href="{edit_url(review)}"' in page
    form = html(client.get(edit_url(review)))
    assert escape(NOTES) in form  # the form starts from the review as it is

    response = client.post(
        edit_url(review), {"reviewed_on": yesterday.isoformat(), "notes": CORRECTED}
    )
    assert response.status_code == 302
    assert fresh(review).notes == CORRECTED
    assert fresh(review).reviewed_on == yesterday
    revision = review.revisions.get()
    assert (revision.notes, revision.reviewed_on, revision.edited_by) == (
        NOTES,
        timezone.localdate(),
        world.facilitator,
    )
    # The recommendations and their follow-up are untouched.
    assert review.recommendations.get().text == ADVICE_ROLE

    for reader in (world.facilitator, world.manager):
        client.force_login(reader)
        page = html(client.get(review.get_absolute_url()))
        assert escape(CORRECTED) in page
        assert said(response, "History of the review") in page
        assert escape(NOTES) in page.split(said(response, "History of the review"))[1]
    # Only its author is offered to correct it.
    assert f'href="{edit_url(review)}"' not in page


def test_a_correction_keeps_what_was_typed_when_it_is_refused(client, world):
    review = make_review(world)
    client.force_login(world.facilitator)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(edit_url(review), {"reviewed_on": tomorrow.isoformat(), "notes": ""})
    assert response.status_code == 200
    page = html(response)
    assert tomorrow.isoformat() in page
    assert said(response, "This field is required.") in page
    assert fresh(review).notes == NOTES
    assert not review.revisions.exists()

    response = client.post(edit_url(review), {"reviewed_on": tomorrow.isoformat(), "notes": "X"})
    assert said(response, "The date of the review cannot be in the future.") in html(response)
    assert fresh(review).notes == NOTES


def test_an_unchanged_correction_records_nothing(client, world):
    review = make_review(world)
    client.force_login(world.facilitator)
    data = {"reviewed_on": review.reviewed_on.isoformat(), "notes": NOTES}
    assert client.post(edit_url(review), data).status_code == 302
    assert not review.revisions.exists()


@pytest.mark.parametrize("actor", ["manager", "peer_worker", "other_peer_worker", "another"])
def test_only_the_author_corrects_a_review(client, world, actor):
    from .factories import FacilitatorSupportFactory

    review = make_review(world)
    if actor == "another":  # a second facilitator of the structure, not the author
        person = FacilitatorSupportFactory(structure=world.structure).facilitator
    else:
        person = getattr(world, actor)
    client.force_login(person)
    assert client.get(edit_url(review)).status_code == 403
    response = client.post(edit_url(review), {"reviewed_on": "2026-01-01", "notes": CORRECTED})
    assert response.status_code == 403
    assert fresh(review).notes == NOTES
    with pytest.raises(PermissionDenied):
        review_update(review=review, by=person, reviewed_on=timezone.localdate(), notes=CORRECTED)


def test_an_author_whose_support_ended_no_longer_corrects(world):
    review = make_review(world)
    world.facilitator.supports.update(
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(PermissionDenied):
        review_update(
            review=review, by=world.facilitator, reviewed_on=review.reviewed_on, notes=CORRECTED
        )
    assert fresh(review).notes == NOTES

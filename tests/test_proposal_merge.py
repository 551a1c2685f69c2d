"""Accepting a proposal over later edits never loses either side (issue #13).

A field the proposal and a later edit both changed: the accept page shows the three texts
(when proposed, proposed, now) with the changed words marked, and a result field prefilled;
nothing is applied until the manager confirms a result, which the history then shows with who
decided. A field changed on one side only merges without asking. The accept form carries the
revisions it showed: if the target moved since, HTTP 409 and the three texts again.

About 470 lines: one module per feature, in sections: the word diff, a field both sides changed,
one side only, what the manager saw, the proposal page, queries.
"""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from core.worddiff import merge3, word_diff
from missions import proposal_merge, proposals, services
from missions.models import DailyTask, Frequency, Mission, Proposal
from roles.models import RoleEvent
from structures.models import Capacity

from .factories import DailyTaskFactory, MembershipFactory, ProposalCommentFactory

Kind = Proposal.Kind
Status = Proposal.Status

BEFORE = "Rencontrer les personnes là où elles sont."
PROPOSED = "Rencontrer les personnes là où elles sont, le soir surtout."
CURRENT = "Aller vers les personnes là où elles sont."
BOTH = "Aller vers les personnes là où elles sont, le soir surtout."
WHY = "Le soir, on croise plus de monde."


def login(user):
    client = Client()
    client.force_login(user)
    return client


def html(response):
    return response.content.decode()


def shown_text(response):
    """The page as a sighted reader reads it (no tags, no words for screen readers only)."""
    page = re.sub(r'<span class="visually-hidden">.*?</span>', "", html(response))
    return unescape(re.sub(r"<[^>]+>", "", page))


def new_text(response):
    """The page without the struck-out words: how each changed text now reads."""
    page = re.sub(r"<del>.*?</del>", "", html(response), flags=re.S)
    page = re.sub(r'<span class="visually-hidden">.*?</span>', "", page)
    return unescape(re.sub(r"<[^>]+>", "", page))


def values(obj):
    return {name: getattr(obj, name) for name in type(obj).EDITABLE_FIELDS}


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def accept_url(proposal):
    return reverse("missions:proposal_accept", args=[proposal.pk])


def propose(world, **changes):
    return proposals.proposal_create(
        role=world.role,
        by=world.peer_worker,
        kind=Kind.CHANGE_MISSION,
        mission=world.mission,
        rationale=WHY,
        proposed=values(world.mission) | changes,
    )


def edit(world, **changes):
    """A manager edits the mission after the proposal was written."""
    mission = fresh(world.mission)
    services.mission_update(mission=mission, by=world.manager, revision=mission.revision, **changes)


def seen(page):
    return page.context["accept_form"]["seen"].value()


def result(page, name):
    return page.context["accept_form"][f"result_{name}"].value()


@pytest.fixture
def colleague(world):
    return MembershipFactory(structure=world.structure, capacity=Capacity.MANAGER).user


@pytest.fixture
def same_field(world, colleague):
    """The peer worker proposes a new description; a colleague then rewrites it otherwise."""
    Mission.objects.filter(pk=world.mission.pk).update(description=BEFORE)
    world.mission.refresh_from_db()
    proposal = propose(world, description=PROPOSED)
    mission = fresh(world.mission)
    services.mission_update(
        mission=mission, by=colleague, revision=mission.revision, description=CURRENT
    )
    return proposal


# --- the word diff and the suggestion -------------------------------------------------------


def test_word_diff_marks_only_the_changed_words():
    assert [
        (s.kind, s.text) for s in word_diff("Les maraudes du soir", "Les maraudes du matin")
    ] == [
        ("same", "Les maraudes du"),
        ("del", " soir"),
        ("ins", " matin"),
    ]
    assert "".join(s.text for s in word_diff("a b", "a b c") if s.kind != "del") == "a b c"


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "merged"),
    [
        (BEFORE, CURRENT, PROPOSED, BOTH),  # different words: both changes
        ("Rencontrer.", "Rencontrer des gens.", "Rencontrer du monde.", None),  # same place
        ("a b c", "a x c", "a y c", None),  # the same word, changed differently
    ],
)
def test_three_way_merge_of_words(base, ours, theirs, merged):
    assert merge3(base, ours, theirs) == merged


def test_suggestion_when_both_sides_change_the_same_words():
    field = Mission._meta.get_field("description")
    before, current, proposed = (
        "Aller vers",
        "Aller vers les gens",
        "Aller vers les gens, le soir.",
    )
    # One contains the other: the longer.
    assert proposal_merge.suggestion(field, before, proposed, current) == proposed
    # Neither: the current text, then the proposed one, for the manager to trim.
    assert (
        proposal_merge.suggestion(field, "Aller.", "Venir ici.", "Partir là.")
        == "Partir là.\n\nVenir ici."
    )
    title = Mission._meta.get_field("title")
    assert proposal_merge.suggestion(title, "A", "B", "C") == "C / B"
    # Not a text: the proposed value.
    latitude = Mission._meta.get_field("latitude")
    assert (
        proposal_merge.suggestion(latitude, "in_pair", "autonomous", "supervised") == "autonomous"
    )


# --- a field both sides changed -------------------------------------------------------------


def test_same_field_shows_three_texts_and_applies_nothing_until_confirmed(
    world, colleague, same_field
):
    proposal = same_field
    manager = login(world.manager)
    page = manager.get(proposal.get_absolute_url())

    assert page.status_code == 200
    assert BEFORE in shown_text(page)
    assert PROPOSED in new_text(page)
    assert CURRENT in new_text(page)
    # The changed words are marked, with words for screen readers.
    assert "<ins>" in html(page) and "<del>" in html(page)
    assert '<ins><span class="visually-hidden">[' in html(page)
    # The result starts from both changes (they touch different words), with a label.
    assert result(page, "description") == BOTH
    assert 'for="accept-result_description"' in html(page)
    assert fresh(world.mission).description == CURRENT
    assert fresh(proposal).status == Status.OPEN

    # Posting without a result (e.g. from a page shown before the later edit): 409, the three
    # texts, nothing applied.
    refused = manager.post(accept_url(proposal), {"reason": ""})
    assert refused.status_code == 409
    assert CURRENT in new_text(refused)
    assert result(refused, "description") == BOTH
    assert fresh(world.mission).description == CURRENT
    assert fresh(proposal).status == Status.OPEN

    # The manager confirms their own result: it is the field's value, and the history says it
    # and who decided.
    merged = "Aller vers les personnes là où elles sont, surtout le soir."
    accepted = manager.post(
        accept_url(proposal), {"seen": seen(page), "result_description": merged}
    )
    assert accepted.status_code == 302
    mission = fresh(world.mission)
    assert mission.description == merged
    assert mission.updated_by == world.manager
    assert fresh(proposal).status == Status.ACCEPTED
    event = RoleEvent.objects.filter(kind=RoleEvent.Kind.MISSION_CHANGED).latest("id")
    assert event.actor == world.manager
    assert event.changes == {"description": [CURRENT, merged]}
    assert RoleEvent.objects.get(kind=RoleEvent.Kind.PROPOSAL_ACCEPTED).actor == world.manager
    history = login(world.manager).get(reverse("roles:history", args=[world.role.pk]))
    assert merged in shown_text(history)


def test_the_service_refuses_a_same_field_conflict_without_a_result(world, same_field):
    with pytest.raises(proposals.ProposalConflict) as caught:
        proposals.proposal_accept(proposal=same_field, by=world.manager)
    assert [merge.name for merge in caught.value.to_resolve] == ["description"]
    assert fresh(world.mission).description == CURRENT
    assert fresh(same_field).status == Status.OPEN

    proposals.proposal_accept(
        proposal=same_field, by=world.manager, resolutions={"description": f"  {BOTH} "}
    )
    assert fresh(world.mission).description == BOTH


def test_an_invalid_result_is_refused_with_what_was_typed(world):
    proposal = propose(world, title="Aller vers")
    edit(world, title="Rencontrer")
    manager = login(world.manager)
    page = manager.get(proposal.get_absolute_url())
    assert result(page, "title") == "Rencontrer / Aller vers"
    too_long = "x" * 201

    refused = manager.post(accept_url(proposal), {"seen": seen(page), "result_title": too_long})

    assert refused.status_code == 200
    assert refused.context["accept_form"].errors["result_title"]
    assert result(refused, "title") == too_long
    # A mission needs a title: an empty result is refused by the model's own rule.
    empty = manager.post(accept_url(proposal), {"seen": seen(page), "result_title": "  "})
    assert empty.status_code == 200
    assert empty.context["accept_form"].errors["result_title"]
    assert 'aria-invalid="true"' in html(empty)
    assert fresh(world.mission).title == "Rencontrer"
    assert fresh(proposal).status == Status.OPEN


def test_a_task_frequency_both_sides_changed_is_chosen_from_the_list(world):
    task = world.task
    DailyTask.objects.filter(pk=task.pk).update(frequency=Frequency.WEEKLY)
    task.refresh_from_db()
    proposal = proposals.proposal_create(
        role=world.role,
        by=world.peer_worker,
        kind=Kind.CHANGE_TASK,
        task=task,
        rationale=WHY,
        proposed=values(task) | {"frequency": Frequency.DAILY},
    )
    services.task_update(
        task=fresh(task), by=world.manager, revision=task.revision, frequency=Frequency.MONTHLY
    )
    manager = login(world.manager)
    page = manager.get(proposal.get_absolute_url())
    assert result(page, "frequency") == Frequency.DAILY
    assert '<select name="result_frequency"' in html(page)

    accepted = manager.post(
        accept_url(proposal), {"seen": seen(page), "result_frequency": Frequency.MONTHLY}
    )

    assert accepted.status_code == 302
    assert fresh(task).frequency == Frequency.MONTHLY
    assert fresh(proposal).status == Status.ACCEPTED


# --- one side only --------------------------------------------------------------------------


def test_fields_changed_on_one_side_only_merge_without_asking(world):
    proposal = propose(world, includes="Les maraudes du soir et du samedi")
    edit(world, title="Aller vers", description="Nouvelle description")
    manager = login(world.manager)
    page = manager.get(proposal.get_absolute_url())
    assert page.context["accept_form"].merges == []
    assert "result_" not in html(page)

    accepted = manager.post(accept_url(proposal), {"seen": seen(page)})

    assert accepted.status_code == 302
    mission = fresh(world.mission)
    assert (mission.title, mission.description, mission.includes) == (
        "Aller vers",
        "Nouvelle description",
        "Les maraudes du soir et du samedi",
    )
    event = RoleEvent.objects.filter(kind=RoleEvent.Kind.MISSION_CHANGED).latest("id")
    assert event.actor == world.manager
    assert set(event.changes) == {"includes"}


def test_a_proposal_already_applied_by_the_later_edit_changes_nothing_more(world):
    proposal = propose(world, title="Aller vers")
    edit(world, title="Aller vers")
    revision = fresh(world.mission).revision
    proposals.proposal_accept(proposal=proposal, by=world.manager)
    assert fresh(world.mission).revision == revision
    assert fresh(proposal).status == Status.ACCEPTED


# --- what the manager saw -------------------------------------------------------------------


def test_a_colleague_edit_between_showing_and_accepting_is_refused(world, colleague):
    """The scenario of the issue: the page is shown (no conflict yet), a colleague changes the
    title, then the manager accepts: refused, the three texts shown, nothing replaced."""
    proposal = propose(world, title="Aller vers les personnes")
    manager = login(world.manager)
    page = manager.get(proposal.get_absolute_url())
    assert not page.context["has_conflict"]
    mission = fresh(world.mission)
    services.mission_update(
        mission=mission, by=colleague, revision=mission.revision, title="Titre du collègue"
    )

    refused = manager.post(accept_url(proposal), {"seen": seen(page), "reason": "Oui"})

    assert refused.status_code == 409
    assert fresh(world.mission).title == "Titre du collègue"
    assert fresh(proposal).status == Status.OPEN
    assert "Titre du collègue" in shown_text(refused)
    assert "Aller vers les personnes" in shown_text(refused)
    assert result(refused, "title") == "Titre du collègue / Aller vers les personnes"
    assert refused.context["accept_form"]["reason"].value() == "Oui"

    # Confirming from the page shown now: the manager's result.
    again = manager.post(
        accept_url(proposal), {"seen": seen(refused), "result_title": "Aller vers les personnes"}
    )
    assert again.status_code == 302
    assert fresh(world.mission).title == "Aller vers les personnes"


def test_stale_revisions_show_the_three_texts_again_with_the_typed_result(
    world, colleague, same_field
):
    proposal = same_field
    manager = login(world.manager)
    page = manager.get(proposal.get_absolute_url())
    mission = fresh(world.mission)
    services.mission_update(
        mission=mission, by=colleague, revision=mission.revision, description="Encore autre."
    )
    typed = "Mon texte à moi."

    refused = manager.post(accept_url(proposal), {"seen": seen(page), "result_description": typed})

    assert refused.status_code == 409
    assert "Encore autre." in shown_text(refused)
    assert result(refused, "description") == typed
    assert seen(refused) != seen(page)
    assert fresh(world.mission).description == "Encore autre."
    assert fresh(proposal).status == Status.OPEN
    with pytest.raises(proposals.ProposalConflict) as caught:
        proposals.proposal_accept(
            proposal=proposal,
            by=world.manager,
            resolutions={"description": typed},
            seen_revisions=proposal_merge.decode(seen(page)),
        )
    assert caught.value.stale

    again = manager.post(accept_url(proposal), {"seen": seen(refused), "result_description": typed})
    assert again.status_code == 302
    assert fresh(world.mission).description == typed


def test_unreadable_revisions_are_refused(world, same_field):
    manager = login(world.manager)
    refused = manager.post(
        accept_url(same_field), {"seen": "mission-x:y", "result_description": BOTH}
    )
    assert refused.status_code == 409
    assert fresh(same_field).status == Status.OPEN


def test_removing_a_mission_whose_tasks_changed_since_the_page_is_refused(world):
    proposal = proposals.proposal_create(
        role=world.role,
        by=world.peer_worker,
        kind=Kind.REMOVE_MISSION,
        mission=world.mission,
        rationale=WHY,
    )
    manager = login(world.manager)
    page = manager.get(proposal.get_absolute_url())
    DailyTaskFactory(mission=world.mission, action="Tâche ajoutée entre-temps")

    refused = manager.post(accept_url(proposal), {"seen": seen(page)})

    assert refused.status_code == 409
    assert "Tâche ajoutée entre-temps" in html(refused)
    assert Mission.objects.filter(pk=world.mission.pk).exists()
    assert manager.post(accept_url(proposal), {"seen": seen(refused)}).status_code == 302
    assert not Mission.objects.filter(pk=world.mission.pk).exists()


def test_removing_a_mission_changed_since_needs_the_page(world):
    proposal = proposals.proposal_create(
        role=world.role,
        by=world.peer_worker,
        kind=Kind.REMOVE_MISSION,
        mission=world.mission,
        rationale=WHY,
    )
    edit(world, title="Renommée entre-temps")
    with pytest.raises(proposals.ProposalConflict):
        proposals.proposal_accept(proposal=proposal, by=world.manager)
    assert Mission.objects.filter(pk=world.mission.pk).exists()
    shown = proposals.revisions_shown(fresh(proposal))
    proposals.proposal_accept(proposal=proposal, by=world.manager, seen_revisions=shown)
    assert not Mission.objects.filter(pk=world.mission.pk).exists()


# --- the proposal page shows changed words --------------------------------------------------


def test_a_proposal_marks_the_changed_words_rather_than_repeating_the_text(world):
    proposal = propose(world, includes="Les maraudes du soir et du samedi")
    page = login(world.peer_worker).get(proposal.get_absolute_url())
    assert "Les maraudes du soir<ins>" in html(page)
    assert "Les maraudes du soir et du samedi" in shown_text(page)
    assert shown_text(page).count("Les maraudes du soir") == 1


def test_screen_readers_hear_added_and_removed_in_french(world):
    world.manager.language = "fr"
    world.manager.save()
    proposal = propose(world, includes="Les maraudes du matin")
    page = login(world.manager).get(proposal.get_absolute_url())
    assert '<span class="visually-hidden">[Retiré\u00a0: </span>' in html(page)
    assert '<span class="visually-hidden">[Ajouté\u00a0: </span>' in html(page)


# --- queries --------------------------------------------------------------------------------

# Session + user + the savepoint pair, then: the proposal with access and its page stamp; when
# it changed since last shown: the proposal with everything it shows, its comments with their
# authors. The accept (refused, 409): the same reads, the locks and the page again.
PROPOSAL_PAGE_QUERIES = 5
PROPOSAL_PAGE_CHANGED_QUERIES = PROPOSAL_PAGE_QUERIES + 2
REFUSED_ACCEPT_QUERIES = 14


@pytest.mark.parametrize("size", [1, 10])
def test_accept_page_query_count_does_not_grow(
    world, colleague, same_field, django_assert_num_queries, size
):
    for _ in range(size):
        ProposalCommentFactory(proposal=same_field)
        DailyTaskFactory(mission=world.mission)
    manager = login(world.manager)
    with django_assert_num_queries(PROPOSAL_PAGE_CHANGED_QUERIES):
        page = manager.get(same_field.get_absolute_url())
    assert result(page, "description") == BOTH
    with django_assert_num_queries(PROPOSAL_PAGE_QUERIES):
        again = manager.get(same_field.get_absolute_url())
    assert BOTH in html(again)
    with django_assert_num_queries(REFUSED_ACCEPT_QUERIES):
        refused = manager.post(accept_url(same_field), {"seen": "mission-0:0"})
    assert refused.status_code == 409

"""The library of reference missions: the starter set, reading it from a role, a manager adding one
(a copy, then freely edited), a peer worker proposing one through the proposal flow.

Standing actors come from the `world` fixture (a CAARUD with one role, its manager, the peer
worker holding the role, a peer worker who does not, the supporting facilitator, outsiders).

About 410 lines: one module per feature, a section per point above, plus the admin site.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from missions import proposals
from missions.models import DailyTask, Latitude, Mission, Proposal, ReferenceMission
from missions.references import mission_from_reference, reference_propose
from roles.models import RoleEvent
from structures.models import StructureKind

WHY = "Nous allons déjà à la rencontre des personnes le soir : autant l'écrire."
STARTER_THEMES = {
    "aller-vers / rencontrer": ("aller-vers", "rencontrer"),
    "accompagnement": ("accompagner",),
    "médiation": ("médiation",),
    "participation": ("participer", "participation"),
    "sensibilisation / formation des équipes": ("sensibiliser", "former les équipes"),
    "plaidoyer": ("plaidoyer",),
}


def html(response):
    return response.content.decode()


def said(response, text):
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return escape(gettext(text))


def library_url(role, **query):
    url = reverse("missions:library", kwargs={"role_id": role.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def add_url(role, reference):
    return reverse(
        "missions:library_add", kwargs={"role_id": role.pk, "reference_id": reference.pk}
    )


def propose_url(role, reference):
    return reverse(
        "missions:library_propose", kwargs={"role_id": role.pk, "reference_id": reference.pk}
    )


def outreach():
    return ReferenceMission.objects.get(title__icontains="aller-vers")


def sheet_state(role):
    return (
        list(Mission.objects.filter(role=role).values_list("pk", "title")),
        list(DailyTask.objects.filter(mission__role=role).values_list("pk", "action")),
        Proposal.objects.filter(role=role).count(),
        RoleEvent.objects.filter(role=role).count(),
    )


# --- the starter set -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_starter_set_covers_the_usual_missions():
    references = list(ReferenceMission.objects.filter(is_published=True))
    assert len(references) >= 6
    for theme, words in STARTER_THEMES.items():
        assert any(
            any(word in reference.title.lower() for word in words) for reference in references
        ), theme
    for reference in references:
        reference.full_clean()  # the typical tasks and kinds have the expected shape
        assert reference.description and reference.lived_experience
        assert reference.task_values(), reference.title


@pytest.mark.django_db
def test_a_reference_with_malformed_json_is_refused():
    reference = ReferenceMission(
        title="Essai",
        description="d",
        lived_experience="v",
        typical_tasks=[{"action": "", "frequency": "weekly", "minutes_per_week": 60}],
        suits_kinds=["caarud"],
    )
    with pytest.raises(ValidationError) as error:
        reference.full_clean()
    assert "typical_tasks" in error.value.message_dict
    reference.typical_tasks = [{"action": "a", "frequency": "hourly", "minutes_per_week": 60}]
    with pytest.raises(ValidationError):
        reference.full_clean()
    reference.typical_tasks = [{"action": "a", "frequency": "weekly", "minutes_per_week": 9999}]
    with pytest.raises(ValidationError):
        reference.full_clean()
    reference.typical_tasks = {"action": "a"}
    with pytest.raises(ValidationError):
        reference.full_clean()
    reference.typical_tasks = []
    reference.suits_kinds = ["prison"]
    with pytest.raises(ValidationError) as error:
        reference.full_clean()
    assert list(error.value.message_dict) == ["suits_kinds"]


# --- reading the library -------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["manager", "peer_worker", "other_peer_worker", "facilitator"])
def test_everyone_on_the_structure_reads_the_library(client, world, actor):
    client.force_login(getattr(world, actor))
    response = client.get(library_url(world.role))
    assert response.status_code == 200
    page = html(response)
    for reference in ReferenceMission.objects.filter(is_published=True):
        assert escape(reference.title) in page
        assert escape(reference.lived_experience) in page
        for task in reference.task_values():
            assert escape(task["action"]) in page
    reference = outreach()
    assert (add_url(world.role, reference) in page) == (actor == "manager")
    assert (propose_url(world.role, reference) in page) == (actor == "peer_worker")


@pytest.mark.parametrize("actor", ["other_manager", "other_facilitator", "admin"])
def test_outsiders_do_not_find_the_library_of_a_role(client, world, actor):
    client.force_login(getattr(world, actor))
    assert client.get(library_url(world.role)).status_code == 404
    before = sheet_state(world.role)
    assert client.post(add_url(world.role, outreach())).status_code == 404
    assert client.post(propose_url(world.role, outreach()), {"rationale": WHY}).status_code == 404
    assert sheet_state(world.role) == before


def test_the_role_sheet_links_to_the_library(client, world):
    client.force_login(world.manager)
    assert library_url(world.role) in html(client.get(world.role.get_absolute_url()))


def test_filter_by_kind_of_structure(client, world):
    assert world.structure.kind == StructureKind.CAARUD
    gem_only = ReferenceMission.objects.create(
        title="Animer un groupe d'entraide",
        description="d",
        lived_experience="v",
        suits_kinds=["gem"],
    )
    hidden = ReferenceMission.objects.create(
        title="Brouillon pas encore publié",
        description="d",
        lived_experience="v",
        is_published=False,
    )
    client.force_login(world.peer_worker)

    everything = html(client.get(library_url(world.role)))
    assert escape(gem_only.title) in everything
    assert escape(hidden.title) not in everything
    assert 'name="suits"' in everything

    suiting = client.get(library_url(world.role, suits=1))
    page = html(suiting)
    assert 'name="suits" value="1" id="library-suits" checked' in page
    assert escape(gem_only.title) not in page
    for reference in ReferenceMission.objects.filter(is_published=True).exclude(pk=gem_only.pk):
        shown = escape(reference.title) in page
        assert shown == (not reference.suits_kinds or "caarud" in reference.suits_kinds)
    # The starter set's "participation" suits shelters and GEM, not a CAARUD.
    participation = ReferenceMission.objects.get(title__icontains="participer")
    assert escape(participation.title) not in page
    assert escape(outreach().title) in page


def test_an_unpublished_reference_cannot_be_added(client, world):
    hidden = ReferenceMission.objects.create(
        title="Brouillon", description="d", lived_experience="v", is_published=False
    )
    client.force_login(world.manager)
    before = sheet_state(world.role)
    assert client.post(add_url(world.role, hidden)).status_code == 404
    assert client.get(propose_url(world.role, hidden)).status_code == 404
    assert sheet_state(world.role) == before


# Session, user, the request's savepoint pair, the role with access, the references.
LIBRARY_QUERIES = 6


@pytest.mark.parametrize("size", [1, 10])
def test_library_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for index in range(size):
        ReferenceMission.objects.create(
            title=f"Mission type {index}",
            description="d",
            lived_experience="v",
            typical_tasks=[{"action": "a", "frequency": "weekly", "minutes_per_week": 30}] * 3,
        )
    client.force_login(world.manager)
    with django_assert_num_queries(LIBRARY_QUERIES):
        response = client.get(library_url(world.role))
    assert response.status_code == 200


# --- a manager adds one --------------------------------------------------------------------


def test_a_manager_adds_a_reference_mission_then_edits_it(client, world):
    reference = outreach()
    n_missions = world.role.missions.count()
    client.force_login(world.manager)

    response = client.post(add_url(world.role, reference))

    mission = world.role.missions.order_by("-position").first()
    assert world.role.missions.count() == n_missions + 1
    assert response.status_code == 302
    assert response["Location"] == mission.get_absolute_url()
    assert response["Location"].endswith(f"#mission-{mission.pk}")
    assert {name: getattr(mission, name) for name in Mission.EDITABLE_FIELDS} == (
        reference.mission_fields()
    )
    assert [
        {name: getattr(t, name) for name in DailyTask.EDITABLE_FIELDS} for t in mission.tasks.all()
    ] == reference.task_values()
    events = RoleEvent.objects.filter(role=world.role, actor=world.manager).order_by("pk")
    assert [event.kind for event in events] == [RoleEvent.Kind.MISSION_ADDED] + [
        RoleEvent.Kind.TASK_ADDED
    ] * len(reference.task_values())
    assert escape(mission.title) in html(client.get(world.role.get_absolute_url()))

    # A copy, freely edited afterwards: the reference does not change.
    edit = reverse("missions:mission_edit", args=[mission.pk])
    data = reference.mission_fields() | {
        "title": "Rencontrer les personnes au marché du dimanche",
        "latitude": Latitude.AUTONOMOUS,
        "revision": mission.revision,
    }
    assert client.post(edit, data).status_code == 302
    mission.refresh_from_db()
    assert mission.title == "Rencontrer les personnes au marché du dimanche"
    assert outreach().title == reference.title


def test_mission_from_reference_service(world):
    reference = ReferenceMission.objects.get(title__icontains="médiation")
    mission = mission_from_reference(role=world.role, reference=reference, by=world.manager)
    assert mission.role == world.role
    assert mission.updated_by == world.manager
    assert mission.tasks.count() == len(reference.typical_tasks)


@pytest.mark.parametrize("actor", ["peer_worker", "other_peer_worker", "facilitator"])
def test_only_managers_add(client, world, actor):
    client.force_login(getattr(world, actor))
    before = sheet_state(world.role)
    assert client.post(add_url(world.role, outreach())).status_code == 403
    assert sheet_state(world.role) == before


def test_add_refuses_get(client, world):
    client.force_login(world.manager)
    assert client.get(add_url(world.role, outreach())).status_code == 405


# --- a peer worker proposes one -------------------------------------------------------------


def test_a_peer_worker_proposes_a_reference_mission_and_the_manager_accepts_it(
    client, world, django_capture_on_commit_callbacks
):
    reference = outreach()
    client.force_login(world.peer_worker)
    page = client.get(propose_url(world.role, reference))
    assert page.status_code == 200
    assert escape(reference.lived_experience) in html(page)
    assert 'name="rationale"' in html(page)

    # The reason is required: nothing is sent without it.
    refused = client.post(propose_url(world.role, reference), {"rationale": "  "})
    assert refused.status_code == 200
    assert not Proposal.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(propose_url(world.role, reference), {"rationale": WHY})

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert proposal.kind == Proposal.Kind.ADD_MISSION
    assert (proposal.author, proposal.rationale, proposal.subject) == (
        world.peer_worker,
        WHY,
        reference.title,
    )
    assert proposal.proposed == reference.mission_fields() | {"tasks": reference.task_values()}
    assert [message.to for message in mail.outbox] == [[world.manager.email]]
    # The proposal page shows the mission and its daily tasks.
    shown = html(client.get(proposal.get_absolute_url()))
    for task in reference.task_values():
        assert escape(task["action"]) in shown

    n_missions = world.role.missions.count()
    client.force_login(world.manager)
    accepted = client.post(reverse("missions:proposal_accept", args=[proposal.pk]), {"reason": ""})
    assert accepted.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert world.role.missions.count() == n_missions + 1
    mission = world.role.missions.get(title=reference.title)
    assert mission.lived_experience == reference.lived_experience
    assert [task.action for task in mission.tasks.all()] == [
        task["action"] for task in reference.task_values()
    ]
    kinds = list(
        RoleEvent.objects.filter(role=world.role, actor=world.manager).values_list(
            "kind", flat=True
        )
    )
    assert RoleEvent.Kind.MISSION_ADDED in kinds
    assert kinds.count(RoleEvent.Kind.TASK_ADDED) == len(reference.task_values())


def test_a_proposal_with_tasks_is_applied_all_or_nothing(world):
    proposal = reference_propose(
        role=world.role, reference=outreach(), by=world.peer_worker, rationale=WHY
    )
    # Someone breaks the stored tasks: accepting fails and changes nothing.
    Proposal.objects.filter(pk=proposal.pk).update(
        proposed=proposal.proposed | {"tasks": [{"action": "", "frequency": "weekly"}]}
    )
    before = sheet_state(world.role)
    with pytest.raises(ValidationError):
        proposals.proposal_accept(proposal=proposal, by=world.manager)
    assert sheet_state(world.role) == before
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.OPEN


def test_proposed_tasks_are_checked_when_proposing(world):
    with pytest.raises(ValidationError):
        proposals.proposal_create(
            role=world.role,
            by=world.peer_worker,
            kind=Proposal.Kind.ADD_MISSION,
            rationale=WHY,
            proposed={"title": "Nouvelle", "tasks": [{"action": "x", "minutes_per_week": -5}]},
        )
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("actor", ["other_peer_worker", "facilitator"])
def test_who_does_not_hold_the_role_cannot_propose(client, world, actor):
    client.force_login(getattr(world, actor))
    before = sheet_state(world.role)
    assert client.get(propose_url(world.role, outreach())).status_code == 403
    assert client.post(propose_url(world.role, outreach()), {"rationale": WHY}).status_code == 403
    assert sheet_state(world.role) == before
    assert mail.outbox == []


def test_the_propose_page_shows_the_reason_error(client, world):
    client.force_login(world.peer_worker)
    response = client.post(propose_url(world.role, outreach()), {"rationale": ""})
    assert response.status_code == 200
    assert said(response, "Some answers need a look: see the messages next to the fields.") in (
        html(response)
    )


# --- the admin site -------------------------------------------------------------------------


def test_platform_admins_curate_the_library(client, world):
    client.force_login(world.admin)
    changelist = reverse("admin:missions_referencemission_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert escape(outreach().title) in html(response)
    assert client.get(changelist + "?q=plaidoyer").status_code == 200

    reference = outreach()
    change = reverse("admin:missions_referencemission_change", args=[reference.pk])
    data = {
        "title": reference.title,
        "description": reference.description,
        "lived_experience": reference.lived_experience,
        "includes": reference.includes,
        "excludes": reference.excludes,
        "latitude": reference.latitude,
        "typical_tasks": '[{"action": "", "frequency": "weekly", "minutes_per_week": 60}]',
        "suits_kinds": '["caarud"]',
        "is_published": "on",
        "position": "1",
    }
    refused = client.post(change, data)
    assert refused.status_code == 200
    assert outreach().typical_tasks == reference.typical_tasks

    data["typical_tasks"] = '[{"action": "Tournée", "frequency": "weekly", "minutes_per_week": 60}]'
    assert client.post(change, data).status_code == 302
    # Written the old way (minutes a week), read the new way (minutes each time).
    assert outreach().task_values() == [
        {"action": "Tournée", "frequency": "weekly", "times": 1, "duration_minutes": 60}
    ]

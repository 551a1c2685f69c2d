"""The stamp of a role sheet (its counter, Role.sheet_counter) changes with anything the sheet
shows, whoever writes it: the services, the platform admin, or a script writing rows directly.
Pages cached under it (sheets/sheet.py, the structure page, the portfolio) would otherwise show
an old state. tests/test_sheet_counter.py checks each way of writing in its transaction."""

import datetime

import pytest
from django.utils import timezone

from missions import proposals, services
from missions.models import DailyTask, Latitude, Proposal
from roles import services as role_services
from roles.counters import with_sheets_total
from roles.models import Role
from roles.services import membership_deactivate
from sheets.models import RoleSheetVersion, Signature
from sheets.versions import version_answer, version_request
from structures.models import Membership, Structure
from www.privacy import person_erase

from .factories import DailyTaskFactory, MembershipFactory, MissionFactory, RoleFactory


def sheet_stamp(role):
    return Role.objects.filter(pk=role.pk).values_list("sheet_counter", flat=True).first()


def _services(world):
    return {
        "role edited": lambda: role_services.role_update(
            role=world.role, by=world.manager, revision=world.role.revision, purpose="Autre"
        ),
        "mission edited": lambda: services.mission_update(
            mission=world.mission,
            by=world.manager,
            revision=world.mission.revision,
            latitude=Latitude.AUTONOMOUS,
        ),
        "mission moved": lambda: services.mission_move(
            mission=world.role.missions.last(), by=world.manager, offset=-1
        ),
        "task added": lambda: services.task_create(
            mission=world.mission, by=world.manager, action="Appeler le CCAS", duration_minutes=5
        ),
        "task removed": lambda: services.task_delete(task=world.task, by=world.manager),
        "task moved": lambda: services.task_move(task=world.task, by=world.manager, offset=1),
        "proposal made": lambda: proposals.proposal_create(
            role=world.role,
            by=world.peer_worker,
            kind=Proposal.Kind.REMOVE_TASK,
            task=world.task,
            rationale="Plus utile.",
        ),
        "signatures asked": lambda: version_request(role=world.role, by=world.manager),
        "peer worker unassigned": lambda: role_services.role_unassign(
            assignment=world.role.assignments.get(), by=world.manager
        ),
        "peer worker leaves": lambda: membership_deactivate(
            membership=Membership.objects.get(user=world.peer_worker), by=world.manager
        ),
        "peer worker erased": lambda: person_erase(user=world.peer_worker, by=world.admin),
    }


SERVICES = [
    "role edited",
    "mission edited",
    "mission moved",
    "task added",
    "task removed",
    "task moved",
    "proposal made",
    "signatures asked",
    "peer worker unassigned",
    "peer worker leaves",
    "peer worker erased",
]


@pytest.mark.parametrize("change", SERVICES)
def test_every_service_changes_the_stamp(world, change):
    before = sheet_stamp(world.role)
    _services(world)[change]()
    assert sheet_stamp(world.role) != before


def test_answers_to_a_version_change_the_stamp(world):
    version = version_request(role=world.role, by=world.manager)
    before = sheet_stamp(world.role)
    version_answer(version=version, by=world.manager, decision=Signature.Decision.SIGNED)
    signed_by_one = sheet_stamp(world.role)
    assert signed_by_one != before
    version_answer(version=version, by=world.peer_worker, decision=Signature.Decision.SIGNED)
    assert version.signatures.filter(decision="signed").count() == 2
    assert RoleSheetVersion.objects.get(pk=version.pk).status == "adopted"
    assert sheet_stamp(world.role) != signed_by_one


def test_decisions_on_proposals_change_the_stamp(world):
    proposal = proposals.proposal_create(
        role=world.role,
        by=world.peer_worker,
        kind=Proposal.Kind.REMOVE_TASK,
        task=world.task,
        rationale="Plus utile.",
    )
    before = sheet_stamp(world.role)
    proposals.proposal_decline(proposal=proposal, by=world.manager, reason="Pas maintenant.")
    assert sheet_stamp(world.role) != before


DIRECT_WRITES = {
    # What the platform admin or a script can do without a service (no history line).
    "mission saved": lambda w: (setattr(w.mission, "title", "Autre"), w.mission.save()),
    "task saved": lambda w: (setattr(w.task, "action", "Autre"), w.task.save()),
    "task deleted": lambda w: w.task.delete(),
    "task added": lambda w: DailyTaskFactory(mission=w.mission),
    "mission added": lambda w: MissionFactory(role=w.role),
    "role saved": lambda w: (setattr(w.role, "purpose", "Autre"), w.role.save()),
    "proposal older": lambda w: Proposal.objects.filter(role=w.role).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    ),
    "holder renamed": lambda w: (
        setattr(w.peer_worker, "full_name", "Nouveau Nom"),
        w.peer_worker.save(),
    ),
    "signature given": lambda w: Signature.objects.filter(
        version__role=w.role, signer=w.manager
    ).update(decision="signed", decided_at=timezone.now()),
}


@pytest.mark.parametrize("change", DIRECT_WRITES)
def test_direct_writes_change_the_stamp(world, change):
    proposals.proposal_create(
        role=world.role,
        by=world.peer_worker,
        kind=Proposal.Kind.REMOVE_TASK,
        task=world.task,
        rationale="Plus utile.",
    )
    version_request(role=world.role, by=world.manager)
    before = sheet_stamp(world.role)
    DIRECT_WRITES[change](world)
    assert sheet_stamp(world.role) != before


def test_the_stamp_of_another_sheet_does_not_move(world):
    other = RoleFactory(structure=world.structure, with_missions=1)
    before = sheet_stamp(other)
    services.task_delete(task=world.task, by=world.manager)
    assert sheet_stamp(other) == before


def test_a_structure_carries_the_stamps_of_its_sheets(world, django_assert_num_queries):
    second = RoleFactory(structure=world.structure, with_missions=2)
    other = RoleFactory(structure=world.other_structure, with_missions=1)
    MembershipFactory(structure=world.structure)
    with django_assert_num_queries(1):
        stamps = with_sheets_total(Structure.objects.filter(pk=world.structure.pk)).get()
    assert stamps.sheets_total == sheet_stamp(world.role) + sheet_stamp(second)
    assert sheet_stamp(other) > 0  # counted with its own structure only
    before = (stamps.page_counter, stamps.sheets_total)
    services.task_delete(task=second.missions.first().tasks.first(), by=world.manager)
    after = with_sheets_total(Structure.objects.filter(pk=world.structure.pk)).get()
    assert (after.page_counter, after.sheets_total) != before


def test_a_deleted_role_has_no_stamp(world):
    role_services.role_delete(role=world.role, by=world.manager)
    assert sheet_stamp(world.role) is None
    assert not DailyTask.objects.filter(pk=world.task.pk).exists()

from dataclasses import dataclass

import pytest

from sheets.versions import version_answer, version_request
from structures.models import Capacity

from .factories import (
    FacilitatorSupportFactory,
    MembershipFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StructureFactory,
    UserFactory,
)


@dataclass
class World:
    """One structure with a role sheet, and one person of each kind around it."""

    structure: object
    role: object
    mission: object
    task: object
    manager: object
    peer_worker: object  # assigned to the role
    other_peer_worker: object  # same structure, not assigned
    other_manager: object  # manager of another structure
    facilitator: object  # supports the structure today
    other_facilitator: object  # supported it once, not any more
    admin: object  # platform admin, member of nothing
    other_structure: object


@pytest.fixture
def world(db):
    structure = StructureFactory(name="CAARUD L'Escale", slug="escale")
    other_structure = StructureFactory(name="CHRS Les Tilleuls", slug="tilleuls")
    manager = MembershipFactory(structure=structure, capacity=Capacity.MANAGER).user
    peer_worker = MembershipFactory(structure=structure).user
    other_peer_worker = MembershipFactory(structure=structure).user
    other_manager = MembershipFactory(structure=other_structure, capacity=Capacity.MANAGER).user
    facilitator = FacilitatorSupportFactory(structure=structure).facilitator
    other_facilitator = FacilitatorSupportFactory(structure=structure, ended=True).facilitator
    FacilitatorSupportFactory(facilitator=other_facilitator, structure=other_structure)
    role = RoleFactory(structure=structure, with_missions=2)
    RoleAssignmentFactory(role=role, peer_worker=peer_worker)
    mission = role.missions.first()
    return World(
        structure=structure,
        role=role,
        mission=mission,
        task=mission.tasks.first(),
        manager=manager,
        peer_worker=peer_worker,
        other_peer_worker=other_peer_worker,
        other_manager=other_manager,
        facilitator=facilitator,
        other_facilitator=other_facilitator,
        admin=UserFactory(platform_admin=True),
        other_structure=other_structure,
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: pages cached by one test never answer another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def adopted(world):
    """The world with its sheet adopted (version 1, signed by the manager and the peer worker
    holding the role), and `world.missions` the missions that version holds."""
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    world.version = version_answer(version=version, by=world.peer_worker, decision="signed")
    world.missions = list(world.role.missions.all())
    return world

"""The access checks' SQL (structures/access.py, roles/access.py) answers exactly like the ORM
definitions it mirrors: `Membership.objects.active()`, `FacilitatorSupport.objects.current_for()`
and the role's assignments, case by case, through each fetch helper."""

import datetime
import itertools
import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from missions.access import get_mission_for_user, get_task_for_user
from roles.access import get_role_for_user
from roles.models import Role
from structures.access import get_structure_for_user, visible_structures
from structures.models import Capacity, FacilitatorSupport, Membership
from tests.factories import (
    DailyTaskFactory,
    FacilitatorSupportFactory,
    MembershipFactory,
    RoleAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def expected_access(user, structure):
    """What the ORM definitions say: (capacity or None, supports today)."""
    membership = Membership.objects.active().filter(user=user, structure=structure).first()
    supports = FacilitatorSupport.objects.current_for(user).filter(structure=structure).exists()
    return (membership.capacity if membership else None), supports


def seen_access(user, slug):
    try:
        structure, access = get_structure_for_user(user, slug)
    except Http404:
        return None
    return structure.viewer_capacity, structure.viewer_supports, access.capacity


MEMBERSHIPS = [None, "manager", "peer_worker", "manager-inactive", "peer_worker-inactive"]
SUPPORTS = [
    None,
    (-30, None),  # open-ended, started
    (0, None),  # starts today
    (1, None),  # starts tomorrow
    (-30, 0),  # ends today
    (-30, -1),  # ended yesterday
    (-30, 30),  # in force
]


@pytest.mark.parametrize(
    ("membership", "support", "user_active"),
    list(itertools.product(MEMBERSHIPS, SUPPORTS, [True, False])),
)
def test_capacity_and_support_match_the_orm(membership, support, user_active, task):
    structure = task.mission.role.structure
    user = UserFactory(is_active=user_active)
    if membership:
        capacity, _, state = membership.partition("-")
        MembershipFactory(
            user=user, structure=structure, capacity=capacity, is_active=state != "inactive"
        )
    if support:
        start, end = support
        FacilitatorSupportFactory(
            facilitator=user,
            structure=structure,
            start_date=TODAY + start * DAY,
            end_date=None if end is None else TODAY + end * DAY,
        )
    capacity, supports = expected_access(user, structure)
    visible = capacity is not None or supports
    seen = seen_access(user, structure.slug)
    if not visible:
        assert seen is None
        assert not visible_structures(user).filter(pk=structure.pk).exists()
        for fetch, pk in [
            (get_role_for_user, task.mission.role_id),
            (get_mission_for_user, task.mission_id),
            (get_task_for_user, task.pk),
        ]:
            with pytest.raises(Http404):
                fetch(user, pk)
        return
    assert seen[:2] == (capacity, supports)
    assert seen[2] == (capacity or "facilitator")
    assert visible_structures(user).get(pk=structure.pk).viewer_capacity == capacity
    for fetch, pk in [
        (get_role_for_user, task.mission.role_id),
        (get_mission_for_user, task.mission_id),
        (get_task_for_user, task.pk),
    ]:
        _obj, access = fetch(user, pk)
        assert access.capacity == (capacity or "facilitator")


@pytest.fixture
def task():
    return DailyTaskFactory()


@pytest.mark.parametrize("holds", [True, False])
def test_holding_the_role_matches_its_assignments(holds, task):
    role = task.mission.role
    person = MembershipFactory(structure=role.structure, capacity=Capacity.PEER_WORKER).user
    other_role_task = DailyTaskFactory(mission__role__structure=role.structure)
    if holds:
        RoleAssignmentFactory(role=role, peer_worker=person)
    # Holding another role of the structure says nothing about this one.
    RoleAssignmentFactory(role=other_role_task.mission.role, peer_worker=person)
    for fetch, pk in [
        (get_role_for_user, role.pk),
        (get_mission_for_user, task.mission_id),
        (get_task_for_user, task.pk),
    ]:
        _obj, access = fetch(person, pk)
        assert access.is_assigned is holds
        assert access.holds_role is holds


def _fields(obj):
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.mark.parametrize(
    ("membership", "support", "user_active"),
    list(itertools.product(MEMBERSHIPS, SUPPORTS[:3] + SUPPORTS[5:6], [True, False])),
)
def test_the_role_s_fixed_statement_reads_what_the_orm_reads(
    membership, support, user_active, task
):
    """get_role_for_user without a queryset reads the role by one fixed statement: the same
    role, structure, values (of every type, converted alike) and access as the ORM's query."""
    role = task.mission.role
    user = UserFactory(is_active=user_active)
    if membership:
        capacity, _, state = membership.partition("-")
        MembershipFactory(
            user=user, structure=role.structure, capacity=capacity, is_active=state != "inactive"
        )
        if capacity == "peer_worker":
            RoleAssignmentFactory(role=role, peer_worker=user)
    if support:
        start, end = support
        FacilitatorSupportFactory(
            facilitator=user,
            structure=role.structure,
            start_date=TODAY + start * DAY,
            end_date=None if end is None else TODAY + end * DAY,
        )
    try:
        orm_role, orm_access = get_role_for_user(user, role.pk, Role.objects.all())
    except Http404:
        with pytest.raises(Http404):
            get_role_for_user(user, role.pk)
        return
    fast_role, fast_access = get_role_for_user(user, role.pk)
    assert fast_access == orm_access
    assert _fields(fast_role) == _fields(orm_role)
    assert _fields(fast_role.structure) == _fields(orm_role.structure)
    assert (fast_role.viewer_capacity, fast_role.viewer_supports) == (
        orm_role.viewer_capacity,
        orm_role.viewer_supports,
    )
    assert fast_role.viewer_assigned is orm_role.viewer_assigned
    assert not fast_role._state.adding and fast_role._state.db == "default"


def test_an_unknown_or_malformed_role_id_is_not_found(world):
    for role_id in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(Http404):
            get_role_for_user(world.manager, role_id)

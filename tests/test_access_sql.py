"""The access checks' SQL (structures/access.py, roles/access.py) answers exactly like the ORM
definitions it mirrors: `Membership.objects.active()`, `FacilitatorSupport.objects.current_for()`
and the role's assignments, case by case, through each fetch helper."""

import datetime
import itertools
import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from missions.access import get_mission_for_user, get_proposal_for_user, get_task_for_user
from missions.models import DailyTask, Mission, Proposal
from roles.access import get_role_for_user
from roles.counters import sheets_total, with_sheets_total
from roles.models import Role
from structures.access import get_structure_for_user, pending_invitations, visible_structures
from structures.models import Capacity, FacilitatorSupport, Invitation, Membership, Structure
from tests.factories import (
    DailyTaskFactory,
    FacilitatorSupportFactory,
    InvitationFactory,
    MembershipFactory,
    ProposalFactory,
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


def _chain(obj, path):
    """`obj` and the objects on its way to its structure, as loaded (no query)."""
    found = [obj]
    for name in filter(None, path.split("__")):
        found.append(found[-1]._meta.get_field(name).get_cached_value(found[-1]))
    return found


def _fetches(task, proposal):
    """(name, fetch, key, path to the structure, ORM queryset) per access helper."""
    mission, role = task.mission, task.mission.role
    return [
        ("role", get_role_for_user, role.pk, "structure", Role.objects.all()),
        ("mission", get_mission_for_user, mission.pk, "role__structure", Mission.objects.all()),
        ("task", get_task_for_user, task.pk, "mission__role__structure", DailyTask.objects.all()),
        ("proposal", get_proposal_for_user, proposal.pk, "role__structure", Proposal.objects.all()),
        ("structure", get_structure_for_user, role.structure.slug, "", Structure.objects.all()),
    ]


@pytest.mark.parametrize(
    ("membership", "support", "user_active"),
    list(itertools.product(MEMBERSHIPS, SUPPORTS[:3] + SUPPORTS[5:6], [True, False])),
)
def test_the_fixed_statements_read_what_the_orm_reads(membership, support, user_active, task):
    """Without a queryset, each helper reads its object by one fixed statement: the same
    objects on the way to the structure, with the same values (of every type, converted
    alike), and the same access, as the ORM's query; or 404 alike."""
    role = task.mission.role
    proposal = ProposalFactory(role=role)
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
    for name, fetch, key, path, queryset in _fetches(task, proposal):
        try:
            orm, orm_access = fetch(user, key, queryset)
        except Http404:
            with pytest.raises(Http404):
                fetch(user, key)
            continue
        fast, fast_access = fetch(user, key)
        assert fast_access == orm_access, name
        for mine, theirs in zip(_chain(fast, path), _chain(orm, path), strict=True):
            assert type(mine) is type(theirs)
            assert _fields(mine) == _fields(theirs), name
            assert not mine._state.adding and mine._state.db == "default"
        for annotation in ("viewer_capacity", "viewer_supports", "viewer_assigned"):
            assert getattr(fast, annotation, None) == getattr(orm, annotation, None), name


def test_an_unknown_or_malformed_role_id_is_not_found(world):
    for role_id in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(Http404):
            get_role_for_user(world.manager, role_id)


@pytest.mark.parametrize(
    "states",
    [(), ("live",), ("live", "expired"), ("accepted", "replaced", "expired"), ("live",) * 3],
)
def test_the_structure_page_s_figures_match_the_orm(states, world):
    """The structure page reads its pending invitations and its sheets' counters with the
    structure, by fixed fragments: they count like `Invitation.objects.pending()` and
    `with_sheets_total`."""
    for state in states:
        InvitationFactory(structure=world.structure, **({} if state == "live" else {state: True}))
    structure, _access = get_structure_for_user(
        world.manager, world.structure.slug, extras=[sheets_total(), pending_invitations()]
    )
    orm = with_sheets_total(Structure.objects.filter(pk=world.structure.pk)).get()
    assert structure.n_pending == Invitation.objects.pending().filter(structure=structure).count()
    assert structure.sheets_total == orm.sheets_total > 0

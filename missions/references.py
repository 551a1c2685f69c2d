"""The library of reference missions: a role starts from one (a copy, then freely edited), or a
peer worker proposes one through the proposal flow.

Platform admins curate the library in the admin site (missions/admin.py).
"""

from django.db import transaction

from . import proposals, services
from .models import Proposal


@transaction.atomic
def mission_from_reference(*, role, reference, by):
    """A new mission of `role` copied from `reference`, with its typical daily tasks. Written
    through missions.services, so the role's history records each addition."""
    mission = services.mission_create(role=role, by=by, **reference.mission_fields())
    for values in reference.task_values():
        services.task_create(mission=mission, by=by, **values)
    return mission


def reference_propose(*, role, reference, by, rationale):
    """Propose to add `reference` to `role` as a new mission with its typical daily tasks."""
    return proposals.proposal_create(
        role=role,
        by=by,
        kind=Proposal.Kind.ADD_MISSION,
        rationale=rationale,
        proposed={**reference.mission_fields(), "tasks": reference.task_values()},
    )

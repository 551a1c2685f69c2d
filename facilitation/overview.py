"""Totals across the platform, for its admins: counts only, never a person."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from missions.models import Mission, Proposal, ProposalStatus
from roles.models import Role
from structures.models import FacilitatorSupport, Structure

RECENT_DAYS = 90
DECIDED = [ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN]


@dataclass(frozen=True)
class PlatformCounts:
    structures: int
    supported_structures: int
    roles: int
    roles_with_lived_mission: int
    missions: int
    proposals_accepted: int
    proposals_declined: int
    proposals_withdrawn: int

    @property
    def lived_share(self):
        """Percentage of roles with at least one mission drawing on lived experience."""
        if not self.roles:
            return None
        return round(100 * self.roles_with_lived_mission / self.roles)

    @property
    def proposals_decided(self):
        return self.proposals_accepted + self.proposals_declined + self.proposals_withdrawn


def platform_counts(now=None):
    """Four queries, whatever the size of the platform."""
    since = (now or timezone.now()) - datetime.timedelta(days=RECENT_DAYS)
    structures = Structure.objects.aggregate(
        total=Count("pk"),
        supported=Count(
            "pk",
            filter=Q(Exists(FacilitatorSupport.objects.current().filter(structure=OuterRef("pk")))),
        ),
    )
    lived_missions = Mission.objects.filter(role=OuterRef("pk")).exclude(lived_experience="")
    roles = Role.objects.aggregate(
        total=Count("pk"), lived=Count("pk", filter=Q(Exists(lived_missions)))
    )
    decided = Proposal.objects.filter(status__in=DECIDED, decided_at__gte=since).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in DECIDED}
    )
    return PlatformCounts(
        structures=structures["total"],
        supported_structures=structures["supported"],
        roles=roles["total"],
        roles_with_lived_mission=roles["lived"],
        missions=Mission.objects.count(),
        proposals_accepted=decided[ProposalStatus.ACCEPTED.value],
        proposals_declined=decided[ProposalStatus.DECLINED.value],
        proposals_withdrawn=decided[ProposalStatus.WITHDRAWN.value],
    )

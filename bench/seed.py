"""Bulk seeding for bench/bench_load.py: many structures with their people, role sheets,
co-signed versions, proposals with their discussions, history and reviews, and one sheet's
check-ins over many periods.

Rows are built in memory and written with `bulk_create` (no services, no per-row queries, no
password hashing): 300 structures with 150,000 tasks take well under a minute on 2 cores. The
check-ins are the rows `checkins.services.checkin_submit` would write (each answer with its
mission's planned time and lived experience from the adopted version, `planned`).
Needs Django set up; `seed(Shape(...))` returns the objects the bench pages look at.

About 500 lines: one model after another in the order their keys need, each short; split, the
pieces would pass each other every row they build.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from checkins.models import Cadence, CheckIn, CheckInAnswer, CheckInExtra, Going, TimeSpent
from checkins.periods import previous_periods
from checkins.services import planned
from facilitation.models import Recommendation, Review
from missions.models import DailyTask, Frequency, Latitude, Mission, Proposal, ProposalComment
from missions.timing import COUNTED
from roles.models import Role, RoleAssignment, RoleEvent
from sheets.models import RoleSheetVersion, Signature
from structures.models import (
    Capacity,
    FacilitatorSupport,
    Membership,
    Structure,
    StructureKind,
    User,
)

BATCH = 5000

LATITUDES = [Latitude.IN_PAIR, Latitude.AUTONOMOUS, Latitude.SUPERVISED]
FREQUENCIES = list(Frequency)
KINDS = [kind for kind in StructureKind if kind != StructureKind.OTHER]
CITIES = ["Lyon", "Marseille", "Lille", "Nantes", "Toulouse", "Rennes", "Grenoble", "Dijon"]


@dataclass(frozen=True)
class Shape:
    """How much to seed. The first role of the first structure has its own sheet size (the
    sheet the bench reads); its first proposal its own number of comments. With
    `checkin_periods`, the second role of the first structure is a sheet of the same size,
    adopted, held by `checkin_holders` peer workers who each checked in for each of the last
    `checkin_periods` periods (the current one included)."""

    prefix: str
    structures: int
    roles_per_structure: int
    missions_per_role: int
    tasks_per_mission: int
    peer_workers_per_structure: int
    proposals: int  # in all, spread over the roles
    comments_per_proposal: int
    structures_per_facilitator: int
    first_sheet: tuple = (20, 10)  # missions, tasks per mission
    first_proposal_comments: int = 10
    checkin_periods: int = 0
    checkin_holders: int = 1


@dataclass
class Seeded:
    structure: Structure  # the first structure
    role: Role  # its first role, of `first_sheet` size
    proposal: Proposal  # the first proposal of that role
    manager: User  # a manager of the structure
    facilitator: User  # supports the first `structures_per_facilitator` structures
    checkin_role: Role | None = None  # the sheet with check-ins (`checkin_periods`)
    checkin_peer: User | None = None  # its first holder, who checked in


def _bulk(model, objs):
    return model.objects.bulk_create(objs, batch_size=BATCH)


def _mission_values(mission):
    return {name: getattr(mission, name) for name in Mission.EDITABLE_FIELDS}


def _snapshot(role, missions, tasks_of):
    """The same data as sheets.snapshots.snapshot(), from the rows in memory."""
    return {
        "role": {name: getattr(role, name) for name in Role.EDITABLE_FIELDS},
        "missions": [
            {
                "id": mission.pk,
                **_mission_values(mission),
                "tasks": [
                    {
                        "id": task.pk,
                        **{name: getattr(task, name) for name in DailyTask.EDITABLE_FIELDS},
                    }
                    for task in tasks_of[mission.pk]
                ],
            }
            for mission in missions
        ],
    }


@transaction.atomic
def seed(shape):
    now = timezone.now()
    today = timezone.localdate()
    p = shape.prefix
    unusable = make_password(None)  # nobody logs in with a password during the bench

    structures = _bulk(
        Structure,
        [
            Structure(
                name=f"{p.upper()} Structure {i:04d}",
                slug=f"{p}-structure-{i:04d}",
                kind=KINDS[i % len(KINDS)],
                city=CITIES[i % len(CITIES)],
            )
            for i in range(shape.structures)
        ],
    )

    # People: 2 managers and the peer workers of each structure, then the facilitators.
    n_facilitators = -(-shape.structures // shape.structures_per_facilitator)
    per_structure = 2 + shape.peer_workers_per_structure
    users = _bulk(
        User,
        [
            User(
                email=f"{p}-person-{i:06d}@bench.example.org",
                full_name=f"Personne {p} {i:06d}",
                password=unusable,
            )
            for i in range(shape.structures * per_structure + n_facilitators)
        ],
    )
    staff = {
        structure.pk: users[i * per_structure : (i + 1) * per_structure]
        for i, structure in enumerate(structures)
    }
    facilitators = users[shape.structures * per_structure :]
    _bulk(
        Membership,
        [
            Membership(
                user=person,
                structure=structure,
                capacity=Capacity.MANAGER if index < 2 else Capacity.PEER_WORKER,
            )
            for structure in structures
            for index, person in enumerate(staff[structure.pk])
        ],
    )
    _bulk(
        FacilitatorSupport,
        [
            FacilitatorSupport(
                facilitator=facilitators[i // shape.structures_per_facilitator],
                structure=structure,
                start_date=today - datetime.timedelta(days=90),
            )
            for i, structure in enumerate(structures)
        ],
    )
    reviews = _bulk(
        Review,
        [
            Review(
                structure=structure,
                author=facilitators[i // shape.structures_per_facilitator],
                reviewed_on=today - datetime.timedelta(days=7 + i % 120),
                notes="Rencontre avec l'équipe : la fiche de rôle avance bien.",
            )
            for i, structure in enumerate(structures)
        ],
    )
    _bulk(
        Recommendation,
        [
            Recommendation(
                review=review, text=f"Recommandation {n} : préciser les limites.", position=n
            )
            for review in reviews
            for n in range(2)
        ],
    )

    # Role sheets.
    roles = _bulk(
        Role,
        [
            Role(
                structure=structure,
                title=f"Travailleur·se pair·e {k:02d}",
                purpose="Faire le lien entre les personnes accompagnées et l'équipe, "
                "à partir d'une expérience vécue de la rue et du soin.",
                people_served="Personnes sans domicile, usagers de drogues",
                working_hours="24 heures par semaine, du lundi au mercredi",
                supervision="Analyse de la pratique une fois par mois avec une psychologue",
                lived_experience="Expérience de la rue et des addictions",
                updated_by=staff[structure.pk][0],
            )
            for structure in structures
            for k in range(shape.roles_per_structure)
        ],
    )
    first_role = roles[0]
    checkin_role = roles[1] if shape.checkin_periods else None

    def sheet_size(role):
        if role is first_role or role is checkin_role:
            return shape.first_sheet
        return shape.missions_per_role, shape.tasks_per_mission

    missions_of = {}
    mission_rows = []
    for role in roles:
        n_missions, _n_tasks = sheet_size(role)
        missions_of[role.pk] = [
            Mission(
                role=role,
                title=f"Mission {m + 1} : aller vers les personnes",
                description="Rencontrer les personnes là où elles sont, créer un lien de "
                "confiance et les orienter vers les services adaptés.",
                lived_experience="Mon expérience m'aide à comprendre sans juger."
                if m % 5 < 3
                else "",
                includes="Les maraudes du soir, l'accueil au local",
                excludes="La distribution des repas, le ménage",
                latitude=LATITUDES[m % len(LATITUDES)],
                position=m,
                updated_by=staff[role.structure_id][0],
            )
            for m in range(n_missions)
        ]
        mission_rows.extend(missions_of[role.pk])
    _bulk(Mission, mission_rows)

    tasks_of = {}
    task_rows = []
    for role in roles:
        _n_missions, n_tasks = sheet_size(role)
        for mission in missions_of[role.pk]:
            tasks_of[mission.pk] = [
                DailyTask(
                    mission=mission,
                    action=f"Tâche concrète {t + 1} : accompagner une personne à un rendez-vous",
                    frequency=FREQUENCIES[t % len(FREQUENCIES)],
                    times=2 if FREQUENCIES[t % len(FREQUENCIES)] in COUNTED else 1,
                    duration_minutes=30 + 15 * (t % 7),
                    position=t,
                    updated_by=mission.updated_by,
                )
                for t in range(n_tasks)
            ]
            task_rows.extend(tasks_of[mission.pk])
    _bulk(DailyTask, task_rows)

    # Each role held by one peer worker (the sheet with check-ins by `checkin_holders`); every
    # other role has an adopted, signed version (and the sheet with check-ins), every fourth
    # a newer one awaiting signatures.
    holders_of = {}
    for rank, role in enumerate(roles):
        peers = staff[role.structure_id][2:]
        count = shape.checkin_holders if role is checkin_role else 1
        if role is checkin_role and not 0 < count <= len(peers):
            raise ValueError(f"{count} holders of the sheet with check-ins, {len(peers)} peers")
        holders_of[role.pk] = [peers[(rank + h) % len(peers)] for h in range(count) if peers]
    peer_of = {pk: holders[0] if holders else None for pk, holders in holders_of.items()}
    _bulk(
        RoleAssignment,
        [
            RoleAssignment(role=role, peer_worker=person, assigned_by=role.updated_by)
            for role in roles
            for person in holders_of[role.pk]
        ],
    )
    version_rows = []
    signers = []
    adopted_of = {}
    for rank, role in enumerate(roles):
        if (rank % 2 and role is not checkin_role) or peer_of[role.pk] is None:
            continue
        snapshot = _snapshot(role, missions_of[role.pk], tasks_of)
        adopted = RoleSheetVersion(
            role=role,
            number=1,
            snapshot=snapshot,
            status=RoleSheetVersion.Status.ADOPTED,
            requested_by=role.updated_by,
            requested_at=now - datetime.timedelta(days=60),
            adopted_at=now - datetime.timedelta(days=50),
            # A year after adoption; one sheet in ten is due for its review (issue #14).
            review_on=(now + datetime.timedelta(days=-10 if rank % 10 == 0 else 315)).date(),
        )
        version_rows.append(adopted)
        adopted_of[role.pk] = adopted
        signers.append((adopted, [role.updated_by, *holders_of[role.pk]], True))
        if rank % 4 == 0 and role is not first_role:
            awaiting = RoleSheetVersion(
                role=role, number=2, snapshot=snapshot, requested_by=role.updated_by
            )
            version_rows.append(awaiting)
            signers.append((awaiting, [role.updated_by, *holders_of[role.pk]], False))
    _bulk(RoleSheetVersion, version_rows)
    _bulk(
        Signature,
        [
            Signature(
                version=version,
                signer=person,
                decision=Signature.Decision.SIGNED
                if signed or index == 0
                else Signature.Decision.PENDING,
                decided_at=now - datetime.timedelta(days=55) if signed or index == 0 else None,
            )
            for version, people, signed in signers
            for index, person in enumerate(people)
        ],
    )

    # Proposals, spread over the roles, with their discussions.
    statuses = itertools.cycle(
        [
            Proposal.Status.OPEN,
            Proposal.Status.ACCEPTED,
            Proposal.Status.OPEN,
            Proposal.Status.DECLINED,
            Proposal.Status.ACCEPTED,
            Proposal.Status.WITHDRAWN,
        ]
    )
    proposal_rows = []
    for n in range(shape.proposals):
        role = roles[n % len(roles)]
        mission = missions_of[role.pk][(n // len(roles)) % len(missions_of[role.pk])]
        status = next(statuses) if n else Proposal.Status.OPEN
        before = _mission_values(mission)
        decided = status != Proposal.Status.OPEN
        proposal_rows.append(
            Proposal(
                role=role,
                author=peer_of[role.pk] or role.updated_by,
                kind=Proposal.Kind.CHANGE_MISSION,
                mission=mission,
                subject=mission.title,
                before=before,
                proposed=before | {"includes": before["includes"] + ", les maraudes du matin"},
                base_revision=mission.revision,
                rationale="Les personnes sont plus faciles à rencontrer le matin.",
                status=status,
                created_at=now - datetime.timedelta(days=1 + n % 200, minutes=n % 1440),
                decided_by=role.updated_by if decided else None,
                decided_at=now - datetime.timedelta(hours=n % 24) if decided else None,
                decision_reason="Pas cette année, faute de moyens."
                if status == Proposal.Status.DECLINED
                else "",
            )
        )
    proposals = _bulk(Proposal, proposal_rows)
    comment_rows = []
    for n, proposal in enumerate(proposals):
        count = shape.first_proposal_comments if n == 0 else shape.comments_per_proposal
        for c in range(count):
            comment_rows.append(
                ProposalComment(
                    proposal=proposal,
                    author=proposal.author if c % 2 == 0 else proposal.role.updated_by,
                    body=f"Message {c + 1} : je pense que c'est une bonne idée, parlons-en.",
                    created_at=proposal.created_at + datetime.timedelta(hours=c + 1),
                )
            )
    _bulk(ProposalComment, comment_rows)

    # The history: each role's creation, each mission's addition, each proposal.
    events = [
        RoleEvent(
            role=role,
            actor=role.updated_by,
            at=now - datetime.timedelta(days=120),
            kind=RoleEvent.Kind.ROLE_CREATED,
            subject=role.title,
        )
        for role in roles
    ]
    events += [
        RoleEvent(
            role_id=mission.role_id,
            actor=mission.updated_by,
            at=now - datetime.timedelta(days=110),
            kind=RoleEvent.Kind.MISSION_ADDED,
            subject=mission.title,
        )
        for mission in mission_rows
    ]
    events += [
        RoleEvent(
            role_id=proposal.role_id,
            actor=proposal.author,
            at=proposal.created_at,
            kind=RoleEvent.Kind.PROPOSAL_MADE,
            subject=proposal.subject,
        )
        for proposal in proposals
    ]
    _bulk(RoleEvent, events)

    if checkin_role is not None:
        _seed_checkins(
            checkin_role, adopted_of[checkin_role.pk], holders_of[checkin_role.pk], shape, now
        )

    first = structures[0]
    return Seeded(
        structure=first,
        role=first_role,
        proposal=proposals[0] if proposals else None,
        manager=staff[first.pk][0],
        facilitator=facilitators[0],
        checkin_role=checkin_role,
        checkin_peer=peer_of[checkin_role.pk] if checkin_role is not None else None,
    )


def _going(period, count, position):
    """The first mission drifts in the last three periods (the sheet's drift alert shows),
    some are hard, the others go as agreed."""
    if position == 0 and period >= count - 3:
        return Going.DRIFTING
    if (period + position) % 7 == 3:
        return Going.HARD
    return Going.CLEAR


def _seed_checkins(role, version, holders, shape, now):
    """Each holder's check-in of each of the last `checkin_periods` monthly periods (the
    structure has no cadence of its own), against the adopted `version`: what
    `checkins.services.checkin_submit` writes, one answer per mission of the version."""
    periods = previous_periods(timezone.localdate(now), shape.checkin_periods, Cadence.MONTH)
    times = list(TimeSpent)
    checkins = _bulk(
        CheckIn,
        [
            CheckIn(
                role=role,
                peer_worker=person,
                version=version,
                period_start=start,
                period_end=end,
                share_notes=index % 3 == 0,
                submitted_at=min(
                    now,
                    timezone.make_aware(
                        datetime.datetime.combine(end, datetime.time(18))
                        - datetime.timedelta(days=2)
                    ),
                ),
            )
            for person in holders
            for index, (start, end) in enumerate(periods)
        ],
    )
    answers, extras = [], []
    missions = version.snapshot["missions"]
    for number, checkin in enumerate(checkins):
        index = number % len(periods)
        for position, mission in enumerate(missions):
            minutes, lived = planned(mission)
            answers.append(
                CheckInAnswer(
                    checkin=checkin,
                    mission_id=mission["id"],
                    mission_title=mission["title"][:200],
                    planned_minutes=minutes,
                    lived=lived,
                    going=_going(index, len(periods), position),
                    time_spent=times[(index + position) % len(times)],
                    note="Les personnes viennent moins le matin ; on en a parlé en équipe."
                    if position % 4 == 0
                    else "",
                )
            )
        extras.append(
            CheckInExtra(
                checkin=checkin,
                text="Accompagner une personne à la préfecture",
                minutes_per_week=60,
            )
        )
        if index % 2:
            extras.append(
                CheckInExtra(
                    checkin=checkin,
                    text="Remplacer un collègue à l'accueil du matin",
                    minutes_per_week=30 + 15 * (index % 4),
                )
            )
    _bulk(CheckInAnswer, answers)
    _bulk(CheckInExtra, extras)

"""A structure as one JSON document, and back (`export_structure` / `import_structure`).

The document holds the structure, its memberships and facilitator supports, its roles with their
assignments, missions, daily tasks, proposals (with comments), versions (with signatures) and
history, and its reviews with their recommendations. It holds no database id: people are named
by e-mail address, roles, missions and tasks by references local to the file ("r1", "m1",
"t1"), so importing into another database and exporting again gives the same document.

- People are created on import when no account has their address, with an unusable password
  (they choose one with "Forgotten password?"). An existing account is used as it is.
- Erased people (www.privacy) have no address: the file numbers them ("erased-1@…") and
  the import creates a new anonymous account for each.
- Versions keep their content; the mission and task ids inside it are rewritten, so that
  comparing versions and the current sheet works after the import. Missions and tasks removed
  since a version was made ("m-gone-1") get negative ids, which no real row ever has.
"""

import copy
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from facilitation.models import Recommendation, Review
from missions.models import DailyTask, Mission, Proposal, ProposalComment
from missions.timing import upgrade
from roles.models import Role, RoleAssignment, RoleEvent
from sheets.models import RoleSheetVersion, Signature
from structures.models import ERASED_EMAIL_DOMAIN, FacilitatorSupport, Membership, Structure

from .privacy import erased_email

FORMAT = "peerwork-structure"
VERSION = 1

STRUCTURE_FIELDS = ["name", "slug", "kind", "city"]
ROLE_FIELDS = [
    "title",
    "purpose",
    "people_served",
    "working_hours",
    "contracted_hours",
    "supervision",
    "lived_experience",
    "revision",
]
MISSION_FIELDS = [
    "title",
    "description",
    "lived_experience",
    "includes",
    "excludes",
    "latitude",
    "position",
    "revision",
]
TASK_FIELDS = ["action", "frequency", "times", "duration_minutes", "position", "revision"]
PROPOSAL_FIELDS = [
    "kind",
    "subject",
    "before",
    "proposed",
    "base_revision",
    "rationale",
    "status",
    "decision_reason",
]


class ImportRefused(ValueError):
    """The document cannot be imported (explained in the message)."""


def _dt(value):
    return value.isoformat() if value is not None else None


def _parse_dt(value):
    return parse_datetime(value) if value else None


def _parse_date(value):
    return parse_date(value) if value else None


# --- export ----------------------------------------------------------------------------------


class _People:
    """The people a document names, by user id; keys are assigned once all are known."""

    def __init__(self):
        self.ids = set()

    def add(self, user_id):
        if user_id is not None:
            self.ids.add(user_id)
        return user_id

    def resolve(self):
        users = sorted(get_user_model().objects.filter(pk__in=self.ids), key=lambda u: u.pk)
        self.keys, entries, erased = {}, [], 0
        for user in users:
            if user.is_erased:
                erased += 1
                key = f"erased-{erased}@{ERASED_EMAIL_DOMAIN}"
            else:
                key = user.email
            self.keys[user.pk] = key
            entries.append(
                {
                    "email": key,
                    "full_name": user.full_name,
                    "language": user.language,
                    "is_active": user.is_active,
                    "erased": user.is_erased,
                }
            )
        # Erased people last, in the order of their numbers (the import creates them in this
        # order, so that exporting again numbers them the same way).
        named = sorted((e for e in entries if not e["erased"]), key=lambda e: e["email"])
        return named + [e for e in entries if e["erased"]]

    def __getitem__(self, user_id):
        return None if user_id is None else self.keys[user_id]


class _Refs:
    """Local references for the rows of one kind ("m1", "m2"…), and for ids that only remain
    inside versions ("m-gone-1"…)."""

    def __init__(self, prefix):
        self.prefix, self.refs, self.gone = prefix, {}, {}

    def new(self, pk):
        self.refs[pk] = f"{self.prefix}{len(self.refs) + 1}"
        return self.refs[pk]

    def __getitem__(self, pk):
        return None if pk is None else self.refs[pk]

    def in_version(self, pk):
        if pk in self.refs:
            return self.refs[pk]
        if pk not in self.gone:
            self.gone[pk] = f"{self.prefix}-gone-{len(self.gone) + 1}"
        return self.gone[pk]


def _map_snapshot(snapshot, mission_id, task_id):
    """A version's content with its mission and task ids passed through the given functions."""
    result = copy.deepcopy(snapshot)
    for mission in result.get("missions", []):
        if "id" in mission:
            mission["id"] = mission_id(mission["id"])
        for task in mission.get("tasks", []):
            if "id" in task:
                task["id"] = task_id(task["id"])
    return result


def export_structure(structure):
    """The structure as a JSON-able document (see the module's docstring)."""

    people = _People()
    role_refs, mission_refs, task_refs = _Refs("r"), _Refs("m"), _Refs("t")
    roles = list(Role.objects.filter(structure=structure).order_by("title", "pk"))
    role_ids = [role.pk for role in roles]

    def by_role(queryset, *order):
        grouped = {}
        for row in queryset.filter(role__in=role_ids).order_by(*order):
            grouped.setdefault(row.role_id, []).append(row)
        return grouped

    missions = by_role(Mission.objects.all(), "position", "id")
    tasks = {}
    for task in DailyTask.objects.filter(mission__role__in=role_ids).order_by("position", "id"):
        tasks.setdefault(task.mission_id, []).append(task)
    assignments = by_role(RoleAssignment.objects.all(), "assigned_at", "id")
    proposals = by_role(Proposal.objects.all(), "created_at", "id")
    comments = {}
    for comment in ProposalComment.objects.filter(proposal__role__in=role_ids).order_by(
        "created_at", "id"
    ):
        comments.setdefault(comment.proposal_id, []).append(comment)
    versions = by_role(RoleSheetVersion.objects.all(), "number")
    signatures = {}
    for signature in Signature.objects.filter(version__role__in=role_ids).order_by("id"):
        signatures.setdefault(signature.version_id, []).append(signature)
    events = by_role(RoleEvent.objects.all(), "at", "id")

    # References first: proposals and versions point to missions and tasks of their role.
    for role in roles:
        role_refs.new(role.pk)
        for mission in missions.get(role.pk, []):
            mission_refs.new(mission.pk)
            for task in tasks.get(mission.pk, []):
                task_refs.new(task.pk)

    def role_document(role):
        return {
            "ref": role_refs[role.pk],
            **{name: getattr(role, name) for name in ROLE_FIELDS},
            "created_at": _dt(role.created_at),
            "updated_at": _dt(role.updated_at),
            "updated_by": people.add(role.updated_by_id),
            "assignments": [
                {
                    "peer_worker": people.add(a.peer_worker_id),
                    "assigned_at": _dt(a.assigned_at),
                    "assigned_by": people.add(a.assigned_by_id),
                }
                for a in assignments.get(role.pk, [])
            ],
            "missions": [
                {
                    "ref": mission_refs[mission.pk],
                    **{name: getattr(mission, name) for name in MISSION_FIELDS},
                    "created_at": _dt(mission.created_at),
                    "updated_at": _dt(mission.updated_at),
                    "updated_by": people.add(mission.updated_by_id),
                    "tasks": [
                        {
                            "ref": task_refs[task.pk],
                            **{name: getattr(task, name) for name in TASK_FIELDS},
                            "created_at": _dt(task.created_at),
                            "updated_at": _dt(task.updated_at),
                            "updated_by": people.add(task.updated_by_id),
                        }
                        for task in tasks.get(mission.pk, [])
                    ],
                }
                for mission in missions.get(role.pk, [])
            ],
            "proposals": [
                {
                    **{name: getattr(p, name) for name in PROPOSAL_FIELDS},
                    "author": people.add(p.author_id),
                    "mission": mission_refs.refs.get(p.mission_id),
                    "task": task_refs.refs.get(p.task_id),
                    "created_at": _dt(p.created_at),
                    "decided_by": people.add(p.decided_by_id),
                    "decided_at": _dt(p.decided_at),
                    "comments": [
                        {
                            "author": people.add(c.author_id),
                            "body": c.body,
                            "created_at": _dt(c.created_at),
                        }
                        for c in comments.get(p.pk, [])
                    ],
                }
                for p in proposals.get(role.pk, [])
            ],
            "versions": [
                {
                    "number": v.number,
                    "status": v.status,
                    "snapshot": _map_snapshot(
                        v.snapshot, mission_refs.in_version, task_refs.in_version
                    ),
                    "requested_by": people.add(v.requested_by_id),
                    "requested_at": _dt(v.requested_at),
                    "adopted_at": _dt(v.adopted_at),
                    "signatures": [
                        {
                            "signer": people.add(s.signer_id),
                            "decision": s.decision,
                            "comment": s.comment,
                            "decided_at": _dt(s.decided_at),
                        }
                        for s in signatures.get(v.pk, [])
                    ],
                }
                for v in versions.get(role.pk, [])
            ],
            "history": [
                {
                    "actor": people.add(e.actor_id),
                    "at": _dt(e.at),
                    "kind": e.kind,
                    "person": people.add(e.person_id),
                    "subject": e.subject,
                    "changes": e.changes,
                    "within_latitude": e.within_latitude,
                }
                for e in events.get(role.pk, [])
            ],
        }

    role_documents = [role_document(role) for role in roles]
    memberships = [
        (people.add(m.user_id), m)
        for m in Membership.objects.filter(structure=structure).order_by("id")
    ]
    supports = [
        (people.add(s.facilitator_id), s)
        for s in FacilitatorSupport.objects.filter(structure=structure).order_by("start_date", "id")
    ]
    reviews = list(
        Review.objects.filter(structure=structure)
        .order_by("reviewed_on", "created_at", "id")
        .prefetch_related("recommendations")
    )
    for review in reviews:
        people.add(review.author_id)
        for rec in review.recommendations.all():
            people.add(rec.followed_up_by_id)
    people_entries = people.resolve()

    document = {
        "format": FORMAT,
        "version": VERSION,
        "structure": {
            **{name: getattr(structure, name) for name in STRUCTURE_FIELDS},
            "created_at": _dt(structure.created_at),
        },
        "people": people_entries,
        "memberships": sorted(
            (
                {
                    "person": people[user_id],
                    "capacity": m.capacity,
                    "is_active": m.is_active,
                    "joined_at": _dt(m.joined_at),
                }
                for user_id, m in memberships
            ),
            key=lambda entry: entry["person"],
        ),
        "supports": [
            {
                "facilitator": people[user_id],
                "start_date": _dt(s.start_date),
                "end_date": _dt(s.end_date),
            }
            for user_id, s in supports
        ],
        "roles": role_documents,
        "reviews": [
            {
                "author": people[review.author_id],
                "reviewed_on": _dt(review.reviewed_on),
                "notes": review.notes,
                "created_at": _dt(review.created_at),
                "recommendations": [
                    {
                        "text": rec.text,
                        "role": role_refs[rec.role_id] if rec.role_id in role_refs.refs else None,
                        "mission": mission_refs[rec.mission_id]
                        if rec.mission_id in mission_refs.refs
                        else None,
                        "status": rec.status,
                        "answer": rec.answer,
                        "followed_up_by": people[rec.followed_up_by_id],
                        "followed_up_at": _dt(rec.followed_up_at),
                        "position": rec.position,
                    }
                    for rec in sorted(
                        review.recommendations.all(), key=lambda r: (r.position, r.pk)
                    )
                ],
            }
            for review in reviews
        ],
    }
    # People referenced by the roles were collected while building them: swap ids for keys.
    for role in document["roles"]:
        _people_to_keys(role, people)
    return document


_PERSON_FIELDS = {
    "updated_by",
    "peer_worker",
    "assigned_by",
    "author",
    "decided_by",
    "requested_by",
    "signer",
    "actor",
    "person",
}
_NESTED_LISTS = {
    "assignments",
    "missions",
    "tasks",
    "proposals",
    "comments",
    "versions",
    "signatures",
    "history",
}


def _people_to_keys(node, people):
    """Replace user ids by people's keys in the person fields of a role's document (in place).
    The versions' content and the proposals' values are left alone."""
    if isinstance(node, list):
        for item in node:
            _people_to_keys(item, people)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _PERSON_FIELDS:
                node[key] = people[value]
            elif key in _NESTED_LISTS:
                _people_to_keys(value, people)


# --- import ----------------------------------------------------------------------------------


def _create_person(entry):
    User = get_user_model()
    if entry.get("erased"):
        user = User.objects.create_user(
            f"importing-{uuid.uuid4().hex}@{ERASED_EMAIL_DOMAIN}", None, is_active=False
        )
        user.email = erased_email(user.pk)
        user.save(update_fields=["email"])
        return user
    existing = User.objects.filter(email__iexact=entry["email"]).first()
    if existing is not None:
        return existing
    return User.objects.create_user(
        entry["email"],
        None,  # unusable: the person chooses a password with "Forgotten password?"
        full_name=entry.get("full_name", ""),
        language=entry.get("language", ""),
        is_active=entry.get("is_active", True),
    )


@transaction.atomic
def import_structure(document):
    """Create the structure of `document` (from export_structure) with everything in it.
    Raises ImportRefused when the document is not one, or the structure exists already."""

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(f"Not a {FORMAT} document.")
    if document.get("version") != VERSION:
        raise ImportRefused(f"Unknown version {document.get('version')!r} (expected {VERSION}).")
    data = document["structure"]
    if Structure.objects.filter(slug=data["slug"]).exists():
        raise ImportRefused(f"A structure with the short name {data['slug']!r} exists already.")

    people = {entry["email"]: _create_person(entry) for entry in document["people"]}

    def person(key):
        if key is None:
            return None
        if key not in people:
            raise ImportRefused(f"{key!r} is not in the document's people.")
        return people[key]

    structure = Structure.objects.create(**{name: data[name] for name in STRUCTURE_FIELDS})
    Structure.objects.filter(pk=structure.pk).update(created_at=_parse_dt(data["created_at"]))
    Membership.objects.bulk_create(
        Membership(
            structure=structure,
            user=person(m["person"]),
            capacity=m["capacity"],
            is_active=m["is_active"],
            joined_at=_parse_dt(m["joined_at"]),
        )
        for m in document["memberships"]
    )
    FacilitatorSupport.objects.bulk_create(
        FacilitatorSupport(
            structure=structure,
            facilitator=person(s["facilitator"]),
            start_date=_parse_date(s["start_date"]),
            end_date=_parse_date(s["end_date"]),
        )
        for s in document["supports"]
    )

    roles, missions, tasks = {}, {}, {}
    gone_ids = {}

    def in_version(refs):
        def new_id(ref):
            if ref in refs:
                return refs[ref].pk
            # A mission or task removed since: an id no row has.
            return gone_ids.setdefault(ref, -(len(gone_ids) + 1))

        return new_id

    stamped = []  # (model, pk, {auto_now field: value}) to restore after the inserts
    for r in document["roles"]:
        role = Role.objects.create(
            structure=structure,
            # Documents written before roles had contracted hours have none.
            **{name: r[name] for name in ROLE_FIELDS if name in r},
            updated_by=person(r["updated_by"]),
        )
        roles[r["ref"]] = role
        stamped.append((Role, role.pk, r))
        for m in r["missions"]:
            mission = Mission.objects.create(
                role=role,
                **{name: m[name] for name in MISSION_FIELDS},
                updated_by=person(m["updated_by"]),
            )
            missions[m["ref"]] = mission
            stamped.append((Mission, mission.pk, m))
            for t in m["tasks"]:
                task = DailyTask.objects.create(
                    mission=mission,
                    # Older documents give minutes a week: read them as the migration did.
                    **{name: upgrade(t)[name] for name in TASK_FIELDS},
                    updated_by=person(t["updated_by"]),
                )
                tasks[t["ref"]] = task
                stamped.append((DailyTask, task.pk, t))
        for a in r["assignments"]:
            assignment = RoleAssignment.objects.create(
                role=role,
                peer_worker=person(a["peer_worker"]),
                assigned_by=person(a["assigned_by"]),
            )
            RoleAssignment.objects.filter(pk=assignment.pk).update(
                assigned_at=_parse_dt(a["assigned_at"])
            )
        for p in r["proposals"]:
            proposal = Proposal.objects.create(
                role=role,
                **{name: p[name] for name in PROPOSAL_FIELDS},
                author=person(p["author"]),
                mission=missions.get(p["mission"]),
                task=tasks.get(p["task"]),
                created_at=_parse_dt(p["created_at"]),
                decided_by=person(p["decided_by"]),
                decided_at=_parse_dt(p["decided_at"]),
            )
            ProposalComment.objects.bulk_create(
                ProposalComment(
                    proposal=proposal,
                    author=person(c["author"]),
                    body=c["body"],
                    created_at=_parse_dt(c["created_at"]),
                )
                for c in p["comments"]
            )
        for v in r["versions"]:
            version = RoleSheetVersion.objects.create(
                role=role,
                number=v["number"],
                status=v["status"],
                snapshot=_map_snapshot(v["snapshot"], in_version(missions), in_version(tasks)),
                requested_by=person(v["requested_by"]),
                requested_at=_parse_dt(v["requested_at"]),
                adopted_at=_parse_dt(v["adopted_at"]),
            )
            Signature.objects.bulk_create(
                Signature(
                    version=version,
                    signer=person(s["signer"]),
                    decision=s["decision"],
                    comment=s["comment"],
                    decided_at=_parse_dt(s["decided_at"]),
                )
                for s in v["signatures"]
            )
        RoleEvent.objects.bulk_create(
            RoleEvent(
                role=role,
                actor=person(e["actor"]),
                at=_parse_dt(e["at"]),
                kind=e["kind"],
                person=person(e.get("person")),
                subject=e["subject"],
                changes=e["changes"],
                within_latitude=e["within_latitude"],
            )
            for e in r["history"]
        )

    for rv in document["reviews"]:
        review = Review.objects.create(
            structure=structure,
            author=person(rv["author"]),
            reviewed_on=_parse_date(rv["reviewed_on"]),
            notes=rv["notes"],
            created_at=_parse_dt(rv["created_at"]),
        )
        Recommendation.objects.bulk_create(
            Recommendation(
                review=review,
                text=rec["text"],
                role=roles.get(rec["role"]),
                mission=missions.get(rec["mission"]),
                status=rec["status"],
                answer=rec["answer"],
                followed_up_by=person(rec["followed_up_by"]),
                followed_up_at=_parse_dt(rec["followed_up_at"]),
                position=rec["position"],
            )
            for rec in rv["recommendations"]
        )

    # created_at / updated_at are set by the database on insert (auto_now): put back the
    # document's values.
    for model, pk, values in stamped:
        model.objects.filter(pk=pk).update(
            created_at=_parse_dt(values["created_at"]), updated_at=_parse_dt(values["updated_at"])
        )
    return structure

"""A structure's missions, daily tasks and proposals (with comments) in its JSON document
(assembled by www.transfer)."""

from core.transfer import dt, grouped, parse_dt

from .models import DailyTask, Mission, Proposal, ProposalComment
from .timing import upgrade

# The editable fields, and those the document keeps besides (order = the document's keys).
MISSION_FIELDS = [*Mission.EDITABLE_FIELDS, "position", "revision"]
TASK_FIELDS = [*DailyTask.EDITABLE_FIELDS, "position", "revision"]
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


def _stamps(row, refs):
    return {
        "created_at": dt(row.created_at),
        "updated_at": dt(row.updated_at),
        "updated_by": refs.people.add(row.updated_by_id),
    }


def _proposal(p, comments, refs):
    add = refs.people.add
    return {
        **{name: getattr(p, name) for name in PROPOSAL_FIELDS},
        "author": add(p.author_id),
        "mission": refs.missions.refs.get(p.mission_id),
        "task": refs.tasks.refs.get(p.task_id),
        "created_at": dt(p.created_at),
        "decided_by": add(p.decided_by_id),
        "decided_at": dt(p.decided_at),
        "comments": [
            {"author": add(c.author_id), "body": c.body, "created_at": dt(c.created_at)}
            for c in comments.get(p.pk, [])
        ],
    }


def export_rows(role_ids, refs):
    """{role id: {"missions": [...], "proposals": [...]}} for the roles `role_ids` (in order);
    gives the missions and tasks their references first (proposals point to them)."""
    missions = grouped(
        Mission.objects.filter(role__in=role_ids).order_by("position", "id"), "role_id"
    )
    tasks = grouped(
        DailyTask.objects.filter(mission__role__in=role_ids).order_by("position", "id"),
        "mission_id",
    )
    proposals = grouped(
        Proposal.objects.filter(role__in=role_ids).order_by("created_at", "id"), "role_id"
    )
    comments = grouped(
        ProposalComment.objects.filter(proposal__role__in=role_ids).order_by("created_at", "id"),
        "proposal_id",
    )
    for role_id in role_ids:
        for mission in missions.get(role_id, []):
            refs.missions.new(mission.pk)
            for task in tasks.get(mission.pk, []):
                refs.tasks.new(task.pk)

    def mission_document(mission):
        return {
            "ref": refs.missions[mission.pk],
            **{name: getattr(mission, name) for name in MISSION_FIELDS},
            **_stamps(mission, refs),
            "tasks": [
                {
                    "ref": refs.tasks[task.pk],
                    **{name: getattr(task, name) for name in TASK_FIELDS},
                    **_stamps(task, refs),
                }
                for task in tasks.get(mission.pk, [])
            ],
        }

    return {
        role_id: {
            "missions": [mission_document(m) for m in missions.get(role_id, [])],
            "proposals": [_proposal(p, comments, refs) for p in proposals.get(role_id, [])],
        }
        for role_id in role_ids
    }


def import_rows(role_documents, ids):
    """Create the missions, tasks and proposals of the documents' roles (already in `ids`)."""
    for r in role_documents:
        role = ids.roles[r["ref"]]
        for m in r["missions"]:
            mission = Mission.objects.create(
                role=role,
                **{name: m[name] for name in MISSION_FIELDS},
                updated_by=ids.person(m["updated_by"]),
            )
            ids.missions[m["ref"]] = mission
            ids.stamp(mission, m)
            for t in m["tasks"]:
                task = DailyTask.objects.create(
                    mission=mission,
                    # Older documents give minutes a week: read them as the migration did.
                    **{name: upgrade(t)[name] for name in TASK_FIELDS},
                    updated_by=ids.person(t["updated_by"]),
                )
                ids.tasks[t["ref"]] = task
                ids.stamp(task, t)
    for r in role_documents:
        for p in r["proposals"]:
            _import_proposal(ids.roles[r["ref"]], p, ids)


def _import_proposal(role, p, ids):
    proposal = Proposal.objects.create(
        role=role,
        **{name: p[name] for name in PROPOSAL_FIELDS},
        author=ids.person(p["author"]),
        mission=ids.missions.get(p["mission"]),
        task=ids.tasks.get(p["task"]),
        created_at=parse_dt(p["created_at"]),
        decided_by=ids.person(p["decided_by"]),
        decided_at=parse_dt(p["decided_at"]),
    )
    ProposalComment.objects.bulk_create(
        ProposalComment(
            proposal=proposal,
            author=ids.person(c["author"]),
            body=c["body"],
            created_at=parse_dt(c["created_at"]),
        )
        for c in p["comments"]
    )

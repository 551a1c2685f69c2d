"""A structure's export and import (www/transfer.py): the role sheets' own rows, co-signed
versions with their signatures and the history, with the ids inside snapshots rewritten."""

import copy

from core.transfer import dt, grouped, parse_dt
from roles.models import RoleEvent

from .models import RoleSheetVersion, Signature


def map_snapshot(snapshot, mission_id, task_id):
    """A version's content with its mission and task ids passed through the given functions."""
    result = copy.deepcopy(snapshot)
    for mission in result.get("missions", []):
        if "id" in mission:
            mission["id"] = mission_id(mission["id"])
        for task in mission.get("tasks", []):
            if "id" in task:
                task["id"] = task_id(task["id"])
    return result


def _version(v, signatures, refs):
    add = refs.people.add
    return {
        "number": v.number,
        "status": v.status,
        "snapshot": map_snapshot(v.snapshot, refs.missions.in_version, refs.tasks.in_version),
        "requested_by": add(v.requested_by_id),
        "requested_at": dt(v.requested_at),
        "adopted_at": dt(v.adopted_at),
        "signatures": [
            {
                "signer": add(s.signer_id),
                "decision": s.decision,
                "comment": s.comment,
                "decided_at": dt(s.decided_at),
            }
            for s in signatures.get(v.pk, [])
        ],
    }


def _event(e, refs):
    add = refs.people.add
    return {
        "actor": add(e.actor_id),
        "at": dt(e.at),
        "kind": e.kind,
        "person": add(e.person_id),
        "subject": e.subject,
        "changes": e.changes,
        "within_latitude": e.within_latitude,
    }


def export_sheets(role_ids, refs):
    """{role id: {"versions": [...], "history": [...]}}, after the missions and tasks have
    their references (a version names them)."""
    versions = grouped(
        RoleSheetVersion.objects.filter(role__in=role_ids).order_by("number"), "role_id"
    )
    signatures = grouped(
        Signature.objects.filter(version__role__in=role_ids).order_by("id"), "version_id"
    )
    events = grouped(RoleEvent.objects.filter(role__in=role_ids).order_by("at", "id"), "role_id")
    return {
        role_id: {
            "versions": [_version(v, signatures, refs) for v in versions.get(role_id, [])],
            "history": [_event(e, refs) for e in events.get(role_id, [])],
        }
        for role_id in role_ids
    }


def _new_ids(rows, gone):
    def new_id(ref):
        if ref in rows:
            return rows[ref].pk
        # A mission or task removed since: an id no row has.
        return gone.setdefault(ref, -(len(gone) + 1))

    return new_id


def import_sheets(role_documents, ids):
    """Create the versions (with signatures) and history of the documents' roles, after their
    missions and tasks (a version's content names them)."""
    gone = {}
    missions, tasks = _new_ids(ids.missions, gone), _new_ids(ids.tasks, gone)
    for r in role_documents:
        role = ids.roles[r["ref"]]
        for v in r["versions"]:
            version = RoleSheetVersion.objects.create(
                role=role,
                number=v["number"],
                status=v["status"],
                snapshot=map_snapshot(v["snapshot"], missions, tasks),
                requested_by=ids.person(v["requested_by"]),
                requested_at=parse_dt(v["requested_at"]),
                adopted_at=parse_dt(v["adopted_at"]),
            )
            Signature.objects.bulk_create(
                Signature(
                    version=version,
                    signer=ids.person(s["signer"]),
                    decision=s["decision"],
                    comment=s["comment"],
                    decided_at=parse_dt(s["decided_at"]),
                )
                for s in v["signatures"]
            )
        RoleEvent.objects.bulk_create(
            RoleEvent(
                role=role,
                actor=ids.person(e["actor"]),
                at=parse_dt(e["at"]),
                kind=e["kind"],
                person=ids.person(e.get("person")),
                subject=e["subject"],
                changes=e["changes"],
                within_latitude=e["within_latitude"],
            )
            for e in r["history"]
        )

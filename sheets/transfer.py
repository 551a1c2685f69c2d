"""A structure's export and import (www/transfer.py): the role sheets' own rows, co-signed
versions with their signatures, reviews and requests for an early review, and the history,
with the ids inside snapshots rewritten."""

import copy

from core.transfer import dt, grouped, parse_day, parse_dt
from roles.models import RoleEvent

from .models import EarlyReviewRequest, RoleSheetVersion, SheetReview, Signature
from .reviews import review_on_at_adoption


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


def _day(value):
    return value.isoformat() if value else None


def _version(v, signatures, refs, reviews=None, early=None):
    add = refs.people.add
    return {
        "review_on": _day(v.review_on),
        "reviews": [
            {
                "by": add(r.by_id),
                "at": dt(r.at),
                "helped": r.helped,
                "drop": r.drop,
                "change": r.change,
                "outcome": r.outcome,
                "next_review_on": _day(r.next_review_on),
            }
            for r in (reviews or {}).get(v.pk, [])
        ],
        "early_requests": [
            {
                "by": add(r.by_id),
                "reason": r.reason,
                "asked_at": dt(r.asked_at),
                "review_on_before": _day(r.review_on_before),
                "answered_at": dt(r.answered_at),
            }
            for r in (early or {}).get(v.pk, [])
        ],
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
    reviews = grouped(
        SheetReview.objects.filter(version__role__in=role_ids).order_by("at", "id"), "version_id"
    )
    early = grouped(
        EarlyReviewRequest.objects.filter(version__role__in=role_ids).order_by("asked_at", "id"),
        "version_id",
    )
    events = grouped(RoleEvent.objects.filter(role__in=role_ids).order_by("at", "id"), "role_id")
    return {
        role_id: {
            "versions": [
                _version(v, signatures, refs, reviews, early) for v in versions.get(role_id, [])
            ],
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


def _review_on(v):
    """The version's review date; an export made before review dates gives an adopted one
    the default, counted from its adoption."""
    if v.get("review_on"):
        return parse_day(v["review_on"])
    if v["status"] != RoleSheetVersion.Status.ADOPTED:
        return None
    adopted = parse_dt(v["adopted_at"])
    day = adopted.date() if adopted else None
    return review_on_at_adoption(RoleSheetVersion(), day)


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
                review_on=_review_on(v),
            )
            SheetReview.objects.bulk_create(
                SheetReview(
                    version=version,
                    by=ids.person(r["by"]),
                    at=parse_dt(r["at"]),
                    helped=r["helped"],
                    drop=r["drop"],
                    change=r["change"],
                    outcome=r["outcome"],
                    next_review_on=parse_day(r["next_review_on"]),
                )
                for r in v.get("reviews", [])
            )
            EarlyReviewRequest.objects.bulk_create(
                EarlyReviewRequest(
                    version=version,
                    by=ids.person(r["by"]),
                    reason=r["reason"],
                    asked_at=parse_dt(r["asked_at"]),
                    review_on_before=parse_day(r["review_on_before"]),
                    answered_at=parse_dt(r["answered_at"]),
                )
                for r in v.get("early_requests", [])
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

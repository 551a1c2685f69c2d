"""A structure's roles (with assignments) in its JSON document (assembled by www.transfer; the
versions and history: sheets/transfer.py)."""

from core.transfer import dt, grouped, parse_dt

from .models import Role, RoleAssignment

ROLE_FIELDS = [*Role.EDITABLE_FIELDS, "revision"]


def export_roles(structure, refs):
    """{role id: role document} for the roles of `structure`, in order, with their assignments;
    gives each role its reference."""
    add = refs.people.add
    roles = list(Role.objects.filter(structure=structure).order_by("title", "pk"))
    assignments = grouped(
        RoleAssignment.objects.filter(role__in=roles).order_by("assigned_at", "id"), "role_id"
    )
    return {
        role.pk: {
            "ref": refs.roles.new(role.pk),
            **{name: getattr(role, name) for name in ROLE_FIELDS},
            "created_at": dt(role.created_at),
            "updated_at": dt(role.updated_at),
            "updated_by": add(role.updated_by_id),
            "assignments": [
                {
                    "peer_worker": add(a.peer_worker_id),
                    "assigned_at": dt(a.assigned_at),
                    "assigned_by": add(a.assigned_by_id),
                }
                for a in assignments.get(role.pk, [])
            ],
        }
        for role in roles
    }


def import_roles(structure, role_documents, ids):
    """Create the roles of the document and their assignments, recorded in `ids.roles`."""
    for r in role_documents:
        role = Role.objects.create(
            structure=structure,
            # Documents written before roles had contracted hours have none.
            **{name: r[name] for name in ROLE_FIELDS if name in r},
            updated_by=ids.person(r["updated_by"]),
        )
        ids.roles[r["ref"]] = role
        ids.stamp(role, r)
        for a in r["assignments"]:
            assignment = RoleAssignment.objects.create(
                role=role,
                peer_worker=ids.person(a["peer_worker"]),
                assigned_by=ids.person(a["assigned_by"]),
            )
            RoleAssignment.objects.filter(pk=assignment.pk).update(
                assigned_at=parse_dt(a["assigned_at"])
            )

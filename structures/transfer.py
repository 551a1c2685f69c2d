"""The structure's own rows in a structure's JSON document: its fields, memberships and
facilitator supports (assembled by www.transfer)."""

from core.transfer import dt, parse_day, parse_dt

from .models import FacilitatorSupport, Membership, Structure

STRUCTURE_FIELDS = ["name", "slug", "kind", "city"]


def export_rows(structure, refs):
    """The structure, its memberships and supports; people by user id (see core.transfer)."""
    add = refs.people.add
    return {
        "structure": {
            **{name: getattr(structure, name) for name in STRUCTURE_FIELDS},
            "created_at": dt(structure.created_at),
        },
        "memberships": [
            {
                "person": add(m.user_id),
                "capacity": m.capacity,
                "is_active": m.is_active,
                "joined_at": dt(m.joined_at),
            }
            for m in Membership.objects.filter(structure=structure).order_by("id")
        ],
        "supports": [
            {
                "facilitator": add(s.facilitator_id),
                "start_date": dt(s.start_date),
                "end_date": dt(s.end_date),
            }
            for s in FacilitatorSupport.objects.filter(structure=structure).order_by(
                "start_date", "id"
            )
        ],
    }


def import_rows(document, ids):
    """Create the structure of `document` with its memberships and supports; return it."""
    data = document["structure"]
    structure = Structure.objects.create(**{name: data[name] for name in STRUCTURE_FIELDS})
    Structure.objects.filter(pk=structure.pk).update(created_at=parse_dt(data["created_at"]))
    Membership.objects.bulk_create(
        Membership(
            structure=structure,
            user=ids.person(m["person"]),
            capacity=m["capacity"],
            is_active=m["is_active"],
            joined_at=parse_dt(m["joined_at"]),
        )
        for m in document["memberships"]
    )
    FacilitatorSupport.objects.bulk_create(
        FacilitatorSupport(
            structure=structure,
            facilitator=ids.person(s["facilitator"]),
            start_date=parse_day(s["start_date"]),
            end_date=parse_day(s["end_date"]),
        )
        for s in document["supports"]
    )
    return structure

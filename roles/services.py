"""Every write to roles goes through here, with its actor (`by`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.concurrency import retry_once, update_if_unchanged
from core.text import normalise_title, same_title
from structures.models import Capacity, Membership

from .history import record
from .models import Role, RoleAssignment, RoleEvent


def _title_taken():
    return {"title": _("This structure already has a role with this title.")}


def _check_title_free(structure, title, exclude_pk=None):
    """Titles that differ only by case or by a look-alike character (the Kelvin sign for a K)
    are the same title. Compared here with Unicode case folding; in the database, the unique
    constraint on the lower-cased, NFKC-normalised title catches a simultaneous create."""
    others = Role.objects.filter(structure=structure).exclude(pk=exclude_pk)
    if any(same_title(title, other) for other in others.values_list("title", flat=True)):
        raise ValidationError(_title_taken())


# A simultaneous create of the same title passes the check above, then meets the constraint.
_TITLE_CONSTRAINT = {"role_title_unique_in_structure": _title_taken}


def _normalise_title(fields):
    """The title as stored (NFKC), checked again: a ligature may make it longer."""
    if "title" in fields:
        fields["title"] = normalise_title(fields["title"])
        try:
            Role._meta.get_field("title").run_validators(fields["title"])
        except ValidationError as error:
            raise ValidationError({"title": error.messages}) from error


@retry_once(constraints=_TITLE_CONSTRAINT)
@transaction.atomic
def role_create(*, structure, by, **fields):
    _normalise_title(fields)
    _check_title_free(structure, fields.get("title", ""))
    role = Role(structure=structure, updated_by=by, **fields)
    role.full_clean(validate_constraints=False)
    role.save()
    record(role.pk, by=by, kind=RoleEvent.Kind.ROLE_CREATED, subject=role.title)
    return role


@retry_once(constraints=_TITLE_CONSTRAINT)
@transaction.atomic
def role_update(*, role, by, revision, **fields):
    _normalise_title(fields)
    _check_title_free(role.structure, fields.get("title", role.title), exclude_pk=role.pk)
    changes = update_if_unchanged(role, revision=revision, by=by, fields=fields)
    if changes:
        record(
            role.pk, by=by, kind=RoleEvent.Kind.ROLE_CHANGED, subject=role.title, changes=changes
        )
    return role


@transaction.atomic
def role_delete(*, role, by):
    role.delete()


@transaction.atomic
def role_assign(*, role, peer_worker, by):
    """Assign a peer worker of the role's structure to the role."""
    is_peer_worker = (
        Membership.objects.active()
        .filter(user=peer_worker, structure_id=role.structure_id, capacity=Capacity.PEER_WORKER)
        .exists()
    )
    if not is_peer_worker:
        raise ValidationError(_("Only a peer worker of this structure can hold this role."))
    assignment, created = RoleAssignment.objects.get_or_create(
        role=role, peer_worker=peer_worker, defaults={"assigned_by": by}
    )
    if created:
        record(role.pk, by=by, kind=RoleEvent.Kind.ASSIGNED, person=peer_worker)
    return assignment


@transaction.atomic
def role_unassign(*, assignment, by):
    assignment.delete()
    record(
        assignment.role_id,
        by=by,
        kind=RoleEvent.Kind.UNASSIGNED,
        person=assignment.peer_worker,
    )


@transaction.atomic
def membership_deactivate(*, membership, by):
    """End a person's access to the structure; their past work stays readable. The roles they
    held are no longer theirs, and each role's history says so (hence here, not in
    structures: ending a membership ends roles)."""
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot remove yourself from the structure."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    assignments = RoleAssignment.objects.filter(
        peer_worker_id=membership.user_id, role__structure_id=membership.structure_id
    )
    for role_id in assignments.values_list("role_id", flat=True).order_by("role_id"):
        record(role_id, by=by, kind=RoleEvent.Kind.UNASSIGNED, person=membership.user)
    assignments.delete()

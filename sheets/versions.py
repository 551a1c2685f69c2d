"""Co-signed versions: a manager asks for signatures, every signatory answers, and the version
is adopted when all have signed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from missions.models import Mission
from outbox.notify import absolute, notify
from roles.history import record
from roles.models import Role, RoleEvent
from sheets.models import EarlyReviewRequest, RoleSheetVersion, Signature

from .reviews import check_review_on, review_on_at_adoption
from .snapshots import snapshot

Status = RoleSheetVersion.Status
Decision = Signature.Decision


def sheet_with_content(role_id):
    return Role.objects.prefetch_related(
        Prefetch("missions", queryset=Mission.objects.prefetch_related("tasks")),
        "assignments__peer_worker",
    ).get(pk=role_id)


@transaction.atomic
def version_request(*, role, by, review_on=None):
    """Freeze the current sheet as version N and ask the manager and each assigned peer
    worker to sign it. A version still waiting for signatures is replaced. `review_on`: when
    the agreement comes back for review (`SHEET_REVIEW_MONTHS` after adoption if None)."""
    if review_on is not None:
        check_review_on(review_on)
    Role.objects.select_for_update().filter(pk=role.pk).first()  # one request at a time per role
    sheet = sheet_with_content(role.pk)
    peer_workers = [assignment.peer_worker for assignment in sheet.assignments.all()]
    if not peer_workers:
        raise ValidationError(_("Give the role to a peer worker before asking for signatures."))
    RoleSheetVersion.objects.filter(role=role, status=Status.AWAITING).update(
        status=Status.SUPERSEDED
    )
    number = (role.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = RoleSheetVersion.objects.create(
        role=role, number=number, snapshot=snapshot(sheet), requested_by=by, review_on=review_on
    )
    signatories = {by.pk: by} | {person.pk: person for person in peer_workers}
    Signature.objects.bulk_create(
        Signature(version=version, signer=person) for person in signatories.values()
    )
    record(role.pk, by=by, kind=RoleEvent.Kind.SIGNATURES_REQUESTED, subject=f"v{number}")
    notify(
        [person for person in signatories.values() if person.pk != by.pk],
        subject=gettext_lazy("Version %(number)s of the role sheet “%(role)s” is ready to sign"),
        template="roles/email/version_to_sign.txt",
        context={
            "number": number,
            "role": role.title,
            "requester": by.get_full_name(),
            "link": absolute(version.get_absolute_url()),
        },
    )
    return version


@transaction.atomic
def version_answer(*, version, by, decision, comment=""):
    """The signatory `by` signs `version`, or asks for changes with a comment."""
    version = RoleSheetVersion.objects.select_for_update().select_related("role").get(pk=version.pk)
    if version.status != Status.AWAITING:
        raise ValidationError(_("This version is no longer waiting for signatures."))
    signature = version.signatures.select_for_update().filter(signer=by).first()
    if signature is None:
        raise PermissionDenied
    if signature.decision == Decision.SIGNED:
        raise ValidationError(_("You have already signed this version."))
    comment = (comment or "").strip()
    if decision == Decision.CHANGES_REQUESTED and not comment:
        raise ValidationError({"comment": _("Say which changes you would like.")})
    if decision not in {Decision.SIGNED, Decision.CHANGES_REQUESTED}:
        raise ValidationError(_("Choose to sign or to ask for changes."))
    signature.decision, signature.comment, signature.decided_at = decision, comment, timezone.now()
    signature.save(update_fields=["decision", "comment", "decided_at"])
    role = version.role
    if decision == Decision.CHANGES_REQUESTED:
        record(role.pk, by=by, kind=RoleEvent.Kind.CHANGES_REQUESTED, subject=f"v{version.number}")
        notify(
            # The requester, unless they are the one asking (nobody needs their own e-mail).
            [version.requested_by] if version.requested_by_id != by.pk else [],
            subject=gettext_lazy("Changes asked on version %(number)s of “%(role)s”"),
            template="roles/email/version_changes.txt",
            context={
                "number": version.number,
                "role": role.title,
                "signer": by.get_full_name(),
                "comment": comment,
                "link": absolute(version.get_absolute_url()),
            },
        )
        return version
    record(role.pk, by=by, kind=RoleEvent.Kind.SIGNED, subject=f"v{version.number}")
    if not version.signatures.exclude(decision=Decision.SIGNED).exists():
        RoleSheetVersion.objects.filter(role=role, status=Status.ADOPTED).update(
            status=Status.SUPERSEDED
        )
        version.status, version.adopted_at = Status.ADOPTED, timezone.now()
        version.review_on = review_on_at_adoption(version)
        version.save(update_fields=["status", "adopted_at", "review_on"])
        # A new agreement answers the requests to review the one it replaces.
        EarlyReviewRequest.objects.filter(version__role=role, answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
        record(role.pk, by=by, kind=RoleEvent.Kind.VERSION_ADOPTED, subject=f"v{version.number}")
        notify(
            [signature.signer for signature in version.signatures.select_related("signer")],
            subject=gettext_lazy("Version %(number)s of “%(role)s” is adopted"),
            template="roles/email/version_adopted.txt",
            context={
                "review_on": version.review_on,
                "number": version.number,
                "role": role.title,
                "link": absolute(version.get_absolute_url()),
            },
        )
    return version

"""Joint definition: proposals of adjustment, their discussion and the managers' decisions.

Each operation takes its actor (`by`); views check who may call it (structures.access) and
these functions check the rules of the proposal itself (its state, its target, its reason).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.changes import field_changes
from outbox.notify import absolute, notify
from roles.history import record
from roles.models import RoleEvent
from structures.models import User

from . import proposal_merge, services
from .models import DailyTask, Mission, Proposal, ProposalComment
from .timing import task_values, upgrade

Kind = Proposal.Kind
Status = Proposal.Status

# For each kind: the model it is about, whether it targets an existing object, what it does.
_TARGET_MODEL = {
    Kind.ADD_MISSION: Mission,
    Kind.CHANGE_MISSION: Mission,
    Kind.REMOVE_MISSION: Mission,
    Kind.ADD_TASK: DailyTask,
    Kind.CHANGE_TASK: DailyTask,
    Kind.REMOVE_TASK: DailyTask,
}
_CHANGES = {Kind.CHANGE_MISSION, Kind.CHANGE_TASK}
_REMOVES = {Kind.REMOVE_MISSION, Kind.REMOVE_TASK}
_ADDS = {Kind.ADD_MISSION, Kind.ADD_TASK}


class InvalidTransition(Exception):
    """The proposal is no longer open (decided or withdrawn, maybe by a simultaneous request)."""


class ProposalConflict(Exception):
    """The target changed (or disappeared) since the proposal was written.

    `changes`: what changed since (FieldChange list); `to_resolve`: the fields both the proposal
    and a later edit changed (proposal_merge.FieldMerge list), which need the manager's result;
    `stale`: the target moved since the page the manager decided on was shown."""

    def __init__(self, changes, gone=False, to_resolve=(), stale=False):
        super().__init__("conflict")
        self.changes = changes
        self.gone = gone
        self.to_resolve = list(to_resolve)
        self.stale = stale


def model_of(kind):
    return _TARGET_MODEL[kind]


def _values(obj):
    return {name: getattr(obj, name) for name in type(obj).EDITABLE_FIELDS}


def target_of(proposal):
    """The existing mission or task a proposal is about (None for an added mission)."""
    if proposal.kind in {Kind.CHANGE_TASK, Kind.REMOVE_TASK}:
        return proposal.task
    if proposal.kind == Kind.ADD_MISSION:
        return None
    return proposal.mission


def before_values(kind, target):
    """The values a proposal of `kind` records as "before": the target's current ones."""
    return _values(target) if kind not in _ADDS else {}


def _check_changes(kind, before, proposed):
    if kind in _CHANGES and proposed == before:
        raise ValidationError(_("Nothing would change: edit at least one field."))


def would_change(*, kind, target=None, proposed=None):
    """What a proposal would change, field by field, before it is sent (for a preview).

    `target` is the mission or task it is about (None for an added mission or task).
    Raises ValidationError when a change would change nothing, as `proposal_create` does."""
    before = before_values(kind, target)
    proposed = dict(proposed or {}) if kind not in _REMOVES else {}
    _check_changes(kind, before, proposed)
    return changed_fields(Proposal(kind=kind, before=before, proposed=proposed))


def _stored(proposal, name):
    """`proposal.before` or `.proposed`; a task's with the time keys of today (proposals stored
    before tasks had a time each time say "minutes_per_week")."""
    values = getattr(proposal, name)
    return upgrade(values) if model_of(proposal.kind) is DailyTask else values


def changed_fields(proposal):
    """What the proposal would change, field by field (FieldChange list)."""
    model = model_of(proposal.kind)
    before = _stored(proposal, "before")
    if proposal.kind in _REMOVES:
        return field_changes(model, model.EDITABLE_FIELDS, before, {})
    return field_changes(model, model.EDITABLE_FIELDS, before, _stored(proposal, "proposed"))


def conflicts(proposal):
    """What changed on the target since the proposal was written. Raises nothing."""
    target = target_of(proposal)
    if proposal.kind == Kind.ADD_MISSION:
        return ProposalConflict([])
    if target is None:
        return ProposalConflict([], gone=True)
    if proposal.kind == Kind.ADD_TASK or target.revision == proposal.base_revision:
        return ProposalConflict([])
    model = type(target)
    current = _values(target)
    to_resolve = []
    if proposal.kind in _CHANGES:
        _apply_fields, to_resolve = proposal_merge.plan(
            model, _stored(proposal, "before"), _stored(proposal, "proposed"), current
        )
    return ProposalConflict(
        field_changes(model, model.EDITABLE_FIELDS, _stored(proposal, "before"), current),
        to_resolve=to_resolve,
    )


def revisions_shown(proposal):
    """The revisions of what a decision on `proposal` is based on (the accept form carries
    them, so that accepting from a page that is no longer current is refused)."""
    if proposal.kind in _ADDS:
        return {}
    return proposal_merge.revisions_of(proposal.kind == Kind.REMOVE_MISSION, target_of(proposal))


def _task_dict(item):
    """A proposed task's values, from new keys or, in proposals stored before tasks had a time
    each time, from the old ones ("minutes_per_week")."""
    return {"action": item.get("action"), **task_values(item)}


def _check_tasks(tasks):
    """The daily tasks an added mission comes with (`proposed["tasks"]`), checked now so that
    accepting the proposal later cannot fail on them."""
    if not isinstance(tasks, list):
        raise ValidationError(_("The proposed daily tasks are not readable."))
    checked = []
    for item in tasks:
        values = _task_dict(item) if isinstance(item, dict) else {}
        try:
            task = DailyTask.checked(values)
        except ValidationError as error:
            raise ValidationError(
                _("Daily task “%(action)s”: %(error)s")
                % {"action": values.get("action") or "?", "error": " ".join(error.messages)}
            ) from error
        checked.append({name: getattr(task, name) for name in DailyTask.EDITABLE_FIELDS})
    return checked


def proposed_tasks(proposal):
    """The daily tasks an added mission comes with, as unsaved DailyTask to show them."""
    if proposal.kind != Kind.ADD_MISSION:
        return []
    return [DailyTask(**_task_dict(values)) for values in proposal.proposed.get("tasks", [])]


@transaction.atomic
def proposal_create(*, role, by, kind, rationale, mission=None, task=None, proposed=None):
    """Propose an adjustment of `role`. `mission` / `task` name the target (the parent mission
    for an added task); `proposed` holds the new values for an addition or a change."""
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": _("Say why you propose this change.")})
    if kind in {Kind.CHANGE_TASK, Kind.REMOVE_TASK}:
        if task is None:
            raise ValidationError(_("Choose the task this proposal is about."))
        mission = task.mission
    if kind != Kind.ADD_MISSION and (mission is None or mission.role_id != role.pk):
        raise ValidationError(_("Choose a mission of this role."))
    target = task if kind in {Kind.CHANGE_TASK, Kind.REMOVE_TASK} else mission
    before = before_values(kind, target)
    proposed = dict(proposed or {}) if kind not in _REMOVES else {}
    _check_changes(kind, before, proposed)
    if kind == Kind.ADD_MISSION and "tasks" in proposed:
        proposed["tasks"] = _check_tasks(proposed["tasks"])
    subject = (proposed or before).get("title") or (proposed or before).get("action", "")
    proposal = Proposal.objects.create(
        role=role,
        author=by,
        kind=kind,
        mission=mission,
        task=task,
        subject=subject,
        before=before,
        proposed=proposed,
        base_revision=target.revision if kind not in _ADDS else None,
        rationale=rationale,
    )
    record(role.pk, by=by, kind=RoleEvent.Kind.PROPOSAL_MADE, subject=proposal.subject)
    notify(
        User.objects.managers_of(role.structure_id).exclude(pk=by.pk),
        subject=gettext_lazy("New proposal on the role sheet “%(role)s”"),
        template="missions/email/proposal_new.txt",
        context={
            "role": role.title,
            "proposal": proposal,
            "author": by.get_full_name(),
            "link": absolute(proposal.get_absolute_url()),
        },
    )
    return proposal


def _close(proposal, status, *, by, reason=""):
    """Move an open proposal to `status`. The conditional UPDATE lets one request win a race."""
    if not proposal.can_become(status):
        raise InvalidTransition
    now = timezone.now()
    moved = Proposal.objects.filter(pk=proposal.pk, status=Status.OPEN).update(
        status=status, decided_by=by, decided_at=now, decision_reason=reason
    )
    if not moved:
        raise InvalidTransition
    proposal.status, proposal.decided_by, proposal.decided_at = status, by, now
    proposal.decision_reason = reason


def _apply(proposal, target, *, by, fields):
    match proposal.kind:
        case Kind.ADD_MISSION:
            # An added mission may come with its daily tasks (e.g. from the library).
            values = dict(proposal.proposed)
            tasks = values.pop("tasks", [])
            mission = services.mission_create(role=proposal.role, by=by, **values)
            for task in tasks:
                services.task_create(mission=mission, by=by, **_task_dict(task))
        case Kind.CHANGE_MISSION if fields:
            services.mission_update(mission=target, by=by, revision=target.revision, **fields)
        case Kind.REMOVE_MISSION:
            services.mission_delete(mission=target, by=by)
        case Kind.ADD_TASK:
            services.task_create(mission=target, by=by, **_stored(proposal, "proposed"))
        case Kind.CHANGE_TASK if fields:
            services.task_update(task=target, by=by, revision=target.revision, **fields)
        case Kind.REMOVE_TASK:
            services.task_delete(task=target, by=by)


def _notify_author(proposal, by):
    if proposal.author_id and proposal.author_id != by.pk:
        notify(
            [proposal.author],
            subject=gettext_lazy("Your proposal was answered: %(status)s"),
            template="missions/email/proposal_decided.txt",
            context={
                # The lazy label, so that each recipient reads it in their own language
                # (get_status_display() would freeze it in the decider's language).
                "status": Status(proposal.status).label,
                "proposal": proposal,
                "decider": by.get_full_name(),
                "link": absolute(proposal.get_absolute_url()),
            },
        )


@transaction.atomic
def proposal_accept(*, proposal, by, reason="", resolutions=None, seen_revisions=None):
    """Apply the proposal to the sheet, in this one transaction, and record the decision.

    Fields changed since by someone else merge: what only the proposal changes applies, what
    only the later edit changed stays. A field both changed needs the manager's result in
    `resolutions` ({field: value}); the history then shows that result, set by `by`.
    `seen_revisions` (revisions_shown() when the page was shown) ties the decision to what the
    manager saw. Raises ProposalConflict when a result is missing, when the target moved since
    `seen_revisions`, when a changed target would be removed without them, or when it
    disappeared (then it cannot be applied); ValidationError for an invalid result.
    """
    # Lock the proposal: a simultaneous accept waits here, then finds it closed. Only its own
    # row (`of`): PostgreSQL cannot lock the nullable side of the outer join on `author`.
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("role", "author")
        .get(pk=proposal.pk)
    )
    if not proposal.is_open:
        raise InvalidTransition
    target = target_of(proposal)
    if proposal.kind != Kind.ADD_MISSION:
        # Lock the target too, and read its current revision.
        if target is not None:
            target = type(target).objects.select_for_update().filter(pk=target.pk).first()
        if target is None:
            raise ProposalConflict([], gone=True)
        if isinstance(target, DailyTask):
            proposal.task = target
        else:
            proposal.mission = target
    found = conflicts(proposal)
    if seen_revisions is not None and seen_revisions != revisions_shown(proposal):
        found.stale = True
        raise found
    if found.changes and proposal.kind in _REMOVES and seen_revisions is None:
        raise found  # removing what someone changed since: only from a page showing it
    resolutions = resolutions or {}
    if any(merge.name not in resolutions for merge in found.to_resolve):
        raise found
    fields = {}
    if proposal.kind in _CHANGES:
        fields, _to_resolve = proposal_merge.plan(
            type(target),
            _stored(proposal, "before"),
            _stored(proposal, "proposed"),
            _values(target),
        )
        fields |= proposal_merge.clean_resolutions(target, found.to_resolve, resolutions)
        fields = {name: value for name, value in fields.items() if value != getattr(target, name)}
    _close(proposal, Status.ACCEPTED, by=by, reason=reason.strip())
    _apply(proposal, target, by=by, fields=fields)
    record(proposal.role_id, by=by, kind=RoleEvent.Kind.PROPOSAL_ACCEPTED, subject=proposal.subject)
    _notify_author(proposal, by)
    return proposal


@transaction.atomic
def proposal_decline(*, proposal, by, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline: the author needs to know.")})
    _close(proposal, Status.DECLINED, by=by, reason=reason)
    record(proposal.role_id, by=by, kind=RoleEvent.Kind.PROPOSAL_DECLINED, subject=proposal.subject)
    _notify_author(proposal, by)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal, by):
    if proposal.author_id != by.pk:
        raise PermissionDenied
    _close(proposal, Status.WITHDRAWN, by=by)
    record(
        proposal.role_id, by=by, kind=RoleEvent.Kind.PROPOSAL_WITHDRAWN, subject=proposal.subject
    )
    return proposal


@transaction.atomic
def comment_add(*, proposal, by, body):
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    comment = ProposalComment.objects.create(proposal=proposal, author=by, body=body)

    participants = User.objects.filter(
        pk__in=[
            proposal.author_id,
            *proposal.comments.values_list("author_id", flat=True),
        ]
    ).exclude(pk=by.pk)
    notify(
        participants,
        subject=gettext_lazy("New message about the proposal “%(subject)s”"),
        template="missions/email/proposal_comment.txt",
        context={
            "subject": proposal.subject,
            "author": by.get_full_name(),
            "comment": comment,
            "link": absolute(proposal.get_absolute_url() + f"#comment-{comment.pk}"),
        },
    )
    return comment

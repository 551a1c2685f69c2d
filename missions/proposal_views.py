"""Proposals of adjustment: propose (with a preview), discuss, decide, withdraw.

Every object is fetched through the access helpers (missions/access.py, roles/access.py); the
services in missions/proposals.py do the writing and check the rules of the proposal itself.
Over 400 lines: the whole journey of a proposal in one place, its views sharing the page's
context and error handling.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_error
from core.fragments import cached_fragment, fragment_key, render_page
from roles.access import get_role_for_user

from . import proposal_merge, proposals
from .access import get_mission_for_user, get_proposal_for_user, get_task_for_user
from .forms import MissionEditForm, MissionForm, TaskEditForm, TaskForm
from .models import Proposal, ProposalComment
from .proposal_forms import AcceptForm, CommentForm, DeclineForm, RationaleForm

Kind = Proposal.Kind
_ADDS = {Kind.ADD_MISSION, Kind.ADD_TASK}
_REMOVES = {Kind.REMOVE_MISSION, Kind.REMOVE_TASK}


def _mode(kind):
    """How a list of field changes reads: all new, all removed, or before → proposed."""
    if kind in _ADDS:
        return "add"
    if kind in _REMOVES:
        return "remove"
    return "change"


# --- the list -------------------------------------------------------------------------------


def proposal_list(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require(access.can_discuss)
    items = list(
        role.proposals.select_related("author", "mission").annotate(n_comments=Count("comments"))
    )
    return render(
        request,
        "missions/proposal_list.html",
        {
            "role": role,
            "access": access,
            "open_proposals": [item for item in items if item.is_open],
            "decided_proposals": [item for item in items if not item.is_open],
        },
    )


# --- proposing ------------------------------------------------------------------------------


def _propose(
    request, *, role, kind, heading, mission=None, task=None, target=None, values_form=None
):
    """The two steps of a proposal: preview what would change (nothing saved), then send.

    `target` is the existing mission or task whose values are "before" (None for an addition);
    `values_form` holds the proposed values (None for a removal). A change form carries the
    revision it started from: if the target changed meanwhile, the page says so (HTTP 409).
    """
    rationale_form = RationaleForm(request.POST or None, initial=_prefilled(request, "rationale"))
    forms = [f for f in (values_form, rationale_form) if f is not None]
    changes = None
    conflict = None
    status = 200
    if kind in _REMOVES:
        # Nothing to type but the reason: what would be removed is known from the start.
        changes = proposals.would_change(kind=kind, target=target)
    if request.method == "POST" and all([form.is_valid() for form in forms]):
        proposed = values_form.changes() if values_form is not None else {}
        if "revision" in getattr(values_form, "fields", {}) and (
            values_form.cleaned_data["revision"] != target.revision
        ):
            conflict = target
            values_form.take_revision(target)
            changes = None
            status = 409
        else:
            try:
                if "send" in request.POST:
                    proposal = proposals.proposal_create(
                        role=role,
                        by=request.user,
                        kind=kind,
                        rationale=rationale_form.cleaned_data["rationale"],
                        mission=mission,
                        task=task,
                        proposed=proposed,
                    )
                    messages.success(
                        request,
                        _(
                            "Your proposal was sent to the managers. You can follow the "
                            "discussion and the decision here."
                        ),
                    )
                    return redirect(proposal)
                changes = proposals.would_change(kind=kind, target=target, proposed=proposed)
            except ValidationError as error:
                changes = None
                add_service_error(forms, error)
    has_errors = any(form.errors for form in forms)
    return render(
        request,
        "missions/proposal_form.html",
        {
            "role": role,
            "structure": role.structure,
            "heading": heading,
            "kind": kind,
            "mode": _mode(kind),
            "mission": mission,
            "target": target,
            "values_form": values_form,
            "rationale_form": rationale_form,
            "changes": changes,
            # A removal has nothing to preview: what would be removed is shown from the start.
            "can_send": kind in _REMOVES or (changes is not None and not has_errors),
            "has_errors": has_errors,
            "conflict": conflict,
            "cancel_url": (target or mission or role).get_absolute_url(),
        },
        status=status,
    )


def _prefilled(request, *names):
    """What a link asks to prefill (`?rationale=…`, from a check-in's note, say), bounded like
    the fields; typed by the person before anything is sent."""
    limit = settings.TEXT_MAX_LENGTH
    return {name: request.GET[name][:limit] for name in names if request.GET.get(name)}


def _initial(obj):
    return {name: getattr(obj, name) for name in type(obj).EDITABLE_FIELDS} | {
        "revision": obj.revision
    }


def propose_mission_add(request, role_id):
    role, access = get_role_for_user(request.user, role_id)
    access.require(access.can_propose)
    return _propose(
        request,
        role=role,
        kind=Kind.ADD_MISSION,
        heading=_("Propose a new mission"),
        values_form=MissionForm(request.POST or None),
    )


def propose_mission_change(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
    access.require(access.can_propose)
    # No `instance`: a valid ModelForm writes the typed values onto its instance, and the
    # mission must keep its current values to tell what would change.
    form = MissionEditForm(request.POST or None, initial=_initial(mission))
    return _propose(
        request,
        role=mission.role,
        kind=Kind.CHANGE_MISSION,
        heading=_("Propose a change to the mission “%(title)s”") % {"title": mission.title},
        mission=mission,
        target=mission,
        values_form=form,
    )


def propose_mission_removal(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
    access.require(access.can_propose)
    return _propose(
        request,
        role=mission.role,
        kind=Kind.REMOVE_MISSION,
        heading=_("Propose to remove the mission “%(title)s”") % {"title": mission.title},
        mission=mission,
        target=mission,
    )


def propose_task_add(request, mission_id):
    mission, access = get_mission_for_user(request.user, mission_id)
    access.require(access.can_propose)
    return _propose(
        request,
        role=mission.role,
        kind=Kind.ADD_TASK,
        heading=_("Propose a new daily task for the mission “%(title)s”")
        % {"title": mission.title},
        mission=mission,
        values_form=TaskForm(request.POST or None, initial=_prefilled(request, "action")),
    )


def propose_task_change(request, task_id):
    task, access = get_task_for_user(request.user, task_id)
    access.require(access.can_propose)
    return _propose(
        request,
        role=task.mission.role,
        kind=Kind.CHANGE_TASK,
        heading=_("Propose a change to the daily task “%(action)s”") % {"action": task.action},
        mission=task.mission,
        task=task,
        target=task,
        values_form=TaskEditForm(request.POST or None, initial=_initial(task)),
    )


def propose_task_removal(request, task_id):
    task, access = get_task_for_user(request.user, task_id)
    access.require(access.can_propose)
    return _propose(
        request,
        role=task.mission.role,
        kind=Kind.REMOVE_TASK,
        heading=_("Propose to remove the daily task “%(action)s”") % {"action": task.action},
        mission=task.mission,
        task=task,
        target=task,
    )


# --- the proposal page ----------------------------------------------------------------------


def _proposal_queryset():
    """Everything the proposal page shows, in a fixed number of queries."""
    return Proposal.objects.select_related(
        "author", "decided_by", "mission", "task"
    ).prefetch_related(_comments())


def _comments():
    return Prefetch("comments", queryset=ProposalComment.objects.select_related("author"))


def _get(request, proposal_id):
    proposal, access = get_proposal_for_user(request.user, proposal_id, _proposal_queryset())
    access.require(access.can_discuss)
    return proposal, access


def _render_proposal(request, proposal, access, *, status=200, **forms_and_conflict):
    """The proposal page after a refused form (the forms as typed), never from the cache."""
    context = _proposal_context(request, proposal, access, **forms_and_conflict)
    return render(
        request, "missions/proposal_detail.html", {**context, "content": None}, status=status
    )


def _proposal_context(
    request,
    proposal,
    access,
    *,
    comment_form=None,
    accept_form=None,
    decline_form=None,
    conflict=None,
):
    if proposal.is_open and conflict is None:
        conflict = proposals.conflicts(proposal)
    has_conflict = bool(conflict and conflict.changes)
    target = proposals.target_of(proposal)
    decide = proposal.is_open and access.can_decide
    target_gone = bool(conflict and conflict.gone)
    context = {
        "proposal": proposal,
        "access": access,
        "role": proposal.role,
        "structure": proposal.role.structure,
        "mode": _mode(proposal.kind),
        "changes": proposals.changed_fields(proposal),
        "proposed_tasks": proposals.proposed_tasks(proposal),
        "target": target,
        "conflict": conflict,
        "has_conflict": has_conflict,
        "target_gone": target_gone,
        "comments": proposal.comments.all(),
        "comment_form": comment_form or CommentForm(),
        "is_author": proposal.author_id == request.user.pk,
        # What was removed cannot be changed: then the only decision left is to decline.
        "accept_form": (accept_form or _accept_form(proposal, conflict))
        if decide and not target_gone
        else None,
        "decline_form": (decline_form or DeclineForm()) if decide else None,
    }
    return context


def _accept_form(proposal, conflict, data=None):
    """The accept form: a result field for each field both sides changed, and the revisions
    shown on the page."""
    return AcceptForm(
        data,
        model=proposals.model_of(proposal.kind),
        merges=conflict.to_resolve if conflict else (),
        seen=proposal_merge.encode(proposals.revisions_shown(proposal)),
    )


def proposal_detail(request, proposal_id):
    """The proposal, its discussion and the decision forms; the content is rendered once per
    state of what it shows and of who reads it: pages are read more often than discussed.

    What it shows (the proposal, its discussion and their authors' names, the mission or task
    it is about) belongs to its role's sheet: every write to it moves the role's
    `sheet_counter` (core/counters.py), read with the proposal through its role."""
    proposal, access = get_proposal_for_user(request.user, proposal_id)
    access.require(access.can_discuss)
    key = fragment_key(
        "proposal",
        proposal.pk,
        [proposal.status, proposal.decided_at, proposal.decision_reason, proposal.subject],
        [proposal.role.sheet_counter, proposal.role.structure.name],
        access.capacity,
        access.is_assigned,
        proposal.author_id == request.user.pk,
    )

    def get_context():
        full = _proposal_queryset().select_related("role__structure").get(pk=proposal.pk)
        return _proposal_context(request, full, access)

    content = cached_fragment(request, key, "missions/proposal_detail.html#content", get_context)
    return render_page(
        request,
        "missions/proposal_detail.html",
        {
            "proposal": proposal,
            "role": proposal.role,
            "structure": proposal.role.structure,
            "content": content,
        },
    )


@require_POST
def proposal_comment(request, proposal_id):
    proposal, access = _get(request, proposal_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = proposals.comment_add(
                proposal=proposal, by=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_error([form], error)
        else:
            messages.success(request, _("Your message was added to the discussion."))
            return redirect(f"{proposal.get_absolute_url()}#comment-{comment.pk}")
    return _render_proposal(request, proposal, access, comment_form=form)


def _refused(request, proposal):
    messages.error(
        request,
        _("This proposal is no longer waiting for a decision: nothing was changed."),
    )
    return redirect(proposal)


@require_POST
def proposal_accept(request, proposal_id):
    proposal, access = _get(request, proposal_id)
    access.require(access.can_decide)
    shown = proposals.conflicts(proposal) if proposal.is_open else None
    form = _accept_form(proposal, shown, request.POST)
    if not form.is_valid():
        return _render_proposal(request, proposal, access, accept_form=form, conflict=shown)
    try:
        proposals.proposal_accept(
            proposal=proposal,
            by=request.user,
            reason=form.cleaned_data["reason"],
            resolutions=form.results(),
            seen_revisions=form.seen_revisions(),
        )
    except proposals.InvalidTransition:
        return _refused(request, proposal)
    except proposals.ProposalConflict as conflict:
        return _accept_conflict(request, proposal_id, conflict)
    except ValidationError as error:
        names = getattr(error, "error_dict", {})
        if not names or any(form.result_name(name) not in form.fields for name in names):
            messages.error(request, " ".join(error.messages))
            return redirect(proposal)
        for name, errors in error.error_dict.items():  # a result the model refuses
            form.add_error(form.result_name(name), errors)
        return _render_proposal(request, proposal, access, accept_form=form, conflict=shown)
    messages.success(request, _("The proposal was accepted: the role sheet was changed."))
    return redirect(proposal)


def _accept_conflict(request, proposal_id, conflict):
    """HTTP 409: the page again, from the current version (the three texts of each field both
    sides changed), keeping the results the manager typed; nothing was changed."""
    proposal, access = _get(request, proposal_id)  # read again: the target moved
    if conflict.gone:
        messages.error(
            request,
            _("What this proposal is about was removed meanwhile: it can only be declined."),
        )
        return _render_proposal(request, proposal, access, conflict=conflict, status=409)
    if conflict.stale:
        text = _(
            "The sheet changed while you were deciding: look at the current version below, "
            "then confirm again. Nothing was changed yet."
        )
    elif conflict.to_resolve:
        text = _(
            "The proposal and a later edit changed the same text: write the result to keep, "
            "then confirm. Nothing was changed yet."
        )
    else:
        text = _(
            "The sheet changed since this proposal was written: look at the changes, "
            "then confirm. Nothing was changed yet."
        )
    messages.error(request, text)
    current = proposals.conflicts(proposal)
    data = request.POST.copy()
    data["seen"] = proposal_merge.encode(proposals.revisions_shown(proposal))
    for merge in current.to_resolve:
        data.setdefault(AcceptForm.result_name(merge.name), merge.initial)
    form = _accept_form(proposal, current, data)
    return _render_proposal(
        request, proposal, access, accept_form=form, conflict=current, status=409
    )


@require_POST
def proposal_decline(request, proposal_id):
    proposal, access = _get(request, proposal_id)
    access.require(access.can_decide)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            proposals.proposal_decline(
                proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
            )
        except proposals.InvalidTransition:
            return _refused(request, proposal)
        except ValidationError as error:
            add_service_error([form], error)
        else:
            messages.success(request, _("The proposal was declined. The author will be told why."))
            return redirect(proposal)
    return _render_proposal(request, proposal, access, decline_form=form)


@require_POST
def proposal_withdraw(request, proposal_id):
    # Anyone who may read the proposal may try; the service lets only its author withdraw it.
    proposal, _access = _get(request, proposal_id)
    try:
        proposals.proposal_withdraw(proposal=proposal, by=request.user)
    except proposals.InvalidTransition:
        return _refused(request, proposal)
    messages.success(request, _("You withdrew your proposal. Nothing was changed."))
    return redirect(proposal)

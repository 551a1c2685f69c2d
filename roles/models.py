"""Roles (the sheets' heading), their holders, their health warnings and their history.

About 430 lines: a role and what hangs from it alone (holders, warnings, history lines),
read together, each model short.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.text import validate_single_line, validate_text_length
from structures.models import Structure

# Below this share of estimated time on missions that draw on lived experience,
# the role risks becoming an ordinary staff job ("pair alibi").
PEER_SHARE_THRESHOLD = 50
# Contracted hours that make a full time (1 ETP) in France.
FULL_TIME_HOURS = 35


def days_since(moment):
    """Calendar days from `moment` to today, in the local time zone (as people count them:
    yesterday evening is 1 day ago). Pages that say so can be cached for the day."""
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date()
    return (timezone.localdate() - moment).days


def days_text(days):
    """3 days, 1 day: with the real plural forms of the language (never "day(s)"); less than a
    day rather than "0 days"."""
    if not days:
        return _("less than a day")
    return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}


class Role(models.Model):
    """A peer worker's role in a structure: why it exists, for whom, in which frame."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="roles", verbose_name=_("structure")
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    purpose = models.TextField(
        _("raison d'être"),
        blank=True,
        validators=[validate_text_length],
        help_text=_("Why this role exists: what it changes for the people accompanied."),
    )
    people_served = models.TextField(
        _("people accompanied"),
        blank=True,
        validators=[validate_text_length],
        help_text=_("Who the peer worker meets and accompanies in this role."),
    )
    working_hours = models.CharField(
        _("working time"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("For example: 24 hours a week, Monday to Wednesday."),
    )
    contracted_hours = models.FloatField(
        _("contracted hours a week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(48)],
        help_text=_(
            "The hours a week in the contract, for example 24 or 17.5 (35 hours = 1 full time). "
            "The sheet compares the time of the tasks with it."
        ),
    )
    supervision = models.TextField(
        _("supervision and practice analysis"),
        blank=True,
        validators=[validate_text_length],
        help_text=_("Who the peer worker can turn to, and how often practice is discussed."),
    )
    lived_experience = models.TextField(
        _("lived experience called on"),
        blank=True,
        validators=[validate_text_length],
        help_text=_(
            "The kind of experience this role calls on, in general terms (for example: life on "
            "the street, drug use, psychiatric care). Do not write anyone's diagnosis, treatment "
            "or personal story."
        ),
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    # Grows by one, in the writer's transaction, at every write to anything the sheet, its PDF
    # or its proposals' pages show, whoever writes: kept by database triggers (core/counters.py,
    # installed by the migrations of roles and missions). Cached pages are keyed on it.
    sheet_counter = models.PositiveBigIntegerField(default=0, db_default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    # What a person edits on the sheet (forms, history, versions all use this list).
    EDITABLE_FIELDS = [
        "title",
        "purpose",
        "people_served",
        "working_hours",
        "contracted_hours",
        "supervision",
        "lived_experience",
    ]

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="role_title_not_empty"),
            models.UniqueConstraint(
                "structure", Lower("title"), name="role_title_unique_in_structure"
            ),
            models.CheckConstraint(
                condition=Q(contracted_hours__isnull=True)
                | Q(contracted_hours__gte=0.5, contracted_hours__lte=48),
                name="role_contracted_hours_at_most_48",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roles:detail", kwargs={"role_id": self.pk})

    @property
    def health(self):
        """Needs a role from `sheets.indicators.with_indicators()`."""
        return RoleHealth(
            has_purpose=bool(self.purpose.strip()),
            n_missions=self.n_missions,
            n_missions_without_tasks=self.n_missions_without_tasks,
            n_lived_missions=self.n_lived_missions,
            minutes_total=self.minutes_total,
            minutes_lived=self.minutes_lived,
            n_open_proposals=self.n_open_proposals,
            oldest_open_proposal_at=self.oldest_open_proposal_at,
            adopted_number=self.adopted_number,
            adopted_at=self.adopted_at,
            review_on=self.review_on,
            n_unsigned_peer_workers=self.n_unsigned_peer_workers,
            contracted_hours=self.contracted_hours,
        )

    @property
    def fte(self):
        """Contracted hours as a share of a full time (35 hours = 1 ETP), or None."""
        if self.contracted_hours is None:
            return None
        return round(self.contracted_hours / FULL_TIME_HOURS, 2)


@dataclass(frozen=True)
class RoleHealth:
    has_purpose: bool
    n_missions: int
    n_missions_without_tasks: int
    n_lived_missions: int
    minutes_total: int
    minutes_lived: int
    n_open_proposals: int = 0
    oldest_open_proposal_at: object = None
    adopted_number: int | None = None
    adopted_at: object = None
    review_on: object = None  # of the adopted version (sheets/reviews.py)
    n_unsigned_peer_workers: int = 0
    contracted_hours: float | None = None

    @property
    def contract_share(self):
        """The tasks' time a week as a percentage of the contracted hours, or None."""
        if not self.contracted_hours:
            return None
        return round(100 * self.minutes_total / (60 * self.contracted_hours))

    @property
    def contract_warning(self):
        """A plain-language warning when the tasks exceed the contract or fill far less of it
        than `PEERWORK_TASK_TIME_LOW_SHARE` percent; None otherwise."""
        share = self.contract_share
        if share is None:
            return None
        if share > 100:
            return _(
                "The tasks take more time than the contract: %(share)s%% of the contracted "
                "hours. Remove or shorten tasks, or check the hours."
            ) % {"share": share}
        if share < settings.PEERWORK_TASK_TIME_LOW_SHARE:
            return _(
                "The tasks fill only %(share)s%% of the contracted hours: what else is done "
                "in this time? Add the missing tasks, or check the hours."
            ) % {"share": share}
        return None

    @property
    def oldest_proposal_days(self):
        if self.oldest_open_proposal_at is None:
            return None
        return days_since(self.oldest_open_proposal_at)

    @property
    def lived_share(self):
        """Percentage of estimated weekly time on missions that draw on lived experience."""
        if not self.minutes_total:
            return None
        return round(100 * self.minutes_lived / self.minutes_total)

    @property
    def warnings(self):
        """Plain-language warnings, most important first. Empty when the sheet is healthy."""
        items = []
        if not self.has_purpose:
            items.append(_("The raison d'être is not written: say why this role exists."))
        if not self.n_missions:
            items.append(_("This role has no mission yet."))
        elif self.n_missions_without_tasks:
            items.append(
                ngettext(
                    "%(count)s mission has no daily task: say what is done concretely.",
                    "%(count)s missions have no daily task: say what is done concretely.",
                    self.n_missions_without_tasks,
                )
                % {"count": self.n_missions_without_tasks}
            )
        if self.n_missions and not self.n_lived_missions:
            items.append(
                _(
                    "No mission says how lived experience is put to work: "
                    "the role risks becoming an ordinary staff job."
                )
            )
        share = self.lived_share
        if share is not None and self.n_lived_missions and share < PEER_SHARE_THRESHOLD:
            items.append(
                _(
                    "Only %(share)s%% of the estimated time goes to missions "
                    "that draw on lived experience."
                )
                % {"share": share}
            )
        return items

    @property
    def alerts(self):
        """Every warning on the sheet: its content, then where joint definition stands. The
        structure page and the portfolio both call a sheet complete only when this is empty."""
        return [*self.warnings, *self.agreement_warnings]

    @property
    def agreement_warnings(self):
        """Where joint definition stands: proposals waiting, signatures missing."""
        items = []
        if self.n_open_proposals:
            items.append(
                ngettext(
                    "%(count)s proposal waits for a decision, for %(duration)s.",
                    "%(count)s proposals wait for a decision, the oldest for %(duration)s.",
                    self.n_open_proposals,
                )
                % {"count": self.n_open_proposals, "duration": days_text(self.oldest_proposal_days)}
            )
        if self.adopted_number is None:
            items.append(_("No version of this sheet has been signed by both sides yet."))
        elif self.n_unsigned_peer_workers:
            items.append(
                ngettext(
                    "%(count)s peer worker holding this role has not signed the adopted version.",
                    "%(count)s peer workers holding this role have not signed the adopted version.",
                    self.n_unsigned_peer_workers,
                )
                % {"count": self.n_unsigned_peer_workers}
            )
        return items + self.review_warnings

    @property
    def review_warnings(self):
        """The adopted version's review, once its date has come (sheets/reviews.py)."""
        today = timezone.localdate()
        if self.review_on is None or self.review_on > today:
            return []
        if self.review_on == today:
            return [_("The review of the adopted version is due today.")]
        return [
            _("The review of the adopted version is due since %(date)s.")
            % {"date": date_format(self.review_on, "DATE_FORMAT")}
        ]


class RoleAssignment(models.Model):
    """A peer worker holds a role."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("role")
    )
    peer_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("peer worker"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["role", "peer_worker"], name="assignment_unique"),
        ]

    def __str__(self):
        return f"{self.peer_worker} — {self.role}"


class RoleEventKind(models.TextChoices):
    ROLE_CREATED = "role_created", _("role created")
    ROLE_CHANGED = "role_changed", _("role changed")
    MISSION_ADDED = "mission_added", _("mission added")
    MISSION_CHANGED = "mission_changed", _("mission changed")
    MISSION_REMOVED = "mission_removed", _("mission removed")
    MISSION_MOVED = "mission_moved", _("mission moved")
    TASK_ADDED = "task_added", _("task added")
    TASK_CHANGED = "task_changed", _("task changed")
    TASK_REMOVED = "task_removed", _("task removed")
    TASK_MOVED = "task_moved", _("task moved")
    ASSIGNED = "assigned", _("peer worker assigned")
    UNASSIGNED = "unassigned", _("peer worker unassigned")
    PROPOSAL_MADE = "proposal_made", _("adjustment proposed")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("proposal accepted")
    PROPOSAL_DECLINED = "proposal_declined", _("proposal declined")
    PROPOSAL_WITHDRAWN = "proposal_withdrawn", _("proposal withdrawn")
    SIGNATURES_REQUESTED = "signatures_requested", _("signatures requested")
    SIGNED = "signed", _("version signed")
    CHANGES_REQUESTED = "changes_requested", _("changes requested before signing")
    VERSION_ADOPTED = "version_adopted", _("version adopted")
    REVIEW_CONFIRMED = "review_confirmed", _("sheet reviewed and confirmed")
    REVIEW_CHANGES = "review_changes", _("sheet reviewed: changes to propose")
    REVIEW_NOTED = "review_noted", _("views noted for the review")
    EARLY_REVIEW_ASKED = "early_review_asked", _("early review asked")


class RoleEvent(models.Model):
    """One line of a role sheet's history: who changed what, when, and how."""

    Kind = RoleEventKind

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="events", verbose_name=_("role")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=30, choices=Kind)
    # The person the event is about (the peer worker (un)assigned), by key: their name is read
    # when the history is shown, so a rename or an erasure reaches every line about them.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    subject = models.CharField(_("about"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # A peer worker changed a task of an autonomous mission directly, without a proposal.
    within_latitude = models.BooleanField(_("within the peer worker's latitude"), default=False)
    # The id of the removed mission or task, so that someone still editing it is told who
    # removed it (missions/removed.py) rather than meeting a bare 404.
    target_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("history event")
        verbose_name_plural = _("history events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["role", "-at"], name="roleevent_role_at"),
            models.Index(
                fields=["target_id"],
                condition=Q(target_id__isnull=False),
                name="roleevent_removed_target",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in RoleEventKind]),
                name="roleevent_kind_valid",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.subject_display}"

    @property
    def subject_display(self):
        """What the event is about, as shown: the name of the person concerned, today."""
        if self.person_id is not None:
            return self.person.get_full_name()
        return self.subject

"""Missions, their daily tasks, proposals of adjustment with their discussion, and the library
of reference missions. One module for the five models because their constraints and choices
refer to each other (a proposal's kinds name missions and tasks); about 490 lines, most of them
field declarations and named constraints."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import validate_single_line, validate_text_length
from roles.models import Role
from structures.models import StructureKind

from .timing import (
    COUNTED,
    MAX_DURATION_MINUTES,
    MAX_MINUTES_PER_WEEK,
    MAX_TIMES,
    Frequency,
    minutes_per_week,
    minutes_per_week_sql,
    normalize_times,
    task_values,
)

__all__ = ["MAX_MINUTES_PER_WEEK", "Frequency"]


class Latitude(models.TextChoices):
    AUTONOMOUS = "autonomous", _("autonomous (on their own)")
    IN_PAIR = "in_pair", _("in pair with a colleague")
    SUPERVISED = "supervised", _("with the supervisor")


_CHECKED_IN_PYTHON = {"task_times_only_when_counted", "task_duration_at_most_48_hours"}


class Mission(models.Model):
    """What the peer worker does to serve a role. Never floats alone: it belongs to one role."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="missions", verbose_name=_("role")
    )
    title = models.CharField(_("mission"), max_length=200, validators=[validate_single_line])
    description = models.TextField(
        _("what it is"),
        blank=True,
        validators=[validate_text_length],
        help_text=_("In plain words: what this mission is about."),
    )
    lived_experience = models.TextField(
        _("how lived experience is put to work"),
        blank=True,
        validators=[validate_text_length],
        help_text=_(
            "How lived experience helps in this mission, in general terms. Leave empty if it does "
            "not: the sheet will warn. Do not write anyone's diagnosis, treatment or personal "
            "story."
        ),
    )
    includes = models.TextField(
        _("what the mission includes"),
        blank=True,
        validators=[validate_text_length],
        help_text=_("Its scope: what it covers."),
    )
    excludes = models.TextField(
        _("what the mission does not include"),
        blank=True,
        validators=[validate_text_length],
        help_text=_("What is not the peer worker's job here, to avoid being used as extra staff."),
    )
    latitude = models.CharField(
        _("latitude"),
        max_length=20,
        choices=Latitude,
        default=Latitude.IN_PAIR,
        help_text=_("How much room for manoeuvre: autonomous, in pair, or with the supervisor."),
    )
    position = models.PositiveIntegerField(default=0, editable=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
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

    EDITABLE_FIELDS = [
        "title",
        "description",
        "lived_experience",
        "includes",
        "excludes",
        "latitude",
    ]

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="mission_title_not_empty"),
            models.CheckConstraint(
                condition=Q(latitude__in=[v.value for v in Latitude]),
                name="mission_latitude_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roles:detail", kwargs={"role_id": self.role_id}) + f"#mission-{self.pk}"

    @property
    def draws_on_lived_experience(self):
        # Same rule as the indicators computed in SQL (forms strip the text).
        return self.lived_experience != ""

    @property
    def minutes_per_week_total(self):
        """Sum over the prefetched tasks (the sheet prefetches them; no query per mission)."""
        return sum(task.minutes_per_week for task in self.tasks.all())


class DailyTask(models.Model):
    """A concrete action of the daily work ("ce que je fais concrètement")."""

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("mission")
    )
    action = models.CharField(
        _("what is done concretely"), max_length=300, validators=[validate_single_line]
    )
    frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency, default=Frequency.WEEKLY
    )
    times = models.PositiveSmallIntegerField(
        _("how many times"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIMES)],
        help_text=_("Only for “a few times a week” or “a few times a month”."),
    )
    duration_minutes = models.PositiveIntegerField(
        _("time each time (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_DURATION_MINUTES)],
        help_text=_("An estimate is enough: for example 90 for an hour and a half."),
    )
    position = models.PositiveIntegerField(default=0, editable=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
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

    EDITABLE_FIELDS = ["action", "frequency", "times", "duration_minutes"]

    class Meta:
        verbose_name = _("daily task")
        verbose_name_plural = _("daily tasks")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(action=""), name="task_action_not_empty"),
            models.CheckConstraint(
                condition=Q(frequency__in=[v.value for v in Frequency]),
                name="task_frequency_valid",
            ),
            models.CheckConstraint(
                condition=Q(times__gte=1, times__lte=MAX_TIMES)
                & (Q(frequency__in=COUNTED) | Q(times=1)),
                name="task_times_only_when_counted",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="task_duration_at_most_48_hours",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(minutes_per_week_sql(), MAX_MINUTES_PER_WEEK),
                name="task_minutes_at_most_48_hours",
            ),
        ]

    def __str__(self):
        return self.action

    def get_absolute_url(self):
        return self.mission.get_absolute_url()

    def get_constraints(self):
        # Forms validate constraints with a query each. The bounds on times and duration are
        # checked in Python already (field validators, clean()); the database still enforces
        # them, but forms need not ask it again.
        return [
            (model, [c for c in constraints if c.name not in _CHECKED_IN_PYTHON])
            for model, constraints in super().get_constraints()
        ]

    @property
    def minutes_per_week(self):
        """The time a week this task amounts to (missions.timing has the conventions)."""
        return minutes_per_week(self.frequency, self.times, self.duration_minutes)

    @classmethod
    def checked(cls, values):
        """An unsaved task with `values` (a task kept in JSON: a proposal's added tasks, a
        reference mission's typical ones), checked as its form would; raises ValidationError."""
        task = cls(**values)
        task.clean_fields(exclude=["mission", "updated_by"])
        task.clean()
        return task

    def clean(self):
        self.frequency, self.times = normalize_times(self.frequency, self.times)
        if (
            self.duration_minutes is not None
            and self.times
            and self.minutes_per_week > MAX_MINUTES_PER_WEEK
        ):
            raise ValidationError(
                {
                    "duration_minutes": _(
                        "This comes to more than 48 hours a week: check the time and how often."
                    )
                }
            )


class ProposalKind(models.TextChoices):
    ADD_MISSION = "add_mission", _("add a mission")
    CHANGE_MISSION = "change_mission", _("change a mission")
    REMOVE_MISSION = "remove_mission", _("remove a mission")
    ADD_TASK = "add_task", _("add a daily task")
    CHANGE_TASK = "change_task", _("change a daily task")
    REMOVE_TASK = "remove_task", _("remove a daily task")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("waiting for a decision")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Proposal(models.Model):
    """An adjustment of the role sheet proposed by someone on the role, with its reason.

    `before` holds the target's values when the proposal was written and `base_revision` its
    revision, so that accepting after someone else changed the target shows the conflict.
    """

    Kind = ProposalKind
    Status = ProposalStatus
    # The only moves a proposal can make; every other transition is refused.
    TRANSITIONS = {
        ProposalStatus.OPEN: {
            ProposalStatus.ACCEPTED,
            ProposalStatus.DECLINED,
            ProposalStatus.WITHDRAWN,
        },
    }

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("role")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposals",
        verbose_name=_("proposed by"),
    )
    kind = models.CharField(_("I propose to"), max_length=20, choices=ProposalKind)
    mission = models.ForeignKey(
        Mission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("mission"),
    )
    task = models.ForeignKey(
        DailyTask,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("daily task"),
    )
    subject = models.CharField(_("about"), max_length=300, blank=True)
    before = models.JSONField(default=dict, blank=True)
    proposed = models.JSONField(default=dict, blank=True)
    base_revision = models.PositiveIntegerField(null=True, blank=True)
    rationale = models.TextField(_("why"), validators=[validate_text_length])
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus, default=ProposalStatus.OPEN
    )
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(
        _("reason of the decision"), blank=True, validators=[validate_text_length]
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["role", "created_at"],
                condition=Q(status="open"),
                name="proposal_open_by_role",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="proposal_has_rationale"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ProposalKind]),
                name="proposal_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProposalStatus]),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="proposal_decision_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="proposal_decline_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.subject}"

    def get_absolute_url(self):
        return reverse("missions:proposal", kwargs={"proposal_id": self.pk})

    @property
    def is_open(self):
        return self.status == ProposalStatus.OPEN

    def can_become(self, status):
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_about_mission(self):
        return self.kind in {
            ProposalKind.ADD_MISSION,
            ProposalKind.CHANGE_MISSION,
            ProposalKind.REMOVE_MISSION,
        }


class ProposalComment(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("proposal")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), validators=[validate_text_length])
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty"),
        ]

    def __str__(self):
        return self.body[:60]


class ReferenceMission(models.Model):
    """A typical mission from the platform's library, that a role can start from (a copy)."""

    title = models.CharField(
        _("title"), max_length=200, unique=True, validators=[validate_single_line]
    )
    description = models.TextField(_("what it is"), validators=[validate_text_length])
    lived_experience = models.TextField(
        _("how lived experience is put to work"), validators=[validate_text_length]
    )
    includes = models.TextField(
        _("what the mission usually includes"), blank=True, validators=[validate_text_length]
    )
    excludes = models.TextField(
        _("what the mission usually does not include"),
        blank=True,
        validators=[validate_text_length],
    )
    latitude = models.CharField(
        _("usual latitude"), max_length=20, choices=Latitude, default=Latitude.IN_PAIR
    )
    # Typical tasks: [{"action": str, "frequency": Frequency value, "times": int,
    # "duration_minutes": int}] (old ones with "minutes_per_week" are still read).
    typical_tasks = models.JSONField(_("typical daily tasks"), default=list, blank=True)
    # Structure kinds it suits (structures.models.StructureKind values); empty: all kinds.
    suits_kinds = models.JSONField(_("suits these kinds of structure"), default=list, blank=True)
    is_published = models.BooleanField(_("shown to structures"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference mission")
        verbose_name_plural = _("reference missions")
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="reference_mission_has_title"),
            models.CheckConstraint(
                condition=Q(latitude__in=[v.value for v in Latitude]),
                name="reference_mission_latitude_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        """The library is curated in the admin site: check the shape of the JSON fields there,
        so that copying a reference never fails later."""
        errors = {}
        tasks = self.typical_tasks
        if not isinstance(tasks, list) or not all(isinstance(item, dict) for item in tasks):
            errors["typical_tasks"] = _(
                'A list of tasks like {"action": "…", "frequency": "weekly", "times": 1, '
                '"duration_minutes": 60}.'
            )
        else:
            for item in tasks:
                action = str(item.get("action") or "").strip()
                try:
                    DailyTask.checked({"action": action, **task_values(item)})
                except ValidationError as error:
                    errors["typical_tasks"] = _("Task “%(action)s”: %(error)s") % {
                        "action": action or "?",
                        "error": " ".join(error.messages),
                    }
                    break
        kinds = self.suits_kinds
        if not isinstance(kinds, list) or not all(kind in StructureKind.values for kind in kinds):
            errors["suits_kinds"] = _("A list of kinds of structure, among: %(kinds)s.") % {
                "kinds": ", ".join(StructureKind.values)
            }
        if errors:
            raise ValidationError(errors)

    def task_values(self):
        """The typical tasks as the values of new daily tasks (see `clean` for their shape)."""
        return [
            {"action": str(item.get("action") or "").strip(), **task_values(item)}
            for item in self.typical_tasks
        ]

    def suits(self, kind):
        """True when the reference suits structures of `kind` (an empty list suits all)."""
        return not self.suits_kinds or kind in self.suits_kinds

    def mission_fields(self):
        """The values a new mission copied from this reference starts with."""
        return {
            "title": self.title,
            "description": self.description,
            "lived_experience": self.lived_experience,
            "includes": self.includes,
            "excludes": self.excludes,
            "latitude": self.latitude,
        }

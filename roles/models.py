import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from structures.models import Structure

# Below this share of estimated time on missions that draw on lived experience,
# the role risks becoming an ordinary staff job ("pair alibi").
PEER_SHARE_THRESHOLD = 50


def _subquery_int(queryset, expression):
    """An integer computed over related rows, as a correlated subquery (no join fan-out)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("role_ref").annotate(value=expression).values("value")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


class RoleQuerySet(models.QuerySet):
    def with_indicators(self):
        """Annotate each role with the figures behind its health indicators, computed in SQL."""
        from missions.models import DailyTask, Mission

        missions = Mission.objects.filter(role=OuterRef("pk")).annotate(role_ref=models.F("role"))
        tasks = DailyTask.objects.filter(mission__role=OuterRef("pk")).annotate(
            role_ref=models.F("mission__role")
        )
        draws = ~Q(lived_experience="")
        task_draws = ~Q(mission__lived_experience="")
        return self.annotate(
            n_missions=_subquery_int(missions, Count("pk")),
            n_missions_without_tasks=_subquery_int(
                missions.filter(~models.Exists(DailyTask.objects.filter(mission=OuterRef("pk")))),
                Count("pk"),
            ),
            n_lived_missions=_subquery_int(missions.filter(draws), Count("pk")),
            minutes_total=_subquery_int(tasks, Sum("minutes_per_week")),
            minutes_lived=_subquery_int(tasks.filter(task_draws), Sum("minutes_per_week")),
        )


class Role(models.Model):
    """A peer worker's role in a structure: why it exists, for whom, in which frame."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="roles", verbose_name=_("structure")
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(
        _("raison d'être"),
        blank=True,
        help_text=_("Why this role exists: what it changes for the people accompanied."),
    )
    people_served = models.TextField(
        _("people accompanied"),
        blank=True,
        help_text=_("Who the peer worker meets and accompanies in this role."),
    )
    working_hours = models.CharField(
        _("working time"),
        max_length=200,
        blank=True,
        help_text=_("For example: 24 hours a week, Monday to Wednesday."),
    )
    supervision = models.TextField(
        _("supervision and practice analysis"),
        blank=True,
        help_text=_("Who the peer worker can turn to, and how often practice is discussed."),
    )
    lived_experience = models.TextField(
        _("lived experience called on"),
        blank=True,
        help_text=_(
            "The kind of experience this role calls on, in general terms. "
            "Do not write health details about a person."
        ),
    )
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

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="role_title_not_empty"),
            models.UniqueConstraint(
                "structure", Lower("title"), name="role_title_unique_in_structure"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roles:detail", kwargs={"role_id": self.pk})

    @property
    def health(self):
        """Needs a role from `Role.objects.with_indicators()`."""
        return RoleHealth(
            has_purpose=bool(self.purpose.strip()),
            n_missions=self.n_missions,
            n_missions_without_tasks=self.n_missions_without_tasks,
            n_lived_missions=self.n_lived_missions,
            minutes_total=self.minutes_total,
            minutes_lived=self.minutes_lived,
        )


@dataclass(frozen=True)
class RoleHealth:
    has_purpose: bool
    n_missions: int
    n_missions_without_tasks: int
    n_lived_missions: int
    minutes_total: int
    minutes_lived: int

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
                _("%(count)s mission(s) have no daily task: say what is done concretely.")
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

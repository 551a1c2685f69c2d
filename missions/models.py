from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roles.models import Role

# 48 hours a week is the legal maximum in France; a task estimate above it is a typo.
MAX_MINUTES_PER_WEEK = 48 * 60


class Latitude(models.TextChoices):
    AUTONOMOUS = "autonomous", _("on my own (autonomous)")
    IN_PAIR = "in_pair", _("in pair with a colleague")
    SUPERVISED = "supervised", _("with my supervisor")


class Frequency(models.TextChoices):
    DAILY = "daily", _("every day")
    SEVERAL_A_WEEK = "several_a_week", _("several times a week")
    WEEKLY = "weekly", _("every week")
    MONTHLY = "monthly", _("every month")
    OCCASIONAL = "occasional", _("from time to time")


class Mission(models.Model):
    """What the peer worker does to serve a role. Never floats alone: it belongs to one role."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="missions", verbose_name=_("role")
    )
    title = models.CharField(_("mission"), max_length=200)
    description = models.TextField(
        _("what it is"), blank=True, help_text=_("In plain words: what this mission is about.")
    )
    lived_experience = models.TextField(
        _("how lived experience is put to work"),
        blank=True,
        help_text=_(
            "How my experience helps in this mission. Leave empty if it does not: the sheet will "
            "warn. No health details about a person."
        ),
    )
    includes = models.TextField(
        _("what the mission includes"), blank=True, help_text=_("Its scope: what it covers.")
    )
    excludes = models.TextField(
        _("what the mission does not include"),
        blank=True,
        help_text=_("What is not the peer worker's job here, to avoid being used as extra staff."),
    )
    latitude = models.CharField(
        _("latitude"),
        max_length=20,
        choices=Latitude,
        default=Latitude.IN_PAIR,
        help_text=_("How much room for manoeuvre: on my own, in pair, or with my supervisor."),
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
        return bool(self.lived_experience.strip())

    @property
    def minutes_per_week_total(self):
        """Sum over the prefetched tasks (the sheet prefetches them; no query per mission)."""
        return sum(task.minutes_per_week for task in self.tasks.all())


class DailyTask(models.Model):
    """A concrete action of the daily work ("ce que je fais concrètement")."""

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("mission")
    )
    action = models.CharField(_("what I do concretely"), max_length=300)
    frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency, default=Frequency.WEEKLY
    )
    minutes_per_week = models.PositiveIntegerField(
        _("estimated time per week (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_MINUTES_PER_WEEK)],
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
                condition=Q(minutes_per_week__lte=MAX_MINUTES_PER_WEEK),
                name="task_minutes_at_most_48_hours",
            ),
        ]

    def __str__(self):
        return self.action

    def get_absolute_url(self):
        return self.mission.get_absolute_url()

"""Check-ins: a peer worker's word on how the missions of their adopted sheet go, per period."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.text import validate_single_line, validate_text_length
from missions.models import Mission
from missions.timing import MAX_MINUTES_PER_WEEK
from roles.models import Role
from sheets.models import RoleSheetVersion
from structures.models import Structure


class Cadence(models.TextChoices):
    """How often a structure's peer workers are asked to check in (monthly by default)."""

    TWO_WEEKS = "2w", _("every two weeks")
    MONTH = "1m", _("every month")
    TWO_MONTHS = "2m", _("every two months")


class CheckInCadence(models.Model):
    """A structure's choice of check-in cadence; a structure without one checks in monthly.
    Kept here rather than on Structure: the floor below knows nothing of check-ins."""

    structure = models.OneToOneField(
        Structure,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="checkin_cadence",
        verbose_name=_("structure"),
    )
    cadence = models.CharField(_("check-ins"), max_length=2, choices=Cadence, default=Cadence.MONTH)

    class Meta:
        verbose_name = _("check-in cadence")
        verbose_name_plural = _("check-in cadences")
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence__in=[v.value for v in Cadence]), name="checkin_cadence_valid"
            ),
        ]

    def __str__(self):
        return f"{self.structure}: {self.get_cadence_display()}"


class Going(models.TextChoices):
    CLEAR = "clear", _("it goes as agreed")
    HARD = "hard", _("it is hard")
    DRIFTING = "drifting", _("it is drifting away from what was agreed")


class TimeSpent(models.TextChoices):
    LESS = "less", _("less time than on the sheet")
    AS_PLANNED = "as_planned", _("about the time on the sheet")
    MORE = "more", _("more time than on the sheet")


class CheckIn(models.Model):
    """One peer worker's check-in on one role for one period, answering the version of the
    sheet adopted when it was written."""

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("role")
    )
    peer_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("peer worker"),
    )
    version = models.ForeignKey(
        RoleSheetVersion,
        on_delete=models.PROTECT,
        related_name="checkins",
        verbose_name=_("version answered"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    share_notes = models.BooleanField(
        _("share my notes with the facilitator"),
        default=False,
        help_text=_(
            "The facilitator always sees how the missions go; your notes only if you tick this."
        ),
    )
    submitted_at = models.DateTimeField(_("sent at"))
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "peer_worker", "period_start"], name="checkin_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="checkin_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.role} — {self.period_start}"


class CheckInAnswer(models.Model):
    """How one mission of the version goes, and the time it really took."""

    checkin = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, related_name="answers", verbose_name=_("check-in")
    )
    # The mission may be removed later; its title stays as it was answered.
    mission = models.ForeignKey(
        Mission, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("mission")
    )
    mission_title = models.CharField(_("mission"), max_length=200)
    # What the adopted version planned for the mission when it was answered, so the share of
    # time on lived-experience missions, planned and as reported, is a sum in SQL.
    planned_minutes = models.PositiveIntegerField(_("minutes a week on the sheet"), default=0)
    lived = models.BooleanField(_("draws on lived experience"), default=False)
    going = models.CharField(_("how it goes"), max_length=10, choices=Going)
    time_spent = models.CharField(_("time it took"), max_length=10, choices=TimeSpent)
    note = models.TextField(_("note"), blank=True, validators=[validate_text_length])

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(going__in=[v.value for v in Going]), name="checkin_answer_going_valid"
            ),
            models.CheckConstraint(
                condition=Q(time_spent__in=[v.value for v in TimeSpent]),
                name="checkin_answer_time_valid",
            ),
            models.UniqueConstraint(
                fields=["checkin", "mission"],
                condition=Q(mission__isnull=False),
                name="checkin_answer_once_per_mission",
            ),
        ]

    def __str__(self):
        return f"{self.mission_title}: {self.get_going_display()}"


class CheckInExtra(models.Model):
    """Something done in the period that is not on the sheet, with a rough time."""

    checkin = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, related_name="extras", verbose_name=_("check-in")
    )
    text = models.CharField(
        _("what I did that is not on my sheet"), max_length=300, validators=[validate_single_line]
    )
    minutes_per_week = models.PositiveIntegerField(_("about how many minutes a week"), default=0)

    class Meta:
        verbose_name = _("work outside the sheet")
        verbose_name_plural = _("work outside the sheet")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="checkin_extra_has_text"),
            models.CheckConstraint(
                condition=Q(minutes_per_week__lte=MAX_MINUTES_PER_WEEK),
                name="checkin_extra_at_most_48_hours",
            ),
        ]

    def __str__(self):
        return self.text

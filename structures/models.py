import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import validate_single_line

# Erased accounts get the address erased-<id>@ERASED_EMAIL_DOMAIN (a reserved top-level domain,
# RFC 2606: no mail is ever delivered there).
ERASED_EMAIL_DOMAIN = "erased.invalid"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def managers_of(self, structure):
        """The active managers of `structure` (an instance or an id)."""
        return self.filter(
            memberships__structure=structure,
            memberships__capacity=Capacity.MANAGER,
            memberships__is_active=True,
        )


class User(AbstractBaseUser, PermissionsMixin):
    """A person, known by their e-mail address. What they may do is per structure (Membership)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(
        _("full name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    # Empty until the person chooses: the browser's language applies meanwhile, and e-mails
    # use the platform's default language.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("platform admin"),
        default=False,
        help_text=_("Platform admins manage structures and facilitators in the admin site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self):
        return self.get_full_name()

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def is_erased(self):
        """Anonymised at the person's request or after a long inactivity (www.privacy):
        what they wrote stays, under a neutral name shown in the reader's language."""
        return self.email.endswith("@" + ERASED_EMAIL_DOMAIN)

    def get_full_name(self):
        if self.is_erased:
            return str(_("Erased person"))
        return self.full_name or self.email

    def get_short_name(self):
        if self.is_erased:
            return self.get_full_name()
        return self.full_name.split(" ")[0] if self.full_name else self.email


class StructureKind(models.TextChoices):
    CHRS = "chrs", _("CHRS (shelter and social reintegration centre)")
    CAARUD = "caarud", _("CAARUD (harm reduction)")
    CSAPA = "csapa", _("CSAPA (addiction care)")
    DAY_CENTRE = "day_centre", _("Day centre")
    OUTREACH = "outreach", _("Outreach team")
    MENTAL_HEALTH = "mental_health", _("Mental-health service")
    GEM = "gem", _("GEM (mutual aid group)")
    ACT = "act", _("ACT (therapeutic housing)")
    FAMILY_HOUSE = "family_house", _("Pension de famille")
    OTHER = "other", _("Other")


class Structure(models.Model):
    """An organisation hosting peer work (CHRS, CAARUD, accueil de jour…)."""

    Kind = StructureKind

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind of structure"), max_length=20, choices=StructureKind, default=StructureKind.OTHER
    )
    city = models.CharField(
        _("city"), max_length=120, blank=True, validators=[validate_single_line]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Grows by one at every write to what the structure page shows besides its role sheets
    # (its fields, members, facilitators, invitations, and which roles it has), whoever
    # writes: kept by database triggers (core/counters.py). The page's cache is keyed on it and
    # on its sheets' counters (www/views.py).
    # db_default: rows inserted without the ORM (SQL, older migrations' models) start at 0 too.
    page_counter = models.PositiveBigIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="structure_name_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in StructureKind]), name="structure_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("structures:detail", kwargs={"slug": self.slug})


class Capacity(models.TextChoices):
    MANAGER = "manager", _("manager")
    PEER_WORKER = "peer_worker", _("peer worker")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A person's place in a structure. Deactivated rather than deleted, so history survives."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("structure")
    )
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity)
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="membership_unique_person"),
            models.CheckConstraint(
                condition=Q(capacity__in=[c.value for c in Capacity]),
                name="membership_capacity_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.structure} ({self.get_capacity_display()})"


class SupportQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))

    def current_for(self, user, structure_ref=None):
        """Supports of `user` in force today; `structure_ref` is an OuterRef to a structure id."""
        qs = self.current().filter(facilitator=user)
        if structure_ref is not None:
            qs = qs.filter(structure=structure_ref)
        return qs


class FacilitatorSupport(models.Model):
    """A platform facilitator accompanies a structure for a period."""

    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="supports",
        verbose_name=_("facilitator"),
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="supports", verbose_name=_("structure")
    )
    start_date = models.DateField(_("from"), default=timezone.localdate)
    end_date = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: ongoing."))

    objects = SupportQuerySet.as_manager()

    class Meta:
        verbose_name = _("facilitator support")
        verbose_name_plural = _("facilitator supports")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="support_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.facilitator} → {self.structure}"


def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def live(self):
        """Neither accepted nor replaced: at most one per address and structure."""
        return self.filter(accepted_at__isnull=True, replaced_at__isnull=True)

    def pending(self):
        """Live and not expired. Its SQL twin: structures.access.pending_invitations."""
        return self.live().filter(expires_at__gt=timezone.now())

    def for_token(self, token):
        return self.filter(token_hash=_hash_token(token))


class Invitation(models.Model):
    """An e-mailed link that lets a colleague join a structure. Only the token's hash is kept."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("structure")
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(
        _("full name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # Who accepted it: erasing them reaches the invitation even after they changed address.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    # A newer invitation to the same address replaced this one: its link no longer works.
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__in=[c.value for c in Capacity]),
                name="invitation_capacity_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            # Expiry cannot be part of an index condition: replacing is explicit.
            models.UniqueConstraint(
                "structure",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, replaced_at__isnull=True),
                name="invitation_one_live_per_address",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.structure}"

    def set_new_token(self):
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        return token

    @property
    def is_usable(self):
        return (
            self.accepted_at is None
            and self.replaced_at is None
            and self.expires_at > timezone.now()
        )

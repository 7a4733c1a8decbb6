from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.phones import mask_phone, national_number, normalize_phone


class AgeBand(models.TextChoices):
    """Age in bands, never a birth date or ID number: enough to match a children's class."""

    UNDER_6 = "0-5", _("Under 6")
    CHILD = "6-12", _("6 to 12")
    TEEN = "13-17", _("13 to 17")
    ADULT = "18-59", _("18 to 59")
    ELDER = "60+", _("60 and over")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, phone: str, password: str | None, **extra):
        user = self.model(phone=normalize_phone(phone), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, phone: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(phone, password, **extra)

    def create_superuser(self, phone: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a phone number. Neighbours know them only by display name."""

    phone = models.CharField(_("phone number"), max_length=20, unique=True)
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    display_name = models.CharField(
        _("display name"),
        max_length=30,
        help_text=_("The name neighbours see. No real name is needed."),
    )
    is_staff = models.BooleanField(_("admin site access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    age_band = models.CharField(
        _("age"),
        max_length=6,
        choices=AgeBand.choices,
        blank=True,
        help_text=_("Asked only when you sign up for an activity that has an age range."),
    )

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phone__regex=r"^\+[1-9][0-9]{6,14}$"),
                name="user_phone_e164",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.masked_phone})"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def national_phone(self) -> str:
        return national_number(self.phone)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class NotificationStream(models.Model):
    """Where a user's personal stream is up to. Its row lock orders their notifications:
    seq n+1 never commits before seq n, so a reader following `seq` misses nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user_id} at {self.seq}"


class Notification(models.Model):
    """An in-app notification, and the personal live stream's event log.

    `/ws/me/` sends these in `seq` order (per user, without gaps); a client that
    reconnects asks for everything after the last seq it saw, so nothing
    personal is lost.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    seq = models.BigIntegerField()
    type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-seq"]
        constraints = [
            models.UniqueConstraint(fields=["user", "seq"], name="notification_unique_seq"),
        ]
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} for {self.user_id}"

    def as_event(self) -> dict:
        return {
            "type": self.type,
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            **self.payload,
        }


class HouseholdMember(models.Model):
    """Someone a resident signs up for (a child, an elderly parent): a name and an age band."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="household"
    )
    name = models.CharField(_("name"), max_length=30)
    age_band = models.CharField(_("age"), max_length=6, choices=AgeBand.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="household_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

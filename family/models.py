"""Family proxy (代办): who may act for whom, the asks that lead there, and what was done.

A family member asks by the resident's phone number (`ProxyRequest`); the resident's code
by SMS, the resident's own approval or their grid worker's check in person turns it into a
`ProxyGrant`. A grid worker may also hold a grant for a resident of their grid who has no
phone (`AssistedResident`). Every write made while acting is a `ProxyAction`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.phones import national_number

CODE_ATTEMPTS_MAX = 5


class Via(models.TextChoices):
    SMS = "sms", _("code by text message")
    RESIDENT = "resident", _("the resident agreed")
    GRID_WORKER = "grid_worker", _("checked in person by the grid worker")
    STAFF_HELD = "staff_held", _("grid worker helps a resident with no phone")


class ProxyRequest(models.Model):
    """Someone asks to help the owner of a phone number. The number is kept as typed
    (normalised); `principal` is empty when no account has it, and the request then behaves
    exactly like any other (no one can learn from it whether a number is registered)."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        CONFIRMED = "confirmed", _("agreed")
        DECLINED = "declined", _("turned down")
        LOCKED = "locked", _("locked after too many wrong codes")
        WITHDRAWN = "withdrawn", _("withdrawn by the asker")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proxy_requests_made"
    )
    phone = models.CharField(_("phone number"), max_length=20)
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proxy_requests_received",
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("request to help")
        verbose_name_plural = _("requests to help")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "phone"],
                condition=Q(state="pending"),
                name="proxyrequest_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(principal=F("agent")), name="proxyrequest_not_self"
            ),
            models.CheckConstraint(
                condition=Q(code_attempts__lte=CODE_ATTEMPTS_MAX),
                name="proxyrequest_attempts_max",
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False),
                name="proxyrequest_decided_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["principal"], condition=Q(state="pending"), name="proxyrequest_pending_idx"
            ),
            models.Index(fields=["phone", "-created_at"], name="proxyrequest_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"request {self.pk} by {self.agent_id}"

    @property
    def national_phone(self) -> str:
        """The number as the asker typed it (they know it; nobody else is shown it)."""
        return national_number(self.phone)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.PENDING and self.expires_at > timezone.now()


class ProxyGrant(models.Model):
    """`agent` may act for `principal` until revoked (by either of them, or a cadre)."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proxy_grants_given"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proxy_grants_held"
    )
    via = models.CharField(_("agreed by"), max_length=12, choices=Via.choices)
    request = models.OneToOneField(
        ProxyRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="grant"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("family help")
        verbose_name_plural = _("family help")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["principal", "agent"],
                condition=Q(revoked_at__isnull=True),
                name="proxygrant_one_active",
            ),
            models.CheckConstraint(condition=~Q(principal=F("agent")), name="proxygrant_not_self"),
        ]
        indexes = [
            models.Index(
                fields=["agent"], condition=Q(revoked_at__isnull=True), name="proxygrant_agent_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} for {self.principal_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ProxyAction(models.Model):
    """One write made by `agent` in `principal`'s name, in plain words."""

    grant = models.ForeignKey(ProxyGrant, on_delete=models.CASCADE, related_name="actions")
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proxy_actions_done_for"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proxy_actions_done"
    )
    label = models.CharField(_("what was done"), max_length=120)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action done for someone")
        verbose_name_plural = _("actions done for someone")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["principal", "-id"], name="proxyaction_principal_idx"),
            models.Index(fields=["agent", "-id"], name="proxyaction_agent_idx"),
        ]

    def __str__(self) -> str:
        return self.label


class AssistedResident(models.Model):
    """A resident with no phone whom a grid worker registered and helps.

    Their account's phone is a placeholder in +999 (the ITU's reserved country code: no
    real line has it, so no text reaches anyone and nobody can sign in as them); the
    password is unusable. This row is how the portal knows not to text them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("resident with no phone")
        verbose_name_plural = _("residents with no phone")

    def __str__(self) -> str:
        return str(self.user_id)

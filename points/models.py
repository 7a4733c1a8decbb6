"""Points (积分): the ledger and its balances, and the rewards points are spent on.

The tables keep the names they had when the ledger lived in `residents` and the
rewards in `activities` (the move changed no row).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Community


class PointsAccount(models.Model):
    """A user's points balance: the running sum of their ledger, kept on one row whose
    lock orders concurrent earns and spends, and which the database never lets go below 0."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    balance = models.IntegerField(default=0)
    public = models.BooleanField(
        _("show my name on the points leaderboard"),
        default=False,
        help_text=_("Off by default: the leaderboard shows only those who chose to be named."),
    )

    class Meta:
        db_table = "residents_pointsaccount"
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="points_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.balance}"


class PointsEntry(models.Model):
    """One line of the points ledger (积分). Append-only: a mistake is undone by a new,
    reversing entry, never by editing or deleting one."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer service")
        AID = "aid", _("Mutual aid handover")
        REDEEM = "redeem", _("Reward redeemed")
        CORRECTION = "correction", _("Correction")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries"
    )
    amount = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    ref_type = models.CharField(max_length=30, blank=True)
    ref_id = models.BigIntegerField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "residents_pointsentry"
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="points_entry_not_zero"),
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="points_entry_balance_ok"
            ),
            # What earns points earns them once: one entry per handover, per shift attended.
            models.UniqueConstraint(
                fields=["user", "kind", "ref_type", "ref_id"],
                condition=models.Q(ref_id__isnull=False, kind__in=["volunteer", "aid", "redeem"]),
                name="points_entry_once",
            ),
        ]
        indexes = [models.Index(fields=["user", "-id"], name="points_entry_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.amount:+d} {self.kind}"


class Reward(models.Model):
    """Something a cadre lists for residents to spend points on, with stock."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="rewards")
    name = models.CharField(_("name"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    cost = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("in stock"))
    active = models.BooleanField(_("on offer"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "activities_reward"
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["cost", "id"]
        constraints = [models.CheckConstraint(condition=Q(cost__gt=0), name="reward_cost_positive")]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """Points spent on a reward; the resident shows the code when collecting it."""

    class State(models.TextChoices):
        REDEEMED = "redeemed", _("To collect")
        COLLECTED = "collected", _("Collected")

    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions"
    )
    cost = models.PositiveIntegerField()
    code = models.CharField(max_length=6)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REDEEMED)
    created_at = models.DateTimeField(default=timezone.now)
    collected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "activities_redemption"
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="redemption_user_idx")]

    def __str__(self) -> str:
        return f"{self.reward_id} {self.user_id} {self.state}"

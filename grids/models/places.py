"""Places (community → grid → micro-grid), who lives where, and who serves where."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.geo import map_point_constraint, map_point_fields

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by elders
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class Community(models.Model):
    """社区: run by a residents' committee; street and city are labels only."""

    name = models.CharField(_("name"), max_length=60)
    street = models.CharField(_("street"), max_length=60, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    latitude, longitude = map_point_fields()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["city", "street", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "street", "name"], name="community_unique_name"
            ),
            map_point_constraint("community_point"),
        ]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """网格: 200–300 households served by one grid worker, with its own board."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="grids")
    number = models.PositiveIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)
    grid_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grid worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grids_served",
    )
    join_code = models.CharField(
        _("join code"), max_length=16, unique=True, default=new_join_code, editable=False
    )
    join_code_rotated_at = models.DateTimeField(_("join code set at"), default=timezone.now)
    board_seq = models.BigIntegerField(
        default=0, editable=False, help_text="Last live-event number of this grid's board."
    )

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="grid_unique_number"),
        ]
        indexes = [models.Index(fields=["grid_worker"], name="grid_worker_idx")]

    def __str__(self) -> str:
        return f"{self.community.name} · {self.name}"


class MicroGrid(models.Model):
    """微网格: a building (楼栋) or stairwell (楼道), led by a building head (楼长)."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="micro_grids")
    label = models.CharField(_("building"), max_length=40)
    building_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("building head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="micro_grids_led",
    )
    latitude, longitude = map_point_fields()

    class Meta:
        verbose_name = _("micro-grid (building)")
        verbose_name_plural = _("micro-grids (buildings)")
        ordering = ["grid_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "label"], name="microgrid_unique_label"),
            map_point_constraint("microgrid_point"),
        ]
        indexes = [models.Index(fields=["building_head"], name="microgrid_head_idx")]

    def __str__(self) -> str:
        return f"{self.grid.name} · {self.label}"


class Membership(models.Model):
    """A resident living in a building of a grid. One open row per user: the home grid.

    Moving closes the old row (left_at, reason "moved") and opens a new one, so
    the history stays. `grid` repeats `micro_grid.grid` so member lists are one
    index scan.
    """

    class LeftReason(models.TextChoices):
        MOVED = "moved", _("moved to another grid or building")
        REMOVED = "removed", _("removed by grid staff")
        LEFT = "left", _("left")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="memberships")
    micro_grid = models.ForeignKey(MicroGrid, on_delete=models.PROTECT, related_name="memberships")
    unit = models.CharField(
        _("unit"),
        max_length=20,
        blank=True,
        help_text=_("Room number. Only grid staff can see it."),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    left_reason = models.CharField(
        _("reason for leaving"), max_length=10, choices=LeftReason.choices, blank=True
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-joined_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(left_at__isnull=True), name="membership_one_home_grid"
            ),
            models.CheckConstraint(
                condition=(Q(left_at__isnull=True) & Q(left_reason=""))
                | (Q(left_at__isnull=False) & ~Q(left_reason="")),
                name="membership_left_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["grid", "-joined_at", "-id"],
                condition=Q(left_at__isnull=True),
                name="membership_active_grid_idx",
            ),
            models.Index(fields=["user", "-joined_at"], name="membership_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.micro_grid_id}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VOLUNTEER = "volunteer", _("Volunteer")
    VOLUNTEER_LEAD = "volunteer_lead", _("Volunteer lead")
    BUILDING_HEAD = "building_head", _("Building head")
    GRID_WORKER = "grid_worker", _("Grid worker")
    CADRE = "cadre", _("Community cadre")


class RoleGrant(models.Model):
    """A community-wide role (cadre, volunteer). Revoking closes the row; history stays.

    Grid workers and building heads are the `grid_worker` / `building_head` of
    their grid and building; the services change those and log who did it.
    """

    COMMUNITY_ROLES = (Role.CADRE, Role.VOLUNTEER, Role.VOLUNTEER_LEAD)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="role_grants")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "community"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_one_active",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["cadre", "volunteer", "volunteer_lead"]),
                name="rolegrant_community_roles",
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "role"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} @ {self.community_id}"

"""Reports (随手拍 · 事件上报): a problem seen in the community, routed at once to the unit
that fixes it, followed through its deadlines to closure and the reporter's rating.

- `Category` (事件类型): what kind of problem, its default unit, its deadlines, whether
  its reports are public. Its `code` is the Open311 `service_code`.
- `HandlingUnit` (处置单位): property managers, the river crew, 城管, the street office;
  its staff are `UnitMember` rows; the communities it serves are `communities`.
- `RoutingRule`: category (or every category) × area (community, grid or building) →
  unit. The most specific rule wins (`reports.services.routing`).
- `Report` and its `ReportStep` timeline: every move with who and when.
- `ReportFollower`: people who said "我也遇到了 +1" (and the reporter) hear every update.
- `ReportStat`: weekly figures per community × grid × unit × category, kept in step by
  the services, read by the dashboards.
- `Open311Client`: a civic app that may POST requests with its `api_key`.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.geo import map_point_constraint, map_point_fields
from grids.models import Community, Grid, MicroGrid

DESCRIPTION_MAX_CHARS = 500
NOTE_MAX_CHARS = 300
MAX_PHOTOS = 4


class Category(models.Model):
    """事件类型. Seeded (`reports.categories.DEFAULTS`), editable in admin."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Stable identifier; the Open311 service_code."),
    )
    name = models.CharField(_("name"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    group = models.CharField(
        _("group"), max_length=40, blank=True, help_text=_("A heading that groups categories.")
    )
    default_unit = models.ForeignKey(
        "HandlingUnit",
        verbose_name=_("default unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Used when no routing rule matches; without it, the grid worker handles it."),
    )
    accept_hours = models.PositiveIntegerField(_("hours to accept"), default=4)
    close_hours = models.PositiveIntegerField(_("hours to close"), default=48)
    public_default = models.BooleanField(
        _("public by default"),
        default=True,
        help_text=_("Public reports appear on the grid's board. A noise complaint never should."),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accept_hours__gt=0) & Q(close_hours__gte=F("accept_hours")),
                name="reportcategory_deadlines",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CategoryAttribute(models.Model):
    """An extra question a category asks (Open311 service attributes)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLE = "singlevaluelist", _("One of a list")
        MULTI = "multivaluelist", _("Several of a list")

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("code"), max_length=40)
    description = models.CharField(_("question"), max_length=200)
    datatype = models.CharField(
        _("answer type"), max_length=20, choices=Datatype.choices, default=Datatype.STRING
    )
    required = models.BooleanField(_("required"), default=False)
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For lists: [{"key": "…", "name": "…"}, …].'),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        ordering = ["category_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="reportattr_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.code}"


class HandlingUnit(models.Model):
    """处置单位: answers to no one in the community in particular, so the platform holds
    it to its deadlines."""

    class Kind(models.TextChoices):
        PROPERTY = "property", _("Property management")
        RIVER = "river", _("River cleaning")
        URBAN = "urban", _("Urban management")
        STREET_OFFICE = "street_office", _("Street office")
        UTILITY = "utility", _("Utility or maintenance")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    phone = models.CharField(
        _("public phone"), max_length=20, blank=True, help_text=_("Shown to residents.")
    )
    communities = models.ManyToManyField(
        Community, verbose_name=_("communities served"), related_name="handling_units", blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class UnitMember(models.Model):
    """A staff account of a handling unit. Revoking closes the row."""

    unit = models.ForeignKey(HandlingUnit, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    added_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("unit staff")
        verbose_name_plural = _("unit staff")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "user"],
                condition=Q(revoked_at__isnull=True),
                name="unitmember_one_active",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="unitmember_user_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.unit_id}"


class RoutingRule(models.Model):
    """Category (blank: every category) × area → unit. The area is a community, one of its
    grids or one building; the most specific matching rule wins."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey(
        Grid, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    micro_grid = models.ForeignKey(
        MicroGrid,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    unit = models.ForeignKey(HandlingUnit, on_delete=models.CASCADE, related_name="rules")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["community_id", "category_id", "grid_id", "micro_grid_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(micro_grid__isnull=True) | Q(grid__isnull=False),
                name="routingrule_building_in_grid",
            ),
            models.UniqueConstraint(
                fields=["community", "grid", "micro_grid", "category"],
                nulls_distinct=False,
                name="routingrule_one_per_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} @ {self.micro_grid_id or self.grid_id or self.community_id}"


# The states in which a report still waits for someone (Report.OPEN_STATES), for the
# partial indexes of queues, dashboards and the sweep.
OPEN_Q = Q(state__in=["submitted", "dispatched", "accepted", "in_progress", "reopened", "returned"])


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Report(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("report state", "Submitted")
        DISPATCHED = "dispatched", pgettext_lazy("report state", "Dispatched")
        ACCEPTED = "accepted", pgettext_lazy("report state", "Accepted")
        IN_PROGRESS = "in_progress", pgettext_lazy("report state", "In progress")
        CLOSED = "closed", pgettext_lazy("report state", "Done")
        CONFIRMED = "confirmed", pgettext_lazy("report state", "Confirmed")
        REOPENED = "reopened", pgettext_lazy("report state", "Reopened")
        RETURNED = "returned", pgettext_lazy("report state", "Returned")
        WITHDRAWN = "withdrawn", pgettext_lazy("report state", "Withdrawn")

    # Waiting for the unit to accept; being handled; finished (for Open311: closed).
    WAITING = (State.DISPATCHED, State.REOPENED)
    OPEN_STATES = (
        State.SUBMITTED,
        State.DISPATCHED,
        State.ACCEPTED,
        State.IN_PROGRESS,
        State.REOPENED,
        State.RETURNED,
    )
    DONE_STATES = (State.CLOSED, State.CONFIRMED, State.WITHDRAWN)

    class Source(models.TextChoices):
        RESIDENT = "resident", _("A resident")
        PATROL = "patrol", _("Staff on patrol")
        OPEN311 = "open311", _("A civic app (Open311)")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    micro_grid = models.ForeignKey(
        MicroGrid, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    description = models.CharField(_("what is wrong"), max_length=DESCRIPTION_MAX_CHARS, blank=True)
    address = models.CharField(_("where"), max_length=120, blank=True)
    latitude, longitude = map_point_fields()
    attributes = models.JSONField(default=dict, blank=True)

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RESIDENT)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    client = models.ForeignKey(
        "Open311Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the unit may see of the reporter: a display name always, the contact only
    # when `contact_ok`.
    reporter_name = models.CharField(max_length=40, blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    contact_ok = models.BooleanField(_("the unit may contact me"), default=False)
    public = models.BooleanField(_("shown on the board"), default=True)

    state = models.CharField(max_length=12, choices=State.choices, default=State.SUBMITTED)
    unit = models.ForeignKey(
        HandlingUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    # Without a unit the grid's grid worker handles it (routing's last resort).
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_handled",
    )
    accept_due = models.DateTimeField(null=True, blank=True)
    close_due = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    result_note = models.CharField(max_length=NOTE_MAX_CHARS, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=NOTE_MAX_CHARS, blank=True)
    followers_count = models.PositiveIntegerField(default=1)
    token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Grows with every change: a page that saw version n knows a later push is newer.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            map_point_constraint("report_point"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__range=(1, 5)),
                name="report_rating_1_5",
            ),
            models.CheckConstraint(
                condition=Q(micro_grid__isnull=False) | Q(latitude__isnull=False) | ~Q(address=""),
                name="report_has_place",
            ),
        ]
        indexes = [
            # A unit's queue by deadline; the grid worker's when no unit.
            models.Index(
                fields=["unit", "close_due", "id"],
                condition=OPEN_Q,
                name="report_unit_queue_idx",
            ),
            models.Index(
                fields=["handler", "close_due", "id"],
                condition=OPEN_Q,
                name="report_handler_queue_idx",
            ),
            # Open reports of a community (dashboards' open/overdue figures, escalation).
            models.Index(
                fields=["community", "close_due"],
                # What the dashboards count by, in the index: an index-only scan instead
                # of one scattered table page per open report. It holds open reports
                # only, so building it (migration 0003) blocks writes for about a second
                # (0.97 s with 58,134 open of 1,000,000 in benchmarks/reports.py).
                include=["state", "accept_due", "created_at", "grid", "unit", "category"],
                condition=OPEN_Q,
                name="report_open_community_idx",
            ),
            models.Index(
                fields=["close_due"],
                condition=OPEN_Q,
                name="report_open_due_idx",
            ),
            models.Index(
                fields=["closed_at"], condition=Q(state="closed"), name="report_closed_idx"
            ),
            # Duplicates: same category, same community, recent and open.
            models.Index(fields=["category", "community", "-created_at"], name="report_dup_idx"),
            models.Index(fields=["reporter", "-created_at"], name="report_reporter_idx"),
            models.Index(fields=["community", "-created_at", "-id"], name="report_community_idx"),
            models.Index(fields=["grid", "-created_at", "-id"], name="report_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category_id} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if not self.is_open:
            return False
        if self.state in self.WAITING and self.accept_due and self.accept_due < now:
            return True
        return bool(self.close_due and self.close_due < now)

    def confirm_due(self):
        if self.state != self.State.CLOSED or self.closed_at is None:
            return None
        return self.closed_at + timedelta(hours=settings.REPORTS_AUTO_CONFIRM_HOURS)


class ReportPhoto(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("As reported")
        RESULT = "result", _("After the work")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.REPORT)
    position = models.PositiveSmallIntegerField(default=0)
    image = models.CharField(max_length=200)
    thumb = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["report_id", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "position"], name="reportphoto_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.position}"

    @property
    def url(self) -> str:
        return default_storage.url(self.image)

    @property
    def thumb_url(self) -> str:
        return default_storage.url(self.thumb)


class ReportStep(models.Model):
    """One move of a report, with who and when: the timeline both sides read."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("report state", "Submitted")
        DISPATCHED = "dispatched", pgettext_lazy("report state", "Dispatched")
        ACCEPTED = "accepted", pgettext_lazy("report state", "Accepted")
        PROGRESS = "progress", _("Progress update")
        CLOSED = "closed", pgettext_lazy("report state", "Done")
        CONFIRMED = "confirmed", _("Confirmed by the reporter")
        AUTO_CONFIRMED = "auto_confirmed", _("Confirmed automatically")
        REOPENED = "reopened", _("Not fixed: sent back")
        RETURNED = "returned", _("Returned by the unit")
        REROUTED = "rerouted", _("Passed to another unit")
        ESCALATED = "escalated", _("Overdue: escalated")
        RATED = "rated", _("Rated")
        FOLLOWED = "followed", _("Someone else saw it too")
        WITHDRAWN = "withdrawn", _("Withdrawn by the reporter")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=16, choices=Action.choices)
    state = models.CharField(max_length=12, choices=Report.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What others are shown of who acted: "王阿姨", "河道保洁队", "系统".
    actor_label = models.CharField(max_length=60, blank=True)
    unit = models.ForeignKey(
        HandlingUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=NOTE_MAX_CHARS, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report_id", "id"]
        indexes = [models.Index(fields=["report", "id"], name="reportstep_report_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


class ReportFollower(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_followed"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="reportfollower_unique"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="reportfollower_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.report_id}"


class ReportStat(models.Model):
    """Weekly figures for one community × grid × unit × category, kept in step by the
    services in the same transaction as the report's change (`reports.services.stats`).
    Dashboards add rows up instead of scanning reports.

    `close_hours_hist[i]` counts closures that took hours in bucket i of
    `reports.services.stats.HOUR_BUCKETS`: the median is read off it.
    """

    week = models.DateField()  # the Monday (Asia/Shanghai) the counted event fell in
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        HandlingUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    close_hours_hist = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "community", "grid", "unit", "category"],
                nulls_distinct=False,
                name="reportstat_one_row",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "week"], name="reportstat_community_idx"),
            models.Index(fields=["unit", "week"], name="reportstat_unit_idx"),
            models.Index(fields=["grid", "week"], name="reportstat_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.community_id}/{self.grid_id}/{self.unit_id}/{self.category_id}"


class Open311Client(models.Model):
    """A civic app allowed to POST service requests. Only a hash of its key is kept: a
    cadre sees the key once, when issuing it in admin."""

    name = models.CharField(_("name"), max_length=60)
    community = models.ForeignKey(
        Community,
        verbose_name=_("community (jurisdiction)"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(_("key begins"), max_length=8, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name

"""Activities (活动) and volunteer service (志愿服务): sign-ups with exact capacity and a
waitlist, check-in, volunteer hours; and the rewards that points (积分) are spent on.

Every activity has one or more slots: a class or an event has one, a volunteer
service has one per shift and role. Capacity is held on the slot row: a sign-up
takes the slot's row lock, so concurrent sign-ups queue and `confirmed` never
passes `capacity` (a CheckConstraint says so too).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Community, Grid
from residents.models import AgeBand, HouseholdMember


class Activity(models.Model):
    class Kind(models.TextChoices):
        CLASS = "class", _("Class")
        EVENT = "event", _("Community event")
        VOLUNTEER = "volunteer", _("Volunteer service")

    class Audience(models.TextChoices):
        ALL = "all", _("All residents")
        AGE = "age", _("An age range")
        ELDERLY = "elderly", _("Elderly residents (60+)")
        VOLUNTEERS = "volunteers", _("Volunteers only")

    class State(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="activities")
    grids = models.ManyToManyField(
        Grid,
        blank=True,
        related_name="activities",
        help_text=_("Leave empty for the whole community."),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activities_organised"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CLASS)
    title = models.CharField(_("title"), max_length=60)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    place = models.CharField(_("place"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    signup_opens_at = models.DateTimeField(_("sign-up opens"), default=timezone.now)
    signup_closes_at = models.DateTimeField(_("sign-up closes"))
    cancel_until = models.DateTimeField(_("cancel until"))
    audience = models.CharField(
        _("who may join"), max_length=12, choices=Audience.choices, default=Audience.ALL
    )
    age_bands = models.CharField(
        _("age bands"),
        max_length=40,
        blank=True,
        help_text="For an age range: the bands that may join, as ',6-12,13-17,' (searchable).",
    )
    waitlist = models.BooleanField(_("keep a waitlist"), default=True)
    points_per_hour = models.PositiveSmallIntegerField(_("points per hour"), default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    checkin_secret = models.CharField(max_length=32, editable=False)
    version = models.BigIntegerField(default=0, help_text="Grows with every seat change.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends"),
            models.CheckConstraint(
                condition=Q(signup_closes_at__lte=F("ends_at"))
                & Q(signup_opens_at__lte=F("signup_closes_at")),
                name="activity_signup_window",
            ),
            models.CheckConstraint(
                condition=Q(cancel_until__lte=F("ends_at")), name="activity_cancel_until"
            ),
        ]
        indexes = [
            models.Index(
                fields=["community", "starts_at"],
                condition=Q(state="published"),
                name="activity_upcoming_idx",
            ),
            models.Index(fields=["organiser", "-starts_at"], name="activity_organiser_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def age_band_list(self) -> list[str]:
        return [b for b in self.age_bands.split(",") if b]

    @property
    def is_series(self) -> bool:
        return self.repeat_of_id is not None


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField()
    image = models.CharField(max_length=200)
    thumb = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "position"], name="activityphoto_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.image


class Slot(models.Model):
    """Places that can be signed up for: the whole class, or one volunteer shift of a role."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="slots")
    role = models.CharField(
        _("role"), max_length=30, blank=True, help_text=_("For volunteer shifts: 守门员, 宣传员 …")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    confirmed = models.PositiveIntegerField(default=0)
    waitlisted = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="slot_capacity_positive"),
            models.CheckConstraint(
                condition=Q(confirmed__lte=F("capacity")), name="slot_never_overfull"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends"),
        ]
        indexes = [models.Index(fields=["activity", "starts_at"], name="slot_activity_idx")]

    def __str__(self) -> str:
        return f"{self.role or self.activity_id} {self.starts_at:%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.confirmed)

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


class SignUp(models.Model):
    """One person in one slot: the account holder, or a household member they signed up."""

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    ACTIVE_STATES = (State.CONFIRMED, State.WAITLISTED, State.ATTENDED, State.NO_SHOW)
    # States that hold a place: what the slot's `confirmed` counts.
    HELD_STATES = (State.CONFIRMED, State.ATTENDED, State.NO_SHOW)

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="signups")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signups"
    )
    member = models.ForeignKey(
        HouseholdMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    participant = models.CharField(
        max_length=32, help_text="'self' or 'member-<id>': who this place is for."
    )
    participant_name = models.CharField(_("name"), max_length=30)
    age_band = models.CharField(_("age"), max_length=6, choices=AgeBand.choices, blank=True)
    state = models.CharField(max_length=12, choices=State.choices)
    late = models.BooleanField(_("late"), default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user", "participant"],
                condition=Q(state__in=["confirmed", "waitlisted", "attended", "no_show"]),
                name="signup_once_per_slot",
            ),
        ]
        indexes = [
            models.Index(
                fields=["slot", "id"], condition=Q(state="waitlisted"), name="signup_waitlist_idx"
            ),
            models.Index(fields=["activity", "state"], name="signup_activity_idx"),
            models.Index(fields=["user", "-created_at"], name="signup_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_name} {self.state}"


class Reminder(models.Model):
    """A reminder due before an activity starts. `sent_at` is set by the one send that
    wins the conditional update, so a reminder goes out once however often it is run."""

    class Kind(models.TextChoices):
        DAY = "day", _("The day before")
        HOUR = "hour", _("An hour before")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "kind"], name="reminder_once"),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(sent_at__isnull=True), name="reminder_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.kind}"


class CheckInMiss(models.Model):
    """Wrong check-in codes one person sent for one activity. At `TRIES` their check-in by
    code is locked and the organiser ticks them on the list instead. Only a conditional
    UPDATE raises `misses`, so concurrent guesses cannot pass the limit."""

    TRIES = 5

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    misses = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="checkinmiss_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.activity_id}: {self.misses}"

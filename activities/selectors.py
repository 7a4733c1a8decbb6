"""Reads that matter for activities and points: lists, a page's detail, attendees,
the points a check-in credited. Each is a fixed number of queries whatever the size."""

from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities import permissions
from activities.models import Activity, ActivityPhoto, SignUp, Slot
from grids.models import Grid, Role, RoleGrant
from points.selectors import points_history
from residents.models import AgeBand, HouseholdMember, User


def _slot_sum(field: str) -> Subquery:
    return Subquery(
        Slot.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(total=Sum(field))
        .values("total"),
        output_field=IntegerField(),
    )


def with_seats(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """Annotate places (`capacity_total`, `confirmed_total`) in the same query."""
    return activities.annotate(
        capacity_total=Coalesce(_slot_sum("capacity"), 0),
        confirmed_total=Coalesce(_slot_sum("confirmed"), 0),
    )


def visible_to(viewer: User) -> QuerySet[Activity]:
    through = Activity.grids.through
    grid_ids = permissions.home_grid_ids(viewer)
    served = list(Grid.objects.filter(grid_worker=viewer).values_list("pk", flat=True))
    all_grids = grid_ids + served
    communities = Grid.objects.filter(pk__in=all_grids).values("community_id")
    cadre_of = RoleGrant.objects.filter(
        user=viewer, role=Role.CADRE, revoked_at__isnull=True
    ).values("community_id")
    scoped = through.objects.filter(activity_id=OuterRef("pk"))
    if viewer.is_superuser:
        return Activity.objects.all()
    return Activity.objects.filter(
        Q(organiser=viewer)
        | Q(community_id__in=cadre_of)
        | (~Exists(scoped) & Q(community_id__in=communities))
        | Q(pk__in=through.objects.filter(grid_id__in=all_grids).values("activity_id"))
    )


def activities_upcoming(
    *,
    viewer: User,
    kind: str | None = None,
    age_band: str | None = None,
    day_from: date | None = None,
    day_to: date | None = None,
    include_past: bool = False,
) -> QuerySet[Activity]:
    """Activities the viewer may see, soonest first (not yet ended unless asked),
    filtered by kind, by who may join (an age band) and by date."""
    now = timezone.now()
    qs = visible_to(viewer).filter(state=Activity.State.PUBLISHED)
    if not include_past:
        qs = qs.filter(ends_at__gt=now)
    if kind:
        qs = qs.filter(kind=kind)
    if age_band:
        allowed = Q(audience=Activity.Audience.ALL) | Q(
            audience=Activity.Audience.AGE, age_bands__contains=f",{age_band},"
        )
        if age_band == AgeBand.ELDER:
            allowed |= Q(audience=Activity.Audience.ELDERLY)
        qs = qs.filter(allowed)
    tz = timezone.get_current_timezone()
    if day_from:
        qs = qs.filter(starts_at__gte=datetime.combine(day_from, time.min, tzinfo=tz))
    if day_to:
        end = datetime.combine(day_to + timedelta(days=1), time.min, tzinfo=tz)
        qs = qs.filter(starts_at__lt=end)
    first_photo = ActivityPhoto.objects.filter(activity=OuterRef("pk")).order_by("position")
    return (
        with_seats(qs)
        .annotate(cover=Subquery(first_photo.values("thumb")[:1]))
        .select_related("community", "organiser")
        .order_by("starts_at", "id")
    )


def activity_detail(*, activity_id: int) -> Activity | None:
    return (
        Activity.objects.filter(pk=activity_id)
        .select_related("community", "organiser")
        .prefetch_related("slots", "photos", "grids")
        .first()
    )


def series_of(activity: Activity) -> list[Activity]:
    """The other dates of a repeated activity (weekly class), upcoming ones."""
    root = activity.repeat_of_id or activity.pk
    return list(
        Activity.objects.filter(
            Q(pk=root) | Q(repeat_of_id=root),
            state=Activity.State.PUBLISHED,
            ends_at__gt=timezone.now(),
        )
        .exclude(pk=activity.pk)
        .order_by("starts_at")[:12]
    )


def my_signups(*, user: User, activity_id: int | None = None) -> QuerySet[SignUp]:
    qs = SignUp.objects.filter(user=user).exclude(state=SignUp.State.CANCELLED)
    if activity_id is not None:
        qs = qs.filter(activity_id=activity_id)
    return qs.select_related("activity", "slot").order_by("slot__starts_at", "id")


def signed_up_among(*, user: User, activity_ids: list[int]) -> set[int]:
    """Which of these activities the user (or their household) has a place in."""
    return set(
        my_signups(user=user)
        .filter(activity_id__in=activity_ids)
        .values_list("activity_id", flat=True)
    )


def feed_owner(user_id: int | None) -> User | None:
    """The active account a calendar feed token names."""
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def points_for_signups(*, user: User, signup_ids: list[int]) -> int:
    """Points these sign-ups (attended volunteer shifts) credited to the user."""
    return (
        points_history(user)
        .filter(ref_type="activity.signup", ref_id__in=signup_ids)
        .aggregate(n=Sum("amount"))["n"]
        or 0
    )


def household_of(user: User) -> list[HouseholdMember]:
    return list(HouseholdMember.objects.filter(owner=user).order_by("id"))


def attendees(*, activity: Activity) -> QuerySet[SignUp]:
    """Everyone signed up, by shift then state then order of arrival."""
    return (
        SignUp.objects.filter(activity=activity)
        .exclude(state=SignUp.State.CANCELLED)
        .select_related("user", "slot")
        .order_by("slot__starts_at", "slot_id", "state", "id")
    )


def attendance_summary(*, activity: Activity) -> dict:
    counts = dict(
        SignUp.objects.filter(activity=activity)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    attended = counts.get(SignUp.State.ATTENDED, 0)
    no_show = counts.get(SignUp.State.NO_SHOW, 0)
    decided = attended + no_show
    return {
        "confirmed": counts.get(SignUp.State.CONFIRMED, 0),
        "waitlisted": counts.get(SignUp.State.WAITLISTED, 0),
        "cancelled": counts.get(SignUp.State.CANCELLED, 0),
        "attended": attended,
        "no_show": no_show,
        "late": SignUp.objects.filter(activity=activity, late=True)
        .exclude(state=SignUp.State.CANCELLED)
        .count(),
        "rate": round(100 * attended / decided) if decided else None,
    }


def volunteer_hours(user: User) -> float:
    total = SignUp.objects.filter(user=user, state=SignUp.State.ATTENDED).aggregate(h=Sum("hours"))[
        "h"
    ]
    return float(total or 0)


def volunteer_hours_summary(user: User) -> dict[str, float]:
    """Activities' part of a person's points summary (registered in apps.py)."""
    return {"volunteer_hours": volunteer_hours(user)}

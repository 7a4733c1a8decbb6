"""Who may organise, see, join and run an activity. API and pages both use these.

- Cadres of a community (and admins) organise there, and appoint volunteer leads
  (a community role) who may organise too.
- An activity is seen by members and staff of the grids it is scoped to (all of
  the community's grids when none are chosen); to anyone else it does not exist.
- Its organiser and the community's cadres run it (attendees, check-in, export).
- Who may join depends on its audience: everyone, an age range, the elderly, or
  volunteers (a volunteer or volunteer-lead role in the community).
"""

from django.utils.translation import gettext_lazy as _

from activities.errors import NotAllowed, NotFound, SignUpRefused
from activities.models import Activity
from grids.models import Community, Grid, Membership, Role, RoleGrant
from grids.permissions import can_manage_community, is_admin
from residents.models import AgeBand, User


def _has_role(user: User, community_id: int, roles) -> bool:
    return RoleGrant.objects.filter(
        user=user, community_id=community_id, role__in=roles, revoked_at__isnull=True
    ).exists()


def can_organise(user: User, community: Community) -> bool:
    if not user.is_authenticated:
        return False
    return can_manage_community(user, community) or _has_role(
        user, community.pk, [Role.VOLUNTEER_LEAD]
    )


def require_organise(user: User, community: Community | None) -> Community:
    if community is not None and can_organise(user, community):
        return community
    raise NotAllowed(_("Only community cadres and the volunteer leads they appoint can do this."))


def can_run(user: User, activity: Activity) -> bool:
    """The organiser, the community's cadres and admins run an activity."""
    if not user.is_authenticated:
        return False
    return activity.organiser_id == user.pk or can_manage_community(user, activity.community)


def home_grid_ids(user: User) -> list[int]:
    return list(
        Membership.objects.filter(user=user, left_at__isnull=True).values_list("grid_id", flat=True)
    )


def can_view(user: User, activity: Activity) -> bool:
    if not user.is_authenticated:
        return False
    if is_admin(user) or can_run(user, activity):
        return True
    grid_ids = set(home_grid_ids(user)) | set(
        Grid.objects.filter(grid_worker=user).values_list("pk", flat=True)
    )
    scoped = set(activity.grids.values_list("pk", flat=True))
    if scoped:
        return bool(scoped & grid_ids)
    return Grid.objects.filter(pk__in=grid_ids, community_id=activity.community_id).exists()


def require_view(user: User, activity: Activity | None) -> Activity:
    if activity is not None and can_view(user, activity):
        return activity
    raise NotFound(_("No such activity here."))


def require_run(user: User, activity: Activity | None) -> Activity:
    activity = require_view(user, activity)
    if not can_run(user, activity):
        raise NotAllowed(_("Only the organiser and community cadres can do this."))
    return activity


def is_volunteer(user: User, community_id: int) -> bool:
    return _has_role(user, community_id, [Role.VOLUNTEER, Role.VOLUNTEER_LEAD, Role.CADRE])


def require_may_join(user: User, activity: Activity, *, age_band: str, for_self: bool) -> None:
    """The activity's audience rule, for the person a place is taken for."""
    audience = activity.audience
    if audience == Activity.Audience.VOLUNTEERS:
        if not for_self:
            raise SignUpRefused(_("Volunteer service is signed up for by volunteers themselves."))
        if not is_volunteer(user, activity.community_id):
            raise SignUpRefused(
                _("This is for registered volunteers. Ask your grid worker how to become one.")
            )
    elif audience == Activity.Audience.ELDERLY and age_band != AgeBand.ELDER:
        raise SignUpRefused(_("This activity is for residents aged 60 and over."))
    elif audience == Activity.Audience.AGE and age_band not in activity.age_band_list:
        labels = "、".join(str(AgeBand(b).label) for b in activity.age_band_list)
        raise SignUpRefused(
            _("This activity is for ages %(bands)s. Choose who the place is for.")
            % {"bands": labels}
        )

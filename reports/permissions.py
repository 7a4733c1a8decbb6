"""Who may do what with reports, once, for API and pages.

- anyone in a grid (member or staff) reports there; staff of a unit report on patrol
  anywhere their unit serves;
- the reporter (and followers) read their report; a public report is read by its grid's
  members; a private one only by its reporter, its handlers and the community's staff;
- a report's handlers are the active staff of its unit, or its grid worker when it has
  no unit; they accept, update, close and return it;
- the community's cadres (and admins) re-route, see dashboards and every report;
- grid workers see their grid's reports and dashboard.
"""

from django.utils.translation import gettext as _

from grids.models import Community, Grid, Role, RoleGrant
from grids.permissions import can_manage_community, can_manage_grid, is_admin, is_member
from grids.selectors.rows import Sql, prepared_cursor, reader
from reports.errors import NotAllowed, NotFound
from reports.models import HandlingUnit, Report, UnitMember
from residents.models import User

# The units a user is active staff of and the communities they are a cadre of, in one
# statement: as two ORM querysets in a union it cost a millisecond of Python to compile,
# more than a queue page's own statement.
_ROLES = Sql(
    """SELECT false, unit_id FROM {member} WHERE user_id = %s AND revoked_at IS NULL
    UNION ALL
    SELECT true, community_id FROM {grant}
    WHERE user_id = %s AND role = %s AND revoked_at IS NULL""",
    member=UnitMember,
    grant=RoleGrant,
)


def _roles(user: User) -> tuple[set[int], set[int]]:
    """The user's units and cadre communities, read once per request (a queue page asks
    both of each report)."""
    cached = getattr(user, "_report_roles", None)
    if cached is None:
        cached = (set(), set())
        if user.is_authenticated:
            db = reader(UnitMember)
            with prepared_cursor(db) as cursor:
                cursor.execute(_ROLES.text(db), [user.pk, user.pk, Role.CADRE])
                for is_cadre, pk in cursor.fetchall():
                    cached[is_cadre].add(pk)
        user._report_roles = cached
    return cached


def unit_ids_of(user: User) -> set[int]:
    return _roles(user)[0]


def cadre_communities(user: User) -> set[int]:
    """Communities the user is a cadre of."""
    return _roles(user)[1]


def is_unit_staff(user: User, unit_id: int | None) -> bool:
    return unit_id is not None and unit_id in unit_ids_of(user)


def can_handle(user: User, report: Report) -> bool:
    """Its unit's staff; its grid worker when it has no unit; admins."""
    if is_admin(user):
        return True
    if report.unit_id is not None:
        return is_unit_staff(user, report.unit_id)
    return report.handler_id is not None and report.handler_id == user.pk


def can_oversee(user: User, report: Report) -> bool:
    """Re-route, see the reporter's contact when allowed, the whole timeline: the
    community's cadres, the grid's grid worker, admins."""
    return can_manage_grid(user, report.grid)


def can_read(user: User, report: Report) -> bool:
    if not user.is_authenticated:
        return False
    if report.reporter_id == user.pk or can_handle(user, report) or can_oversee(user, report):
        return True
    if report.followers.filter(user=user).exists():
        return True
    return report.public and is_member(user, report.grid)


def require_read(user: User, report: Report | None) -> Report:
    if report is None or not can_read(user, report):
        raise NotFound(_("No such report."))
    return report


def require_handle(user: User, report: Report) -> Report:
    if can_handle(user, report):
        return report
    require_read(user, report)
    raise NotAllowed(_("Only the unit handling this report can do this."))


def require_oversee(user: User, report: Report) -> Report:
    if can_oversee(user, report):
        return report
    require_read(user, report)
    raise NotAllowed(_("Only the community's cadres and the grid worker can pass a report on."))


def require_reporter(user: User, report: Report) -> Report:
    if report.reporter_id == user.pk:
        return report
    require_read(user, report)
    raise NotAllowed(_("Only the person who reported this can do this."))


def can_report_in(user: User, grid: Grid) -> bool:
    """Members and staff of the grid, and the staff of a unit serving its community."""
    if is_member(user, grid) or can_manage_grid(user, grid):
        return True
    return HandlingUnit.objects.filter(
        pk__in=unit_ids_of(user), communities=grid.community_id, active=True
    ).exists()


def require_manage_community(user: User, community: Community | None) -> Community:
    """A community's cadres (and admins) see its open reports and pass them on; to
    anyone else it does not exist (404)."""
    if community is None or not can_manage_community(user, community):
        raise NotFound(_("No such community."))
    return community


def can_see_community_dashboard(user: User, community: Community) -> bool:
    return can_manage_community(user, community)


def require_unit_staff(user: User, unit: HandlingUnit | None) -> HandlingUnit:
    if unit is not None and (is_admin(user) or is_unit_staff(user, unit.pk)):
        return unit
    raise NotFound(_("No such unit."))

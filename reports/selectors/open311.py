"""What a civic app may read: the categories, and the public reports of one community.

Privacy: only reports that are public and of a public category are ever read here; a
private one is as absent as one that does not exist. Nothing of the reporter is read.

A list is one query for the reports (on `report_community_idx`: community, newest first,
bounded by the date window and REQUESTS_MAX) and one for their first photos, whatever
its length.
"""

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core.api import id_parse
from grids.models import Community
from reports.errors import NotFound, ReportInvalid
from reports.models import Category, Report, ReportPhoto

REQUESTS_MAX = 1000
STATUSES = {"open": Report.OPEN_STATES, "closed": Report.DONE_STATES}


def jurisdiction_resolve(raw: str | None) -> int:
    """The community asked about. `jurisdiction_id` may be left out only while the
    portal serves one community."""
    if raw is None or str(raw).strip() == "":
        ids = list(Community.objects.order_by("pk").values_list("pk", flat=True)[:2])
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise NotFound(_("No community is served here yet."))
        raise ReportInvalid(_("Say which community: jurisdiction_id is required."))
    pk = id_parse(raw)
    if pk is None or not Community.objects.filter(pk=pk).exists():
        raise NotFound(_("There is no community with this jurisdiction_id."))
    return pk


def services() -> QuerySet:
    return Category.objects.filter(active=True).prefetch_related("attributes")


def service(code: str) -> Category:
    found = services().filter(code=str(code)[:40]).first()
    if found is None:
        raise NotFound(_("There is no service with this service_code."))
    return found


def _public(community_id: int) -> QuerySet:
    return (
        Report.objects.filter(community_id=community_id, public=True, category__public_default=True)
        .select_related("category", "unit", "micro_grid")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=ReportPhoto.objects.filter(kind=ReportPhoto.Kind.REPORT).order_by(
                    "position"
                ),
                to_attr="report_photos",
            )
        )
    )


def requests_public(
    *,
    community_id: int,
    ids: list[int] | None = None,
    codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
) -> list[Report]:
    """Public reports of a community, newest first, at most REQUESTS_MAX. Asked by id,
    only the ids count (as the spec says); otherwise those made in [start, end], of
    `codes` and in `statuses` when given."""
    reports = _public(community_id)
    if ids is not None:
        reports = reports.filter(pk__in=ids)
    else:
        reports = reports.filter(created_at__gte=start, created_at__lte=end)
        if codes:
            reports = reports.filter(category__code__in=codes)
        if statuses:
            reports = reports.filter(
                state__in=[state for status in statuses for state in STATUSES[status]]
            )
    return list(reports.order_by("-created_at", "-id")[:REQUESTS_MAX])


def request_public(*, community_id: int, request_id) -> Report:
    pk = id_parse(request_id)
    report = _public(community_id).filter(pk=pk).first() if pk else None
    if report is None:
        raise NotFound(_("There is no service request with this id."))
    return report


def request_id_for_token(*, community_id: int, token: str) -> int:
    token = str(token or "")
    found = None
    if 0 < len(token) <= Report._meta.get_field("token").max_length:
        found = (
            Report.objects.filter(community_id=community_id, token=token)
            .values_list("pk", flat=True)
            .first()
        )
    if found is None:
        raise NotFound(_("There is no service request with this token."))
    return found


def codes_check(codes: list[str]) -> list[str]:
    """The service codes of a filter, every one known (one query)."""
    codes = sorted({code.strip()[:40] for code in codes if code.strip()})
    if codes and Category.objects.filter(code__in=codes).count() != len(codes):
        raise ReportInvalid(_("There is no service with this service_code."))
    return codes

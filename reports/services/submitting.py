"""A new report: where it is, what it is, routed and deadlined in the same transaction;
and "我也遇到了 +1" on one that is already open.

Duplicates: an open report of the same category in the same community, made in the last
REPORTS_DUPLICATE_HOURS, at the same building or within REPORTS_DUPLICATE_METRES of the
new point, is offered first (`similar_open`). `report_create` refuses with
`report_duplicate` (409) while there is one, unless the person says theirs is different
(`not_duplicate`); `report_follow` subscribes them to the open one instead.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from core.geo import distance_m, point
from core.photos import PreparedPhoto, photo_files, photo_prepare
from grids.models import Grid, Membership, MicroGrid, PostKind
from grids.permissions import can_manage_grid
from grids.services.posts import card_post_create
from reports import events, permissions
from reports.errors import (
    Conflict,
    NotFound,
    ReportInvalid,
    ReportNoGrid,
    ReportNoPlace,
)
from reports.models import (
    DESCRIPTION_MAX_CHARS,
    MAX_PHOTOS,
    Category,
    Open311Client,
    Report,
    ReportFollower,
    ReportPhoto,
    ReportStep,
)
from reports.services import routing, states, stats
from residents.models import User

# Degrees of latitude per metre, to narrow the duplicate search before exact distances.
DEG_PER_M = 1 / 111_000


class ReportDuplicate(Conflict):
    code = "report_duplicate"

    def __init__(self, report_ids: list[int]):
        super().__init__(
            _(
                "Someone has already reported this. Add yourself to it (+1) to hear every "
                "update, or say that yours is a different problem."
            )
        )
        self.report_ids = report_ids
        self.extra = {"report_ids": report_ids}


@dataclass(frozen=True)
class Place:
    grid: Grid
    micro_grid: MicroGrid | None
    latitude: Decimal | None
    longitude: Decimal | None
    address: str


def _coordinate(value, low: int, high: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ReportInvalid(_("The map point is not a valid position.")) from None
    if not number.is_finite() or not low <= number <= high:
        raise ReportInvalid(_("The map point is not a valid position."))
    return number


def place_resolve(
    *,
    actor: User | None,
    grid_id: int | None = None,
    micro_grid_id: int | None = None,
    latitude=None,
    longitude=None,
    address: str = "",
    community_id: int | None = None,
) -> Place:
    """Where a report is: a building (whose grid it is in), a map point, or words.

    The grid is the building's; else the one named; else the reporter's home grid; else
    (a civic app's request, a point only) the grid of the nearest building of the
    community with a point, or its first grid.
    """
    address = (address or "").strip()
    if len(address) > Report._meta.get_field("address").max_length:
        raise ReportInvalid(_("Please describe the place in under 120 characters."))
    lat = _coordinate(latitude, -90, 90)
    lng = _coordinate(longitude, -180, 180)
    if (lat is None) != (lng is None):
        raise ReportInvalid(_("A map point needs both latitude and longitude."))
    micro_grid = None
    if micro_grid_id is not None:
        micro_grid = (
            MicroGrid.objects.select_related("grid__community").filter(pk=micro_grid_id).first()
        )
        if micro_grid is None or (community_id and micro_grid.grid.community_id != community_id):
            raise ReportInvalid(_("No such building."))
        grid = micro_grid.grid
        if grid_id is not None and grid_id != grid.pk:
            raise ReportInvalid(_("That building is not in this grid."))
    elif grid_id is not None:
        grid = Grid.objects.select_related("community").filter(pk=grid_id).first()
        if grid is None or (community_id and grid.community_id != community_id):
            raise NotFound(_("No such grid."))
    elif community_id is not None:
        grid = _grid_near(community_id, lat, lng)
        if grid is None:
            raise NotFound(_("This community has no grids yet."))
    else:
        home = (
            Membership.objects.select_related("grid__community")
            .filter(user=actor, left_at__isnull=True)
            .first()
        )
        if home is None:
            raise ReportNoGrid()
        grid = home.grid
    if micro_grid is None and lat is None and not address:
        raise ReportNoPlace()
    return Place(grid=grid, micro_grid=micro_grid, latitude=lat, longitude=lng, address=address)


def _grid_near(community_id: int, lat: Decimal | None, lng: Decimal | None) -> Grid | None:
    grids = Grid.objects.select_related("community").filter(community_id=community_id)
    if lat is not None:
        here = point(lat, lng)
        buildings = MicroGrid.objects.filter(
            grid__community_id=community_id, latitude__isnull=False
        ).values_list("grid_id", "latitude", "longitude")
        nearest = min(buildings, key=lambda b: distance_m(here, point(b[1], b[2])), default=None)
        if nearest is not None:
            return grids.get(pk=nearest[0])
    return grids.order_by("number").first()


def similar_open(
    *,
    actor: User | None,
    category: Category,
    place: Place,
    now=None,
    exclude: int | None = None,
) -> list[Report]:
    """Open reports that are probably the same problem, nearest first (at most 3): public
    ones of the same grid, which the person may read and +1, and their own. A private
    report (a noise complaint) is offered only to the person who made it: no one learns
    from it that a neighbour complained."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.REPORTS_DUPLICATE_HOURS)
    metres = settings.REPORTS_DUPLICATE_METRES
    recent = (
        Report.objects.filter(
            category=category,
            community_id=place.grid.community_id,
            created_at__gte=since,
            state__in=Report.OPEN_STATES,
        )
        .exclude(pk=exclude)
        # What the person may read and +1: public reports of this grid (the board's
        # neighbours), and their own.
        .filter(
            Q(public=True, grid=place.grid) | Q(reporter=actor)
            if actor is not None
            else Q(public=True, grid=place.grid)
        )
        .select_related("category", "micro_grid", "grid", "unit")
        .order_by("-created_at")
    )
    here = point(place.latitude, place.longitude)
    if here is None and place.micro_grid is not None:
        here = point(place.micro_grid.latitude, place.micro_grid.longitude)
    found: list[tuple[int, Report]] = []
    for report in recent[:200]:
        if place.micro_grid is not None and report.micro_grid_id == place.micro_grid.pk:
            found.append((0, report))
            continue
        there = point(report.latitude, report.longitude)
        if there is None and report.micro_grid is not None:
            there = point(report.micro_grid.latitude, report.micro_grid.longitude)
        gap = distance_m(here, there)
        if gap is not None and gap <= metres:
            found.append((gap, report))
    found.sort(key=lambda pair: (pair[0], -pair[1].pk))
    nearest = [report for _, report in found[:3]]
    prefetch_related_objects(nearest, "photos")  # their cards show the first photo
    return nearest


def _clean(text: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ReportInvalid(_("Please keep it under %(n)d characters.") % {"n": limit})
    return text


def _source_for(actor: User | None, place: Place) -> str:
    if actor is None:
        return Report.Source.OPEN311
    if can_manage_grid(actor, place.grid) or permissions.unit_ids_of(actor):
        return Report.Source.PATROL
    return Report.Source.RESIDENT


def report_create(
    *,
    actor: User | None,
    category: Category,
    place: Place,
    description: str = "",
    photos: Sequence = (),
    public: bool | None = None,
    contact_ok: bool = False,
    not_duplicate: bool = False,
    attributes: dict | None = None,
    client: Open311Client | None = None,
    contact_phone: str = "",
    now=None,
) -> Report:
    """Report a problem: routed, deadlined, on the board when public, live to the unit.

    `actor` is the signed-in person, or None for a civic app's request (`client`).
    Photos are re-encoded (no EXIF) before the transaction; files of a report that then
    fails are deleted again.
    """
    if actor is not None and not permissions.can_report_in(actor, place.grid):
        raise NotFound(_("No such grid."))
    if not category.active:
        raise ReportInvalid(_("Choose what kind of problem this is."))
    description = _clean(description, DESCRIPTION_MAX_CHARS)
    if len(photos) > MAX_PHOTOS:
        raise ReportInvalid(_("A report can carry at most %(n)d photos.") % {"n": MAX_PHOTOS})
    if not not_duplicate:
        similar = similar_open(actor=actor, category=category, place=place, now=now)
        if similar:
            raise ReportDuplicate([r.pk for r in similar])
    prepared: list[PreparedPhoto] = [photo_prepare(upload) for upload in photos]
    with photo_files() as files:
        stored = [files.store(p, folder=f"reports/{place.grid.community_id}") for p in prepared]
        return _report_insert(
            actor=actor,
            category=category,
            place=place,
            description=description,
            prepared=prepared,
            stored=stored,
            public=category.public_default
            if public is None
            else bool(public and category.public_default),
            contact_ok=contact_ok,
            attributes=attributes or {},
            client=client,
            contact_phone=_clean(contact_phone, 20),
            now=now or timezone.now(),
        )


@transaction.atomic
def _report_insert(
    *,
    actor,
    category,
    place,
    description,
    prepared,
    stored,
    public,
    contact_ok,
    attributes,
    client,
    contact_phone,
    now,
) -> Report:
    route = routing.route(category=category, grid=place.grid, micro_grid=place.micro_grid)
    if actor is not None:
        name, phone = actor.display_name, actor.phone if contact_ok else ""
    else:
        # Neighbours and the unit see the civic app's name, never the person's it sent.
        name, phone = (client.name if client else ""), (contact_phone if contact_ok else "")
    report = Report.objects.create(
        community_id=place.grid.community_id,
        grid=place.grid,
        micro_grid=place.micro_grid,
        category=category,
        description=description,
        address=place.address,
        latitude=place.latitude,
        longitude=place.longitude,
        attributes=attributes,
        source=_source_for(actor, place),
        reporter=actor,
        client=client,
        reporter_name=name,
        contact_phone=phone,
        contact_ok=contact_ok,
        public=public,
        unit=route.unit,
        handler_id=route.handler_id,
        accept_due=now + timedelta(hours=category.accept_hours),
        close_due=now + timedelta(hours=category.close_hours),
        followers_count=1 if actor else 0,
        created_at=now,
        updated_at=now,
    )
    ReportPhoto.objects.bulk_create(
        ReportPhoto(
            report=report, position=i, image=image, thumb=thumb, width=p.width, height=p.height
        )
        for i, (p, (image, thumb)) in enumerate(zip(prepared, stored, strict=True))
    )
    if actor is not None:
        ReportFollower.objects.create(report=report, user=actor, created_at=now)
    states.step_record(report, ReportStep.Action.SUBMITTED, actor=actor, label=name, now=now)
    stats.count_received(report)
    handler = route.label or (
        _("the grid worker") if route.handler_id else _("the community's cadres")
    )
    states.move(
        report,
        ReportStep.Action.DISPATCHED,
        actor=None,
        note=_("Sent to %(unit)s.") % {"unit": handler},
        now=now,
    )
    # A civic app's report is put on the board by the grid's grid worker, who answers
    # for the grid; without one it stays off the board (still routed and followed).
    poster = actor if actor is not None else place.grid.grid_worker
    if public and poster is not None:
        card_post_create(
            actor=poster,
            grid=place.grid,
            kind=PostKind.REPORT,
            body=description or category.name,
            ref_type=states.REPORT_REF,
            ref_id=report.pk,
            ref_state=report.state,
        )
    return report


@transaction.atomic
def report_follow(*, actor: User, report_id: int) -> Report:
    """我也遇到了 +1: hear every update of an open report instead of making a second one."""
    report = states.locked_report(report_id)
    permissions.require_read(actor, report)
    if not report.is_open:
        raise states.ReportStateConflict(_("This problem has already been dealt with."))
    created = ReportFollower.objects.get_or_create(report=report, user=actor)[1]
    if created:
        report.followers_count += 1
        report.save(update_fields=["followers_count"])
        states.step_record(report, ReportStep.Action.FOLLOWED, actor=actor)
        states.touch(report)
        events.report_changed(report, notify=False)
    return report

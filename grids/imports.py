"""Bulk set-up from the spreadsheets communities already keep (data is collected once).

Each import reads every row first and reports every bad row by its line
number; only a file with no bad rows is written, in one transaction, so
nothing is ever half-imported. Importing the same file twice changes nothing.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils.translation import gettext as _

from grids.models import Community, Grid, Membership, MicroGrid
from grids.services import places as services
from residents.models import User
from residents.phones import normalize_phone
from residents.services import user_create

STRUCTURE_COLUMNS = ["community", "street", "city", "grid_number", "grid_name", "building"]
# Optional: the building's map point, for "同网格 · 约 300 米" and nearest communities.
STRUCTURE_POINT_COLUMNS = ["latitude", "longitude"]
RESIDENT_COLUMNS = ["phone", "display_name", "grid_number", "building"]


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1


class ImportRejected(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


def _rows(file: TextIO, required: list[str]) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(file)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected([(1, _("Missing columns: %(cols)s") % {"cols": ", ".join(missing)})])
    for row in reader:
        clean = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if any(clean.values()):
            yield reader.line_num, clean


def _positive_int(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) > 0 else None


def structure_import(*, file: TextIO) -> ImportReport:
    """Communities, grids and buildings: one row per building."""
    report = ImportReport()
    plan: list[dict] = []
    grid_names: dict[tuple[str, str, str, int], tuple[str, int]] = {}
    for line, row in _rows(file, STRUCTURE_COLUMNS):
        problems = []
        number = _positive_int(row["grid_number"])
        if not row["community"]:
            problems.append(_("community name is empty"))
        if number is None:
            problems.append(_("grid_number must be a whole number above 0"))
        if not row["building"]:
            problems.append(_("building is empty"))
        if len(row["building"]) > 40:
            problems.append(_("building label is longer than 40 characters"))
        point = _point(row.get("latitude", ""), row.get("longitude", ""))
        if point is False:
            problems.append(
                _("latitude and longitude must both be numbers on the map (e.g. 30.7522, 120.7555)")
            )
        name = row["grid_name"] or _("Grid %(n)s") % {"n": number}
        if number is not None and row["community"]:
            key = (row["city"], row["street"], row["community"], number)
            seen = grid_names.setdefault(key, (name, line))
            if seen[0] != name:
                problems.append(
                    _("grid %(n)s is called “%(a)s” on line %(line)s but “%(b)s” here")
                    % {"n": number, "a": seen[0], "line": seen[1], "b": name}
                )
        if problems:
            report.errors.append((line, "; ".join(problems)))
        else:
            plan.append({**row, "grid_number": number, "grid_name": name, "point": point})
    if report.errors:
        raise ImportRejected(report.errors)
    touched: set[int] = set()
    with transaction.atomic():
        for row in plan:
            community, created = Community.objects.get_or_create(
                city=row["city"], street=row["street"], name=row["community"]
            )
            if created:
                report.count("communities")
            grid, created = Grid.objects.get_or_create(
                community=community,
                number=row["grid_number"],
                defaults={"name": row["grid_name"]},
            )
            if created:
                report.count("grids")
            micro, created = MicroGrid.objects.get_or_create(grid=grid, label=row["building"])
            if created:
                report.count("buildings")
            if row["point"] and (micro.latitude, micro.longitude) != row["point"]:
                micro.latitude, micro.longitude = row["point"]
                micro.save(update_fields=["latitude", "longitude"])
                touched.add(community.pk)
        for community in Community.objects.filter(pk__in=touched, latitude__isnull=True):
            centre = MicroGrid.objects.filter(
                grid__community=community, latitude__isnull=False
            ).aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
            community.latitude = round(centre["lat"], 6)
            community.longitude = round(centre["lng"], 6)
            community.save(update_fields=["latitude", "longitude"])
    return report


def _point(latitude: str, longitude: str) -> tuple[Decimal, Decimal] | bool | None:
    """A building's map point from two cells: None when both are empty, False when wrong."""
    if not latitude and not longitude:
        return None
    try:
        lat, lng = Decimal(latitude), Decimal(longitude)
    except InvalidOperation:
        return False
    if not (lat.is_finite() and lng.is_finite()):
        return False
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return False
    return round(lat, 6), round(lng, 6)


def resident_import(*, file: TextIO, community: Community) -> ImportReport:
    """A roster: phone, display name, grid number, building (and optionally unit).

    People who already have an account keep it; they are placed in the
    roster's building (their previous home stays in their history). New
    accounts have no password: residents log in with an SMS code.
    """
    report = ImportReport()
    grids = {g.number: g for g in Grid.objects.filter(community=community)}
    buildings = {
        (m.grid.number, m.label): m
        for m in MicroGrid.objects.select_related("grid").filter(grid__community=community)
    }
    plan: list[dict] = []
    seen_phones: dict[str, int] = {}
    for line, row in _rows(file, RESIDENT_COLUMNS):
        problems = []
        phone = None
        try:
            phone = normalize_phone(row["phone"])
        except ValidationError as error:
            problems.append(f"{row['phone'] or '—'}: {error.messages[0]}")
        if phone and phone in seen_phones:
            problems.append(
                _("phone number already on line %(line)s") % {"line": seen_phones[phone]}
            )
        elif phone:
            seen_phones[phone] = line
        if len(row["display_name"]) > 30:
            problems.append(_("display name is longer than 30 characters"))
        number = _positive_int(row["grid_number"])
        micro = None
        if number not in grids:
            problems.append(
                _("no grid %(n)s in %(community)s")
                % {"n": row["grid_number"] or "—", "community": community.name}
            )
        else:
            micro = buildings.get((number, row["building"]))
            if micro is None:
                problems.append(
                    _("no building “%(b)s” in grid %(n)s") % {"b": row["building"], "n": number}
                )
        if problems:
            report.errors.append((line, "; ".join(problems)))
        else:
            plan.append(
                {
                    "phone": phone,
                    "display_name": row["display_name"],
                    "micro": micro,
                    "unit": row.get("unit", "")[:20],
                }
            )
    if report.errors:
        raise ImportRejected(report.errors)
    with transaction.atomic():
        existing = {u.phone: u for u in User.objects.filter(phone__in=[p["phone"] for p in plan])}
        for entry in plan:
            user = existing.get(entry["phone"])
            if user is None:
                user = user_create(phone=entry["phone"], display_name=entry["display_name"])
                report.count("accounts")
            was_member = Membership.objects.filter(
                user=user, micro_grid=entry["micro"], left_at__isnull=True
            ).exists()
            services.grid_join(
                user=user,
                code=entry["micro"].grid.join_code,
                micro_grid_id=entry["micro"].pk,
                unit=entry["unit"],
            )
            if not was_member:
                report.count("memberships")
    return report

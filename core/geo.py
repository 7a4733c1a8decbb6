"""Map points (a building, a community's centre, where a need is) and the distances between them.

Points are optional: a community that never entered coordinates is still ranked, only
without a distance. Haversine on a sphere is well within a few metres at city scale.
"""

import math
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

EARTH_RADIUS_M = 6_371_000

Point = tuple[float, float]


def point(latitude: Decimal | float | None, longitude: Decimal | float | None) -> Point | None:
    if latitude is None or longitude is None:
        return None
    return float(latitude), float(longitude)


def distance_m(a: Point | None, b: Point | None) -> int | None:
    """Metres between two points, or None when either is unknown."""
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h))))


def map_point_fields() -> tuple[models.DecimalField, models.DecimalField]:
    """An optional map point (a building, a community's centre, where a need is)."""
    return (
        models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True),
        models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True),
    )


def map_point_constraint(name: str) -> models.CheckConstraint:
    """Both coordinates or neither, and on the map."""
    return models.CheckConstraint(
        condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
        | (Q(latitude__range=(-90, 90)) & Q(longitude__range=(-180, 180))),
        name=name,
    )

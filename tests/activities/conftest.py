from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import Activity
from activities.services import publishing


def soon(hours: float = 48) -> timezone.datetime:
    return timezone.now() + timedelta(hours=hours)


def make_class(world, *, capacity=2, waitlist=True, grid_ids=(), **kwargs) -> Activity:
    """A calligraphy class in East, two days from now, 2 hours long."""
    starts = kwargs.pop("starts_at", soon())
    return publishing.activity_create(
        actor=kwargs.pop("actor", world.cadre_east),
        community=world.east,
        title=kwargs.pop("title", "书法公益课"),
        place=kwargs.pop("place", "社区活动室"),
        starts_at=starts,
        ends_at=kwargs.pop("ends_at", starts + timedelta(hours=2)),
        capacity=capacity,
        waitlist=waitlist,
        grid_ids=grid_ids,
        **kwargs,
    )


@pytest.fixture
def calligraphy(world):
    return make_class(world)

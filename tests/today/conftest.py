from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from activities.models import Activity
from activities.services import publishing
from mutualaid.categories import categories_seed
from mutualaid.models import Category


@pytest.fixture(autouse=True)
def _categories(db):
    categories_seed(Category)


@pytest.fixture
def masks(_categories):
    return Category.objects.get(slug="masks")


@pytest.fixture
def en_client(client):
    """The pages in English: the words of a new page are checked before their Chinese is
    compiled; the Chinese is checked where it already exists."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_activity(world, *, starts_at=None, hours=2, capacity=5, **kwargs) -> Activity:
    starts = starts_at or timezone.now() + timedelta(hours=48)
    return publishing.activity_create(
        actor=kwargs.pop("actor", world.cadre_east),
        community=kwargs.pop("community", world.east),
        title=kwargs.pop("title", "太极课"),
        place=kwargs.pop("place", "社区广场"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        capacity=capacity,
        waitlist=True,
        grid_ids=(),
        **kwargs,
    )

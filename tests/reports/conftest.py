import pytest

from reports.categories import seed
from reports.models import Category


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture(autouse=True)
def _categories(request):
    """The seeded categories, present again after a test that flushed the tables
    (a transactional test empties what the data migration wrote)."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    seed(Category)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Photos of these tests go to a folder of their own."""
    settings.MEDIA_ROOT = tmp_path

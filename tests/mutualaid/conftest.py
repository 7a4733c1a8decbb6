import pytest

from mutualaid.categories import categories_seed
from mutualaid.models import Category


@pytest.fixture(autouse=True)
def _categories(db):
    """Transactional tests flush the seeded categories; put them back for every test."""
    categories_seed(Category)

import pytest

from family.services import asks
from tests.factories import SmsOutbox, UserFactory


@pytest.fixture
def daughter(db):
    return UserFactory(display_name="小王")


@pytest.fixture
def mother(world):
    user = world.resident_a
    user.display_name = "王阿姨"
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Ask to help someone, as after a committed request: the text goes out."""

    def asking(agent, phone):
        with django_capture_on_commit_callbacks(execute=True):
            return asks.proxy_request_create(agent=agent, phone=phone)

    return asking


@pytest.fixture
def grant(ask, daughter, mother):
    """The daughter may act for her mother (agreed by SMS code)."""
    asked = ask(daughter, mother.phone)
    return asks.proxy_request_confirm(
        agent=daughter, request_id=asked.pk, code=SmsOutbox.last_code(mother.phone)
    )

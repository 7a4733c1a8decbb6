import logging
import re

import pytest
from django.core.cache import cache

from tests.factories import SmsOutbox


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    """Cheap password hashing; an empty cache (throttle counters) for every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _live_events_checked(settings):
    """Every live event a test makes is checked against its declaration (core.event_schema):
    an undeclared type or a payload that does not match fails the test that emitted it."""
    settings.LIVE_EVENTS_VALIDATE = True


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """The SMS gateway is outside our walls: capture what would be sent."""
    settings.SMS_GATEWAY = "tests.factories.SmsOutbox"
    SmsOutbox.sent.clear()
    return SmsOutbox.sent


@pytest.fixture(autouse=True)
def _no_secret_in_logs(sms_outbox):
    """Across the whole suite: no log line holds a code sent by SMS or a full phone number
    (whoever reads logs must not be able to log in as anyone). Fails the test that logged it."""
    records = LogRecorder()
    root = logging.getLogger()
    root.addHandler(records)
    yield
    root.removeHandler(records)
    codes = {
        code for _, message in sms_outbox for code in re.findall(r"(?<!\d)\d{6}(?!\d)", message)
    }
    for line in records.lines:
        leaked = FULL_PHONE.search(line) or next((c for c in codes if c in line), None)
        assert not leaked, f"a secret in a log line: {line!r}"


# A phone number stands on its own: digits inside a longer run of ASCII letters and digits
# (a photo's random hex file name) are not one; next to Chinese text or punctuation they are.
FULL_PHONE = re.compile(r"(?<![0-9A-Za-z*])(?:\+?86)?1[3-9]\d{9}(?![0-9A-Za-z])")


class LogRecorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = record.getMessage()
        except Exception:  # a broken format string is its own bug, not a leak
            line = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            line += f" {record.exc_info[1]}"
        self.lines.append(line)


class World:
    """Two communities. East has grids A and B; West has grid C. Each grid has two
    buildings, a grid worker and two residents; each community has a cadre."""

    def __init__(self):
        from tests.factories import (
            CommunityFactory,
            GridFactory,
            MembershipFactory,
            MicroGridFactory,
            UserFactory,
            make_cadre,
            make_grid_worker,
        )

        self.east = CommunityFactory(name="东湖社区")
        self.west = CommunityFactory(name="西湖社区")
        self.grid_a = GridFactory(community=self.east, number=1)
        self.grid_b = GridFactory(community=self.east, number=2)
        self.grid_c = GridFactory(community=self.west, number=1)
        self.buildings = {}
        self.members = {}
        for key, grid in (("a", self.grid_a), ("b", self.grid_b), ("c", self.grid_c)):
            self.buildings[key] = [MicroGridFactory(grid=grid, label=f"{key}{i}幢") for i in (1, 2)]
            self.members[key] = [
                MembershipFactory(micro_grid=self.buildings[key][i], unit=f"{key}{i + 1}01室")
                for i in (0, 1)
            ]
        self.worker_a = make_grid_worker(self.grid_a, display_name="网格员A")
        self.worker_b = make_grid_worker(self.grid_b, display_name="网格员B")
        self.worker_c = make_grid_worker(self.grid_c, display_name="网格员C")
        self.cadre_east = make_cadre(self.east, display_name="东湖书记")
        self.cadre_west = make_cadre(self.west, display_name="西湖书记")
        self.admin = UserFactory(is_superuser=True, is_staff=True, display_name="管理员")
        self.outsider = UserFactory(display_name="路人")
        self.resident_a = self.members["a"][0].user
        self.resident_a2 = self.members["a"][1].user
        self.resident_b = self.members["b"][0].user
        self.resident_c = self.members["c"][0].user


@pytest.fixture
def world(db):
    return World()

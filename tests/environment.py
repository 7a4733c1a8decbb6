"""What a test needs from the machine (PostgreSQL, Redis, Chromium, gettext), in one rule.

CI provides all of it, so there a missing piece is a failure, never a skip. On a laptop
running `make test` with nothing but Python, the few tests that need a real server or
browser are reported as not run, with the reason, rather than pretending to pass.
"""

import os

import pytest
from django.db import connection


def require(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"needs {what}, which CI provides", pytrace=False)
    pytest.skip(f"needs {what}")


def require_postgres() -> None:
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")

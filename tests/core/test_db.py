"""Prepared statements for the hot reads (grids.selectors.rows.prepared_cursor): PostgreSQL
keeps the statement parsed and planned on the connection, Django still counts the query,
and a connection without prepared statements (DATABASE_PREPARED=false) reads as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.selectors.rows import prepared_cursor

pytestmark = pytest.mark.django_db

PROBE = "SELECT %s::int + 1 AS linli_prepared_probe"


def _prepared(marker: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{marker}%"],
        )
        return cursor.fetchone()[0]


def test_a_prepared_read_is_prepared_once_and_counted_each_time():
    with CaptureQueriesContext(connection) as captured:
        for n in (1, 2, 3):
            with prepared_cursor(connection) as cursor:
                cursor.execute(PROBE, [n])
                assert cursor.fetchone() == (n + 1,)
    # logged with their values, as Django logs any query (a prepared run leaves no text)
    assert [q["sql"] for q in captured.captured_queries] == [
        f"SELECT {n}::int + 1 AS linli_prepared_probe" for n in (1, 2, 3)
    ]
    assert _prepared("linli_prepared_probe") == 1


def test_without_prepared_statements_the_read_is_an_ordinary_one():
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None  # as with DATABASE_PREPARED=false
    try:
        with prepared_cursor(connection) as cursor:
            cursor.execute(PROBE.replace("probe", "probe_off"), [1])
            assert cursor.fetchone() == (2,)
    finally:
        connection.connection.prepare_threshold = threshold
    assert _prepared("linli_prepared_probe_off") == 0


def test_only_what_asks_is_prepared():
    with connection.cursor() as cursor:  # Django's own cursors bind on the client
        for _ in range(8):
            cursor.execute("SELECT %s::int AS linli_unprepared_probe", [1])
    assert _prepared("linli_unprepared_probe") == 0

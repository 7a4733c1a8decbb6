"""Operations: overload ends in a quick 503, secrets stay out of logs, security headers,
health, readiness and metrics for the people who run the portal."""

import contextlib
import json
import logging

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from psycopg_pool import PoolTimeout
from rest_framework.test import APIClient

from core.exceptions import exception_handler
from core.overload import OverloadMiddleware, is_overload
from residents.sms import sms_send
from tests.environment import require_postgres

# --- overload: pool exhaustion, lock and statement timeouts -> 503 + Retry-After


def _wrapped(cause: Exception) -> OperationalError:
    """What Django raises: its OperationalError with the driver's error as the cause."""
    try:
        try:
            raise cause
        except Exception as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as wrapped:
        return wrapped


def _exhausted_pool():
    raise _wrapped(PoolTimeout("couldn't get a connection after 5.00 sec"))


def test_an_exhausted_pool_in_a_page_becomes_a_503_page_with_retry_after():
    request = RequestFactory().get("/grids/1/")

    response = OverloadMiddleware(lambda r: None).process_exception(
        request, _wrapped(PoolTimeout("couldn't get a connection after 5.00 sec"))
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "text/html" in response["Content-Type"]


def test_an_exhausted_pool_in_the_api_becomes_a_json_503_with_retry_after(settings):
    settings.RETRY_AFTER_SECONDS = 7
    request = RequestFactory().get("/api/v1/grids/")

    response = OverloadMiddleware(lambda r: None).process_exception(
        request, _wrapped(PoolTimeout("couldn't get a connection after 5.00 sec"))
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    body = json.loads(response.content)
    assert body["code"] == "unavailable"
    assert body["detail"]


def test_the_api_exception_handler_answers_a_lock_timeout_with_a_json_503():
    response = exception_handler(_wrapped(psycopg.errors.LockNotAvailable("lock timeout")), {})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.data["code"] == "unavailable"


@pytest.mark.parametrize(
    "cause",
    [
        PoolTimeout("couldn't get a connection"),
        psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
    ],
    ids=["pool-timeout", "lock-timeout", "statement-timeout"],
)
def test_every_bounded_wait_counts_as_overload(cause):
    assert is_overload(_wrapped(cause))


def test_other_database_errors_are_not_dressed_up_as_overload():
    assert not is_overload(_wrapped(psycopg.errors.UndefinedTable("no such table")))
    assert not is_overload(ValueError("a bug"))
    assert (
        OverloadMiddleware(lambda r: None).process_exception(
            RequestFactory().get("/"), _wrapped(psycopg.errors.UndefinedTable("x"))
        )
        is None
    )


@contextlib.contextmanager
def _table_locked_by_another_connection(table: str):
    """Another session holds an exclusive lock on `table` until the block ends."""
    other = psycopg.connect(**connection.get_connection_params())
    try:
        other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        other.rollback()
        other.close()


def _short_lock_timeout() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")


@pytest.mark.django_db(transaction=True)
def test_postgresql_connections_bound_lock_waits_and_statements():
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        lock_timeout = cursor.fetchone()[0]
        cursor.execute("SHOW statement_timeout")
        statement_timeout = cursor.fetchone()[0]

    assert (lock_timeout, statement_timeout) == ("3s", "15s")


@pytest.mark.django_db(transaction=True)
def test_an_api_request_behind_a_locked_table_gets_a_json_503_not_a_hang(world):
    require_postgres()
    client = APIClient()
    client.force_authenticate(world.resident_a)
    _short_lock_timeout()

    with _table_locked_by_another_connection("grids_grid"):
        response = client.get(f"/api/v1/grids/{world.grid_a.pk}/")

    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


@pytest.mark.django_db(transaction=True)
def test_a_page_behind_a_locked_table_gets_a_503_page_not_a_500(client, world):
    require_postgres()
    client.force_login(world.resident_a)
    _short_lock_timeout()

    with _table_locked_by_another_connection("grids_grid"):
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "text/html" in response["Content-Type"]


# --- secrets stay out of logs


def test_the_console_gateway_logs_neither_the_code_nor_the_full_number(settings, caplog, capsys):
    settings.SMS_GATEWAY = "residents.sms.ConsoleGateway"
    caplog.set_level(logging.DEBUG)

    sms_send(phone="+8613812341234", message="【邻里】您的验证码是 482913，5分钟内有效。")

    assert "482913" not in caplog.text
    assert "13812341234" not in caplog.text
    assert "138****1234" in caplog.text
    # Development: the code on the terminal is how one logs in locally (README).
    assert "482913" in capsys.readouterr().out


def test_in_production_the_console_gateway_prints_no_code_anywhere(settings, caplog, capsys):
    settings.SMS_GATEWAY = "residents.sms.ConsoleGateway"
    settings.PRODUCTION = True
    caplog.set_level(logging.DEBUG)

    sms_send(phone="+8613812341234", message="【邻里】您的验证码是 482913，5分钟内有效。")

    captured = capsys.readouterr()
    assert "482913" not in caplog.text + captured.out + captured.err
    assert "13812341234" not in caplog.text + captured.out + captured.err


def test_an_sms_login_leaves_no_code_or_full_number_in_the_logs(world, settings, caplog):
    settings.SMS_GATEWAY = "residents.sms.ConsoleGateway"
    caplog.set_level(logging.DEBUG)
    client = APIClient()

    start = client.post(
        "/_allauth/app/v1/auth/code/request", {"phone": world.resident_a.phone}, format="json"
    )

    assert start.status_code == 401, start.content
    assert world.resident_a.national_phone not in caplog.text
    assert "验证码" not in caplog.text


def test_the_suite_wide_log_scan_catches_a_leaked_phone_number():
    """The autouse fixture in tests/conftest.py fails a test whose logs hold a full number;
    this proves its pattern matches one and leaves a masked one alone."""
    from tests.conftest import FULL_PHONE

    assert FULL_PHONE.search("SMS to +8613812341234: 验证码是 482913")
    assert FULL_PHONE.search("phone=13812341234")
    assert not FULL_PHONE.search("SMS to 138****1234")
    assert FULL_PHONE.search("电话13812341234已登记")
    # A photo's random hex name is no phone number, whatever digits it happens to hold.
    assert not FULL_PHONE.search("Not Found: /media/r/2840846d4d17486793806ef66f4755b6_t.jpg")


# --- security headers


@pytest.mark.django_db
def test_a_page_carries_a_content_security_policy_and_a_permissions_policy(client, world):
    client.force_login(world.resident_a)

    response = client.get("/")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_swagger_ui_loads_its_start_up_script_as_a_file_the_policy_allows(client):
    page = client.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html  # no inline script for the policy to block
    assert "Content-Security-Policy" in page.headers
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


# --- health, readiness, metrics


def test_healthz_answers_without_touching_the_database(client):
    """No django_db mark: any query here would fail the test."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_the_database_answers_and_migrations_are_applied(client):
    response = client.get("/readyz")

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_a_migration_is_waiting(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["problems"] == {"migrations": "1 unapplied"}


@pytest.mark.django_db
def test_readyz_is_503_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["problems"] == {"redis": "unreachable"}


@pytest.mark.django_db
def test_metrics_are_not_there_for_residents_or_strangers(client, world, settings):
    settings.METRICS_TOKEN = "scrape-secret"

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    client.force_login(world.resident_a)
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_the_operator_scrapes_requests_latency_sockets_and_event_delivery(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    client.get("/healthz")

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")

    assert response.status_code == 200
    text = response.content.decode()
    for name in (
        "linli_http_requests_total",
        "linli_http_request_duration_seconds",
        "linli_websockets_open",
        "linli_event_delivery_lag_seconds",
        "linli_channel_layer_failures_total",
    ):
        assert name in text, name
    assert 'linli_http_requests_total{method="GET",status="200"}' in text


@pytest.mark.django_db(transaction=True)
def test_a_failed_group_send_is_counted_and_does_not_undo_the_write(monkeypatch):
    from core import events
    from core.metrics import CHANNEL_LAYER_FAILURES

    class BrokenLayer:
        async def group_send(self, name, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(events, "get_channel_layer", BrokenLayer)
    before = CHANNEL_LAYER_FAILURES._value.get()

    events.group_send_on_commit("grid-1", {"type": "x"})  # outside a transaction: at once

    assert CHANNEL_LAYER_FAILURES._value.get() == before + 1


def test_production_logs_are_one_json_object_per_line():
    from core.log_format import JsonFormatter

    record = logging.makeLogRecord(
        {"name": "residents", "levelname": "INFO", "msg": "SMS to %s", "args": ("138****1234",)}
    )

    entry = json.loads(JsonFormatter().format(record))

    assert entry["message"] == "SMS to 138****1234"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "residents"

"""Settings come from the environment: laptop defaults with nothing set, safe in production.

Each case starts `manage.py` in a fresh process, since settings are read once at import.
"""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR
SETTINGS_FILE = ROOT / "community" / "settings.py"
NO_SECRET = "DJANGO_ENV=production needs a SECRET_KEY of its own"


def _variables_read_by_settings() -> set[str]:
    """Every environment variable community/settings.py reads (env.str("X"), env.db("X")…)."""
    names = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", SETTINGS_FILE.read_text()))
    assert {"DJANGO_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= names, names
    return names | {"DJANGO_SETTINGS_MODULE"}


def manage(*args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    """`manage.py *args` with this process's environment, less every variable the settings
    read, plus `overrides` (None removes a variable)."""
    env = {k: v for k, v in os.environ.items() if k not in _variables_read_by_settings()}
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**overrides: str | None) -> dict[str, str | None]:
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "linli.example.cn",
        "DATABASE_URL": "postgres://linli:secret@db.internal:5432/linli",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "SMS_GATEWAY": "tests.factories.SmsOutbox",
        **overrides,
    }


def test_production_settings_pass_the_deploy_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_the_deploy_checklist_does_catch_an_unsafe_production():
    """The test above can fail: the same command refuses a production with DEBUG on."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production(DEBUG="true"))
    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_the_deploy_checklist_refuses_the_console_sms_gateway_in_production():
    """It would print every login code to the log: whoever reads logs could log in as anyone."""
    result = manage("check", "--deploy", **production(SMS_GATEWAY=None))
    assert result.returncode != 0
    assert "residents.E001" in result.stderr


def test_the_console_sms_gateway_passes_the_checks_in_development():
    result = manage("check", "--deploy", "--fail-level", "ERROR")
    assert "residents.E001" not in result.stdout + result.stderr


def test_production_logs_are_json_lines():
    show = (
        "import logging, json; from django.conf import settings as s; "
        "print(s.LOG_FORMAT, s.LOGGING['handlers']['console'].get('formatter'))"
    )
    result = manage("shell", "-c", show, **production())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "json json"


def _development_secret() -> str:
    match = re.search(r'_DEV_SECRET = "([^"]+)"', SETTINGS_FILE.read_text())
    assert match, "community/settings.py no longer names its development key _DEV_SECRET"
    return match.group(1)


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "development", "changeme"],
    ids=["unset", "empty", "the-development-key", "short"],
)
def test_production_without_a_real_secret_key_refuses_to_start(secret_key):
    if secret_key == "development":
        secret_key = _development_secret()
    result = manage("check", **production(SECRET_KEY=secret_key))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert NO_SECRET in result.stderr


def test_with_nothing_set_a_laptop_gets_sqlite_and_in_memory_layers():
    show = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'db': s.DATABASES['default'], 'layer': s.CHANNEL_LAYERS['default']['BACKEND'], "
        "'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG, "
        "'hosts': s.ALLOWED_HOSTS}, default=str))"
    )
    result = manage("shell", "-c", show)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert shown["db"]["NAME"] == str(ROOT / "db.sqlite3")
    assert shown["layer"] == "channels.layers.InMemoryChannelLayer"
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["debug"] is True
    assert "127.0.0.1" in shown["hosts"]


def test_redis_gives_the_pub_sub_layer_with_a_prefix_per_redis_database():
    """Redis pub/sub channels are shared by every database of a server, so two
    deployments on databases 0 and 11 must not hear each other's grids."""
    show = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps(s.CHANNEL_LAYERS['default']))"
    )
    result = manage("shell", "-c", show, REDIS_URL="redis://127.0.0.1:6379/11")
    assert result.returncode == 0, result.stderr
    layer = json.loads(result.stdout.strip().splitlines()[-1])
    # channels-redis's pub/sub layer, which tells sockets when Redis is back
    assert layer["BACKEND"] == "core.channel_layer.RecoveringPubSubChannelLayer"
    assert layer["CONFIG"]["prefix"] == "linli-11"
    assert layer["CONFIG"]["hosts"][0]["socket_timeout"] == 30


def test_a_media_bucket_switches_photo_storage_to_s3():
    show = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps(s.STORAGES['default']))"
    )
    result = manage(
        "shell",
        "-c",
        show,
        MEDIA_BUCKET="linli-photos",
        MEDIA_ENDPOINT_URL="https://oss.example.cn",
    )
    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "linli-photos"
    assert storage["OPTIONS"]["endpoint_url"] == "https://oss.example.cn"


def test_database_pool_switches_postgresql_to_psycopgs_pool():
    show = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = manage(
        "shell",
        "-c",
        show,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/linli",
        DATABASE_POOL="true",
    )
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert options["pool"] == {"min_size": 2, "max_size": 10, "timeout": 5.0}
    assert options["options"] == "-c lock_timeout=3000 -c statement_timeout=15000"

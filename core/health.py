"""Liveness and readiness for load balancers.

`/healthz`: the process answers (no database, no Redis) — restart it when this fails.
`/readyz`: the database answers, Redis answers when REDIS_URL is set, and no migration
is waiting — send it traffic only when this passes.
"""

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        logger.warning("readiness: database unreachable (%s)", type(exc).__name__)
        return "unreachable"
    return None


def _migrations() -> str | None:
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        logger.warning("readiness: migrations unreadable (%s)", type(exc).__name__)
        return "unknown"
    return f"{len(plan)} unapplied" if plan else None


def _redis() -> str | None:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        logger.warning("readiness: redis unreachable (%s)", type(exc).__name__)
        return "unreachable"
    return None


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis()}
    if checks["database"] is None:
        checks["migrations"] = _migrations()
    problems = {name: problem for name, problem in checks.items() if problem}
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})

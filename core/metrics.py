"""Prometheus metrics: requests, latency, open sockets, event delivery, layer failures.

Served on /metrics to the operator only (a bearer token from METRICS_TOKEN, or a
staff session); anyone else gets a 404. With several worker processes, set
PROMETHEUS_MULTIPROC_DIR to an empty directory shared by the workers, so one scrape
sums them all (prometheus_client's multiprocess mode).
"""

import os
import secrets
import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

REQUESTS = Counter("linli_http_requests_total", "HTTP requests answered.", ["method", "status"])
LATENCY = Histogram(
    "linli_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
OPEN_SOCKETS = Gauge(
    "linli_websockets_open",
    "WebSockets open in this worker.",
    multiprocess_mode="livesum",
)
EVENT_DELIVERY_LAG = Histogram(
    "linli_event_delivery_lag_seconds",
    "From a transaction's commit to its live event handed to the channel layer.",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30),
)
CHANNEL_LAYER_FAILURES = Counter(
    "linli_channel_layer_failures_total", "group_send calls that raised."
)


class RequestMetricsMiddleware:
    """Counts every HTTP request and its latency (first in MIDDLEWARE, so it sees all)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        LATENCY.labels(request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, str(response.status_code)).inc()
        return response


class SocketMetrics:
    """ASGI wrapper around the WebSocket application: keeps OPEN_SOCKETS current."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        opened = False

        async def counting_send(message):
            nonlocal opened
            if not opened and message["type"] == "websocket.accept":
                opened = True
                OPEN_SOCKETS.inc()
            return await send(message)

        try:
            return await self.application(scope, receive, counting_send)
        finally:
            if opened:
                OPEN_SOCKETS.dec()


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return DEFAULT_REGISTRY


def _is_operator(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return secrets.compare_digest(header[len("Bearer ") :].encode(), token.encode())
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The scrape endpoint. A 404 for anyone but the operator: it does not even exist."""
    if not _is_operator(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)

"""The one way a live event leaves a transaction: to channel-layer groups, after commit.

Each app keeps its own event module (`grids/events.py`, `residents/events.py`, …) that
decides what is stored and what a message says; all of them hand the message to
`group_send_on_commit`, so no event is ever sent for a row that might still roll back.
"""

import time
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core.metrics import CHANNEL_LAYER_FAILURES, EVENT_DELIVERY_LAG


def group_send_on_commit(groups: str | Iterable[str], message: dict[str, Any]) -> None:
    """Send `message` to each group once the current transaction commits (at once
    outside one). `robust`: a channel-layer failure is logged, never undoes the write;
    every stream can be resumed from the database."""
    names = [groups] if isinstance(groups, str) else list(groups)

    def send() -> None:
        committed = time.perf_counter()
        layer = get_channel_layer()
        for name in names:
            try:
                async_to_sync(layer.group_send)(name, message)
            except Exception:
                CHANNEL_LAYER_FAILURES.inc()
                raise
        EVENT_DELIVERY_LAG.observe(time.perf_counter() - committed)

    transaction.on_commit(send, robust=True)

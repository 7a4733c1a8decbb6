"""channels-redis's pub/sub layer, told when Redis comes back.

redis-py reconnects a worker's subscriber connection by itself and subscribes again,
but whatever was published meanwhile is gone, and channels-redis logs a traceback
every second for as long as Redis is away. This layer logs the loss once and the
recovery once, and on recovery sends every socket of the worker a `layer.recovered`
message: each stream then catches up from the database (core.consumers), so an idle
socket misses nothing even when no new event follows the outage.

Each socket's queue of messages waiting for it is bounded (CHANNELS_SOCKET_QUEUE,
default 200; channels-redis's own is unbounded). A socket that falls that far behind
(a stalled phone, a client that stopped reading) has its queue emptied and replaced by
one `socket.overflow` message, on which the stream closes it with 4408
(core.consumers.SLOW_CLIENT): the client reconnects with `?after=` and reads what it
missed from the database. A slow client thus costs a worker at most that many messages,
never memory without bound.
"""

import asyncio
import logging

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close
from django.conf import settings

logger = logging.getLogger(__name__)

LAYER_RECOVERED = "layer.recovered"
SOCKET_OVERFLOW = "socket.overflow"
DEFAULT_SOCKET_QUEUE = 200


def socket_queue_max() -> int:
    return max(2, int(getattr(settings, "CHANNELS_SOCKET_QUEUE", DEFAULT_SOCKET_QUEUE)))


def offer(layer, queue: asyncio.Queue, data: bytes) -> None:
    """Queue `data` for one socket; a full queue is emptied and told it overflowed."""
    try:
        queue.put_nowait(data)
    except asyncio.QueueFull:
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(layer.overflow_message)
        logger.info("a socket fell %d messages behind: closed to resume", queue.maxsize)


class RecoveringShardConnection(RedisSingleShardConnection):
    lost = False

    async def _do_receiving(self):
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=0.1
                    )
                    if self.lost:
                        self.lost = False
                        self._recovered()
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
            except (TimeoutError, asyncio.CancelledError, GeneratorExit):
                raise
            except Exception as error:
                if not self.lost:
                    self.lost = True
                    logger.warning("channel layer lost Redis: %s", type(error).__name__)
                await asyncio.sleep(1)

    def _receive_message(self, message):
        """channels-redis's own, with each socket's queue bounded (`offer`)."""
        if message is None:
            return
        layer = self.channel_layer
        name, data = message["channel"], message["data"]
        if isinstance(name, bytes):
            name = name.decode()
        if name in layer.channels:
            offer(layer, layer.channels[name], data)
        elif name in layer.groups:
            for channel_name in layer.groups[name]:
                if channel_name in layer.channels:
                    offer(layer, layer.channels[channel_name], data)

    def _recovered(self) -> None:
        layer = self.channel_layer
        logger.warning(
            "channel layer reached Redis again; %d sockets catch up", len(layer.channels)
        )
        data = layer.channel_layer.serialize({"type": LAYER_RECOVERED})
        for queue in layer.channels.values():
            offer(layer, queue, data)


class RecoveringLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shards = [RecoveringShardConnection(s.host, self) for s in self._shards]
        self.queue_max = socket_queue_max()
        self.overflow_message = self.channel_layer.serialize({"type": SOCKET_OVERFLOW})

    async def _subscribe_to_channel(self, channel):
        self.channels[channel] = asyncio.Queue(maxsize=self.queue_max)
        shard = self._get_shard(channel)
        await shard.subscribe(channel)


class RecoveringPubSubChannelLayer(RedisPubSubChannelLayer):
    """RedisPubSubChannelLayer whose per-loop layers use RecoveringShardConnection."""

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = RecoveringLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
            return layer

"""channels-redis's pub/sub layer, told when Redis comes back.

redis-py reconnects a worker's subscriber connection by itself and subscribes again,
but whatever was published meanwhile is gone, and channels-redis logs a traceback
every second for as long as Redis is away. This layer logs the loss once and the
recovery once, and on recovery sends every socket of the worker a `layer.recovered`
message: each stream then catches up from the database (core.consumers), so an idle
socket misses nothing even when no new event follows the outage.
"""

import asyncio
import logging

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close

logger = logging.getLogger(__name__)

LAYER_RECOVERED = "layer.recovered"


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

    def _recovered(self) -> None:
        layer = self.channel_layer
        logger.warning(
            "channel layer reached Redis again; %d sockets catch up", len(layer.channels)
        )
        data = layer.channel_layer.serialize({"type": LAYER_RECOVERED})
        for queue in layer.channels.values():
            queue.put_nowait(data)


class RecoveringLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shards = [RecoveringShardConnection(s.host, self) for s in self._shards]


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

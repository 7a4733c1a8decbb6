"""Redis goes away and comes back while members are watching the board.

A Redis of the test's own (another port, nothing saved) carries the channel layer and
the cache of two uvicorn processes: sockets on B, posts through A's REST API. Redis is
stopped, posts go on, Redis starts again: every post was created, the open sockets
catch up without waiting for a new post (core.channel_layer), and a client that
does what static/js/live.js does (reconnect with `?after=<last seq>` after any close
that is not final) has applied every post exactly once, in order. Needs PostgreSQL
(the processes share the test database) and the redis-server program, as in CI.
"""

import asyncio
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis
import websockets
from django.db import connection

from tests.environment import require
from tests.grids.test_cross_process import Server, free_port, post_through, session_for

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30  # seconds: generous bounds on waits, never asserted as durations
FINAL_CODES = (4401, 4403)


class PrivateRedis:
    """redis-server on a free port, in memory only; stopped and started on the same port."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + WAIT
        while True:
            try:
                client.ping()
                client.close()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start:\n{self.log.read_text()}")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(WAIT)

    def wait_for_subscriber(self, fragment: str) -> None:
        """Until a pub/sub channel naming `fragment` has a subscriber again."""
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + WAIT
        try:
            while True:
                channels = [c.decode() for c in client.pubsub_channels()]
                if any(fragment in c for c in channels):
                    return
                if time.monotonic() > deadline:
                    pytest.fail(f"no subscriber for {fragment} came back: {channels}")
                time.sleep(0.1)
        finally:
            client.close()


@pytest.fixture
def outage(tmp_path):
    require(
        connection.vendor == "postgresql" and shutil.which("redis-server") is not None,
        "PostgreSQL (DATABASE_URL) and the redis-server program",
    )
    private = PrivateRedis(tmp_path / "redis.log")
    private.start()
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        REDIS_URL=private.url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        THROTTLE_WRITE="1000/min",
    )
    env.pop("DJANGO_ENV", None)
    servers = [Server(free_port(), env, tmp_path / f"server-{i}.log") for i in (0, 1)]
    yield private, servers
    for server in servers:
        server.stop()
        print(f"--- {server.url}\n{server.output()}")  # shown when the test fails
    private.stop()


class ResumingBoard:
    """A board client as the browser's: applies `seq == last + 1` only, and after any
    close that is not final reconnects with `?after=<last>`."""

    def __init__(self, server: Server, grid_id: int, session: str):
        self.server = server
        self.grid_id = grid_id
        self.session = session
        self.last: int | None = None
        self.post_ids: list[int] = []
        self.closes: list[int] = []
        self.ws = None

    async def connect(self) -> None:
        query = f"?after={self.last}" if self.last is not None else ""
        self.ws = await websockets.connect(
            f"ws://{self.server.url}/ws/grids/{self.grid_id}/{query}",
            additional_headers={
                "Cookie": f"sessionid={self.session}",
                "Origin": f"http://{self.server.url}",
            },
        )
        hello = json.loads(await asyncio.wait_for(self.ws.recv(), WAIT))
        assert hello["type"] == "hello", hello
        if self.last is None:
            self.last = hello["seq"]

    async def read_until(self, seq: int) -> None:
        while self.last < seq:
            try:
                message = json.loads(await asyncio.wait_for(self.ws.recv(), WAIT))
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else 1006
                assert code not in FINAL_CODES, f"closed for good with {code}"
                self.closes.append(code)
                assert len(self.closes) < 10, f"reconnecting in a loop: {self.closes}"
                await self.connect()
                continue
            assert message["type"] == "post.created", message
            assert message["seq"] == self.last + 1, (message["seq"], self.last)
            self.last = message["seq"]
            self.post_ids.append(message["post"]["id"])

    async def close(self) -> None:
        await self.ws.close()


def test_posts_made_while_redis_is_down_all_reach_the_board_once_it_is_back(outage, world):
    private, (server_a, server_b) = outage
    poster = session_for(world.resident_a)
    watchers = [session_for(world.resident_a2), session_for(world.worker_a)]

    def post(body: str) -> dict:
        return post_through(server_a, grid_id=world.grid_a.pk, session=poster, body=body)

    async def scenario():
        boards = [ResumingBoard(server_b, world.grid_a.pk, s) for s in watchers]
        for board in boards:
            await board.connect()
        created = [await asyncio.to_thread(post, "停电前")]
        for board in boards:
            await board.read_until(1)

        await asyncio.to_thread(private.stop)
        # REST goes on without Redis: every post is stored (the live send fails quietly).
        for body in ("停电中一", "停电中二", "停电中三"):
            created.append(await asyncio.to_thread(post, body))

        await asyncio.to_thread(private.start)
        # No new post yet: the open sockets catch up as soon as the layer is back.
        for board in boards:
            await board.read_until(len(created))
        await asyncio.to_thread(private.wait_for_subscriber, f"grid-{world.grid_a.pk}")
        created.append(await asyncio.to_thread(post, "恢复后"))
        for board in boards:
            await board.read_until(len(created))

        # A client that was away the whole time resumes from its last seq.
        late = ResumingBoard(server_b, world.grid_a.pk, watchers[0])
        late.last = 1
        await late.connect()
        await late.read_until(len(created))
        for board in (*boards, late):
            await board.close()
        return created, boards, late

    created, boards, late = asyncio.run(scenario())
    ids = [post["id"] for post in created]
    for board in boards:
        assert board.post_ids == ids
    assert late.post_ids == ids[1:]


def closed_port_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def test_the_cache_misses_instead_of_failing_while_redis_is_unreachable(caplog):
    from core.cache import DegradingRedisCache

    cache = DegradingRedisCache(closed_port_url(), {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("throttle_user_1", []) == []
    cache.set("throttle_user_1", [1.0], 60)
    assert cache.add("lock", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert not cache.has_key("a")
    cache.delete("a")
    assert "cache unavailable (get): ConnectionError" in caplog.text
    assert "Traceback" not in caplog.text


def test_a_post_is_created_when_the_channel_layer_cannot_reach_redis(world, settings):
    from channels.layers import channel_layers

    from grids.services import posts

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": closed_port_url(), "socket_connect_timeout": 1}]},
        }
    }
    channel_layers.backends.clear()
    try:
        post = posts.post_create(actor=world.resident_a, grid=world.grid_a, body="没有 Redis")
    finally:
        channel_layers.backends.clear()
    assert post.pk is not None
    world.grid_a.refresh_from_db()
    assert world.grid_a.board_seq == 1

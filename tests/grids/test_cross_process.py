"""A post made through one server process reaches a socket held by another.

Two uvicorn processes serve the project with channels-redis as the layer; a
resident's socket is on process B, another resident posts through process A's
REST API. Needs PostgreSQL and Redis (the processes share them), as in CI.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis
import websockets
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from tests.environment import require

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def shared_services_or_skip() -> None:
    require(
        connection.vendor == "postgresql" and bool(os.environ.get("REDIS_URL")),
        "PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_for(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


class Server:
    def __init__(self, port: int, env: dict, log: Path):
        self.url = f"127.0.0.1:{port}"
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "community.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"server on {port} died:\n{self.output()}")
            try:
                urllib.request.urlopen(f"http://{self.url}/", timeout=2).read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"server on {port} did not answer")
                time.sleep(0.1)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def two_servers(tmp_path):
    shared_services_or_skip()
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        THROTTLE_WRITE="1000/min",
    )
    env.pop("DJANGO_ENV", None)
    servers = [Server(free_port(), env, tmp_path / f"server-{i}.log") for i in (0, 1)]
    yield servers
    for server in servers:
        server.stop()
        print(f"--- {server.url}\n{server.output()}")  # shown when the test fails


def post_through(server: Server, *, grid_id: int, session: str, body: str) -> dict:
    request = urllib.request.Request(
        f"http://{server.url}/api/v1/grids/{grid_id}/posts/",
        data=json.dumps({"kind": "chat", "body": body}).encode(),
        # An app client's header: allauth's session token is the session key.
        headers={"Content-Type": "application/json", "X-Session-Token": session},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.loads(response.read())


def test_a_post_through_process_a_reaches_a_socket_on_process_b(world, two_servers):
    server_a, server_b = two_servers
    listener = session_for(world.resident_a2)
    poster = session_for(world.resident_a)

    async def scenario():
        async with websockets.connect(
            f"ws://{server_b.url}/ws/grids/{world.grid_a.pk}/",
            additional_headers={
                "Cookie": f"sessionid={listener}",
                "Origin": f"http://{server_b.url}",
            },
        ) as ws:
            hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert hello["type"] == "hello"
            created = await asyncio.to_thread(
                post_through, server_a, grid_id=world.grid_a.pk, session=poster, body="跨进程"
            )
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return hello, created, event

    hello, created, event = asyncio.run(scenario())
    assert event["type"] == "post.created"
    assert event["seq"] == hello["seq"] + 1
    assert event["post"]["id"] == created["id"]
    assert event["post"]["body"] == "跨进程"


def test_a_socket_still_hears_the_board_after_redis_drops_the_workers_subscription(
    world, two_servers
):
    """The pub/sub layer's connection is killed on the Redis side (a restart, a network
    blip): redis-py reconnects and subscribes again, and the next post arrives."""
    server_a, server_b = two_servers
    listener = session_for(world.resident_a2)
    poster = session_for(world.resident_a)
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    db = client.connection_pool.connection_kwargs.get("db", 0)

    def drop_subscriptions() -> int:
        mine = [c for c in client.client_list(_type="pubsub") if int(c["db"]) == db]
        for c in mine:
            client.client_kill_filter(_id=c["id"])
        return len(mine)

    async def scenario():
        async with websockets.connect(
            f"ws://{server_b.url}/ws/grids/{world.grid_a.pk}/",
            additional_headers={
                "Cookie": f"sessionid={listener}",
                "Origin": f"http://{server_b.url}",
            },
        ) as ws:
            hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert await asyncio.to_thread(drop_subscriptions) >= 1
            await asyncio.sleep(2)
            created = await asyncio.to_thread(
                post_through, server_a, grid_id=world.grid_a.pk, session=poster, body="重连后"
            )
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return hello, created, event

    hello, created, event = asyncio.run(scenario())
    client.close()
    assert event["seq"] == hello["seq"] + 1
    assert event["post"]["id"] == created["id"]

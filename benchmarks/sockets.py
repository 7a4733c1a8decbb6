"""Live-board sockets under pressure (issue 14, points 3 and 4): idle capacity of one
worker, clients that stop reading, and a burst of reconnects after a worker restart.

    .venv/bin/python benchmarks/sockets.py idle      # 10,000 idle sockets on one worker
    .venv/bin/python benchmarks/sockets.py stalled   # clients that stop reading
    .venv/bin/python benchmarks/sockets.py burst     # 1,000 sockets resume after a restart
    .venv/bin/python benchmarks/sockets.py <scenario> --help

The server is uvicorn with the production WebSocket options (permessage-deflate off;
uvloop and httptools as installed; keep-alive pings every 20 s with a 20 s timeout,
uvicorn's defaults), one worker, REDIS_URL set (the pub/sub channel layer). Members
and their sessions are made in a Django helper process; sockets authenticate with the
session cookie and a same-host Origin, as a browser does, and are opened by several
client processes (websockets asyncio client, no compression offered).

idle     Opens --sockets sockets spread over --grids grids of one community, from
         --client-procs processes, then leaves them idle. Per round (a fresh server each
         round): the time to accept them all (first connect → last hello) and the accept
         rate; the worker's RSS before and after, and per socket; the worker's CPU while
         idle over --idle seconds (from /proc, pings included); the Redis connections the
         worker holds. Targets: ≤ 25 % of a core, ≤ 1.5 GiB RSS.
stalled  One grid, --normal reading subscribers and --stalled clients that read the hello
         and then never read again (a raw socket with a small receive buffer, so the TCP
         window closes soon), while a poster posts --rate posts/s with long bodies. The
         worker's RSS is sampled over time, with CHANNELS_SOCKET_QUEUE effectively
         unbounded (10**9) and then at the default 200. Afterwards each stalled client
         reads what reached it: events, and the close code (4408 SLOW_CLIENT, 1011 ping
         timeout or none); the server's Send-Q to the stalled sockets is read with `ss`.
burst    --sockets sockets on one grid, a poster at --rate posts/s throughout; the worker is
         stopped (SIGTERM) and started again on the same port, every client reconnects at
         once with ?after=<last seq it saw> (as static/js/board.js does, without its
         0.5-1 s jittered first delay unless --reconnect=live.js). Per client, every seq
         must arrive exactly once; a probe process GETs the feed as a member one request at
         a time, and its p50/p95/p99 while the sockets come back are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The benchmarks' own Redis database for this script (before common reads it).
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
# As in production (README.md): psycopg's pool per worker, its default size. Without it
# every database_sync_to_async call of a handshake opens a new PostgreSQL connection.
os.environ.setdefault("DATABASE_POOL", "on")
os.environ.setdefault("DATABASE_POOL_MAX", "10")

from benchmarks import common
from benchmarks.fanout import POSTER_PASSWORD, Poster

GIB = 1024**3
MIB = 1024**2
IDLE_CPU_TARGET = 25.0  # % of one core
IDLE_RSS_TARGET = 1.5 * GIB
REST_P99_TARGET_MS = 1000
SERVER_OPTIONS = [
    "--ws-per-message-deflate=false",
    "--ws-ping-interval",
    "20",
    "--ws-ping-timeout",
    "20",
]
# A long post: 2,000 CJK characters (the most a post holds), 6 KB in UTF-8, 12 KB as the
# event's JSON (ensure_ascii escapes).
LONG_BODY = ("邻里互助，楼道通知，停水停电，快递代收，" * 100)[:2000]


# ---------------------------------------------------------------- Django helper


def setup_community(argv: list[str]) -> None:
    """Runs inside Django: one community with --grids grids of --members members each
    (distinct people, a session each), a poster and a probe member in the first grid."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--grids", type=int, required=True)
    parser.add_argument("--members", type=int, required=True)
    args = parser.parse_args(argv)

    import datetime

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from grids.models import Community, Grid, MicroGrid
    from residents.models import User

    stamp = time.strftime("%Y%m%d-%H%M%S")
    expires = timezone.now() + datetime.timedelta(days=1)
    store = SessionStore()

    def session_for(user) -> Session:
        return Session(
            session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )

    with transaction.atomic():
        community = Community.objects.create(
            name=f"套接字 {stamp}", street="基准街道", city="基准市"
        )
        base = (User.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        grids, per_grid = [], []
        for g in range(args.grids):
            grid = Grid.objects.create(community=community, number=g + 1, name=f"网格{g + 1}")
            buildings = [MicroGrid.objects.create(grid=grid, label=f"{k}号楼") for k in range(1, 6)]
            extra = 2 if g == 0 else 0  # the poster and the probe
            users = User.objects.bulk_create(
                User(
                    phone=f"+8616{base + k:09d}",
                    display_name=f"居民{g + 1}-{k}",
                    password="!bench-unusable-password",
                    phone_verified=True,
                )
                for k in range(args.members + extra)
            )
            base += len(users)
            common.members_join(grid, users, buildings)
            if g == 0:
                poster, probe, users = users[0], users[1], users[2:]
                poster.set_password(POSTER_PASSWORD)
                poster.save(update_fields=["password"])
                probe_session = session_for(probe)
                Session.objects.bulk_create([probe_session])
            sessions = [session_for(user) for user in users]
            Session.objects.bulk_create(sessions, batch_size=2000)
            grids.append(grid.pk)
            per_grid.append([s.session_key for s in sessions])
    common.helper_result(
        {
            "grids": grids,
            "sessions": per_grid,
            "poster_phone": poster.phone,
            "probe_session": probe_session.session_key,
        }
    )


def prepare(args, grids: int, members: int) -> dict:
    common.check_db_name(args.db)
    common.db_drop(args.db)
    common.db_create(args.db)
    common.db_migrate(args.db)
    prepared = common.run_helper(
        __file__, ["_setup", "--grids", str(grids), "--members", str(members)], args.db
    )
    common.redis_client().flushdb()  # the benchmarks' own Redis database
    return prepared


# ---------------------------------------------------------------- measuring the server


def redis_connections() -> int:
    """Connections to the benchmarks' Redis database, this process's own left out."""
    redis = common.redis_client()
    mine = redis.client_id()
    db = redis.connection_pool.connection_kwargs.get("db", 0)
    return sum(1 for c in redis.client_list() if int(c["db"]) == db and int(c["id"]) != mine)


def start_profile(path: str, server: common.Server) -> subprocess.Popen:
    """py-spy on the worker: speedscope JSON, or collapsed stacks for a .txt path."""
    fmt = "raw" if path.endswith(".txt") else "speedscope"
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(server.pids()[-1]),
            "--format",
            fmt,
            "--output",
            path,
            "--rate",
            "200",
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_profile(spy: subprocess.Popen) -> None:
    spy.send_signal(signal.SIGINT)
    spy.wait(timeout=60)


def ss_rows(port: int, side: str) -> list[list[str]]:
    out = subprocess.run(
        ["ss", "-tnH", "state", "established", f"( {side} = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [line.split() for line in out.splitlines() if line.strip()]


def client_ports(port: int) -> list[int]:
    """Local ports of the clients' established sockets to the server."""
    return [int(row[2].rsplit(":", 1)[1]) for row in ss_rows(port, "dport") if len(row) >= 4]


def stalled_queues(port: int, ports: set[int]) -> tuple[int, int]:
    """Bytes the kernel holds for the stalled sockets: the server ends' Send-Q (sent,
    not yet acknowledged or not yet sendable) and the clients' Recv-Q (not yet read)."""
    sendq = recvq = 0
    for row in ss_rows(port, "sport"):  # server end: local = server port, peer = client
        if len(row) >= 4 and int(row[3].rsplit(":", 1)[1]) in ports:
            sendq += int(row[1])
    for row in ss_rows(port, "dport"):  # client end: local = client port
        if len(row) >= 4 and int(row[2].rsplit(":", 1)[1]) in ports:
            recvq += int(row[0])
    return sendq, recvq


def mib(value: float) -> str:
    return f"{value / MIB:.0f} MiB"


# ---------------------------------------------------------------- client processes


def client_process(conn, **kwargs) -> None:
    common.raise_fd_limit(len(kwargs["sessions"]) + 200)
    asyncio.run(_clients(conn, **kwargs))


async def _clients(conn, *, port, sessions, concurrency, record, reconnect) -> None:
    """Hold one socket per (grid, session). Commands from the parent, over `conn`:
    go (open them all), status, report, close. With `record`, every seq is kept and a
    closed socket reconnects with ?after=<last seq seen>."""
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    n = len(sessions)
    last = [0] * n  # last seq seen
    seqs: list[list[int]] = [[] for _ in sessions]
    hellos: list[list[tuple[float, int]]] = [[] for _ in sessions]  # (time, seq) per connection
    open_now = [False] * n
    closes: dict[str, int] = {}
    failures: list[str] = []
    retries = [0]
    gate = asyncio.Semaphore(concurrency)
    stopping = False
    origin = f"http://127.0.0.1:{port}"

    async def one(i: int) -> None:
        grid, key = sessions[i]
        attempt = 0
        while not stopping:
            url = f"ws://127.0.0.1:{port}/ws/grids/{grid}/"
            if hellos[i]:
                url += f"?after={last[i]}"
            try:
                async with gate:
                    ws = await connect(
                        url,
                        additional_headers={"Cookie": f"sessionid={key}"},
                        origin=origin,
                        compression=None,
                        ping_interval=None,
                        open_timeout=120,
                        close_timeout=5,
                        max_queue=None,
                    )
                    first = json.loads(await ws.recv())
                    assert first["type"] == "hello", first
            except Exception as exc:
                if not record:
                    failures.append(f"{type(exc).__name__}: {exc}")
                    return
                retries[0] += 1
                attempt += 1
                if reconnect == "live.js":
                    ceiling = min(30.0, 1.0 * 2**attempt)
                    await asyncio.sleep(ceiling * (0.5 + random.random() / 2))
                else:
                    await asyncio.sleep(0.1)  # refused while the worker restarts: try again
                continue
            attempt = 0
            hellos[i].append((time.time(), first["seq"]))
            if len(hellos[i]) == 1:
                last[i] = first["seq"]
            open_now[i] = True
            try:
                async for raw in ws:
                    if record:
                        seq = json.loads(raw).get("seq")
                        if seq is not None:
                            seqs[i].append(seq)
                            last[i] = max(last[i], seq)
            except Exception:
                pass
            open_now[i] = False
            code = ws.close_code
            closes[str(code)] = closes.get(str(code), 0) + 1
            if not record or stopping:
                return
            if reconnect == "live.js":
                await asyncio.sleep(0.5 + random.random() / 2)
        return

    command = await loop.run_in_executor(None, conn.recv)
    assert command == "go"
    started = time.time()
    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    while sum(bool(h) for h in hellos) + len(failures) < n:
        await asyncio.sleep(0.02)
    done = max((h[0][0] for h in hellos if h), default=started)
    conn.send(
        {
            "opened": sum(open_now),
            "failed": len(failures),
            "failures": failures[:5],
            "started": started,
            "done": done,
        }
    )
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command == "status":
            conn.send(
                {
                    "open": sum(open_now),
                    "closes": dict(closes),
                    "retries": retries[0],
                    "last": list(last),
                    "hellos": [len(h) for h in hellos],
                }
            )
        elif command == "report":
            conn.send({"seqs": seqs, "hellos": hellos, "closes": dict(closes)})
        elif command == "close":
            stopping = True
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            conn.send("closed")
            return


class Clients:
    """--client-procs processes holding the sockets, driven over pipes."""

    def __init__(self, port, pairs, procs, concurrency, record=False, reconnect="at-once"):
        context = multiprocessing.get_context("fork")
        share = -(-len(pairs) // procs)
        self.procs, self.pipes = [], []
        for k in range(procs):
            mine = pairs[k * share : (k + 1) * share]
            if not mine:
                continue
            parent, child = context.Pipe()
            proc = context.Process(
                target=client_process,
                args=(child,),
                kwargs=dict(
                    port=port,
                    sessions=mine,
                    concurrency=concurrency,
                    record=record,
                    reconnect=reconnect,
                ),
            )
            proc.start()
            self.procs.append(proc)
            self.pipes.append(parent)

    def open(self) -> dict:
        for pipe in self.pipes:
            pipe.send("go")
        ready = [pipe.recv() for pipe in self.pipes]
        return {
            "opened": sum(r["opened"] for r in ready),
            "failed": sum(r["failed"] for r in ready),
            "failures": [f for r in ready for f in r["failures"]][:5],
            "seconds": max(r["done"] for r in ready) - min(r["started"] for r in ready),
        }

    def ask(self, command: str) -> list:
        for pipe in self.pipes:
            pipe.send(command)
        return [pipe.recv() for pipe in self.pipes]

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send("close")
                pipe.recv()
            except (EOFError, OSError):
                pass
        for proc in self.procs:
            proc.join(timeout=20)
            if proc.is_alive():
                proc.terminate()


def pairs_for(prepared: dict, per_grid: int | None = None) -> list[tuple[int, str]]:
    pairs = []
    for grid, keys in zip(prepared["grids"], prepared["sessions"], strict=True):
        pairs += [(grid, key) for key in keys[:per_grid]]
    return pairs


def start_server(args, ping: str = "20", **env) -> common.Server:
    options = [SERVER_OPTIONS[0], "--ws-ping-interval", ping, "--ws-ping-timeout", ping]
    return common.Server(dbname=args.db, port=args.port, extra_args=options, env=env).start()


def setup_block(args, title: str, extra: dict) -> None:
    soft, hard = common.raise_fd_limit(args.sockets + 500 if hasattr(args, "sockets") else 4096)
    redis = common.redis_client()
    info = common.setup_info(args.db)
    info.update(
        {
            "server": "uvicorn community.asgi:application, 1 worker, DEBUG=false, pub/sub "
            f"channel layer; options: {' '.join(SERVER_OPTIONS)}",
            "database connections": common.connection_mode(),
            "limits": f"RLIMIT_NOFILE {soft}/{hard} (server and clients); Redis maxclients "
            f"{redis.config_get('maxclients')['maxclients']}",
            **extra,
        }
    )
    common.print_setup(title, info)


# ---------------------------------------------------------------- idle


def run_idle(args) -> None:
    common.raise_fd_limit(args.sockets + 500)
    per_grid = -(-args.sockets // args.grids)
    prepared = prepare(args, args.grids, per_grid)
    pairs = pairs_for(prepared)[: args.sockets]
    setup_block(
        args,
        "idle sockets benchmark setup",
        {
            "sockets": f"{len(pairs):,} idle authenticated sockets (session cookie + Origin), "
            f"{args.grids} grids × {per_grid:,} members of one community, from "
            f"{args.client_procs} client processes × ≤{-(-len(pairs) // args.client_procs):,} "
            f"(websockets {common._version('websockets')} asyncio client, at most "
            f"{args.concurrency} handshakes in flight per process)",
            "idle window": f"{args.idle:g} s of steady state per round, server pings every 20 s",
            "rounds": f"{args.rounds}, a fresh server each",
        },
    )
    rounds = []
    for round_no in range(1, args.rounds + 1):
        server = start_server(args)
        clients = None
        try:
            time.sleep(2)
            rss_before = server.rss_bytes()
            redis_before = redis_connections()
            clients = Clients(args.port, pairs, args.client_procs, args.concurrency)
            time.sleep(1)  # the client processes are up
            cpu0 = server.cpu_seconds()
            spy = start_profile(args.profile, server) if args.profile and round_no == 1 else None
            opened = clients.open()
            accept_cpu = server.cpu_seconds() - cpu0
            if spy is not None:
                stop_profile(spy)
            for failure in opened["failures"]:
                print(f"  !! {failure}")
            time.sleep(5)  # the last handshakes' work settles
            rss_open = server.rss_bytes()
            redis_open = redis_connections()
            cpu1, t1 = server.cpu_seconds(), time.monotonic()
            peak = rss_open
            while time.monotonic() - t1 < args.idle:
                time.sleep(2)
                peak = max(peak, server.rss_bytes())
            cpu2, t2 = server.cpu_seconds(), time.monotonic()
            rss_after = server.rss_bytes()
            status = clients.ask("status")
            still_open = sum(s["open"] for s in status)
            closes = {}
            for s in status:
                for code, count in s["closes"].items():
                    closes[code] = closes.get(code, 0) + count
            result = {
                "opened": opened["opened"],
                "failed": opened["failed"],
                "accept_s": opened["seconds"],
                "accept_rate": opened["opened"] / opened["seconds"],
                "accept_cpu_ms": accept_cpu / max(1, opened["opened"]) * 1000,
                "rss_before": rss_before / MIB,
                "rss_after": max(rss_after, peak) / MIB,
                "rss_per_socket_kib": (rss_after - rss_before) / max(1, opened["opened"]) / 1024,
                "idle_cpu_pct": (cpu2 - cpu1) / (t2 - t1) * 100,
                "redis": redis_open,
                "redis_before": redis_before,
                "still_open": still_open,
            }
            rounds.append(result)
            print(
                f"  round {round_no}: {result['opened']:,} open ({result['failed']} failed) in "
                f"{result['accept_s']:.1f} s = {result['accept_rate']:.0f} sockets/s "
                f"({result['accept_cpu_ms']:.2f} ms worker CPU each); RSS "
                f"{mib(rss_before)} → {mib(rss_after)} (peak {mib(peak)}), "
                f"{result['rss_per_socket_kib']:.1f} KiB per socket; idle CPU "
                f"{result['idle_cpu_pct']:.1f} % of a core over {t2 - t1:.0f} s; Redis "
                f"connections {redis_before} → {redis_open}; still open {still_open:,}, "
                f"closed meanwhile {closes or 0}; load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
        finally:
            if clients is not None:
                clients.close()
            server.stop()
    log = server.log_tail(100000)
    print(f"\n== results: median (min–max) over {len(rounds)} rounds")
    for label, key in (
        ("sockets open", "opened"),
        ("time to accept them all, s", "accept_s"),
        ("accept rate, sockets/s", "accept_rate"),
        ("worker CPU per accepted socket, ms", "accept_cpu_ms"),
        ("worker RSS before, MiB", "rss_before"),
        ("worker RSS with every socket open (peak), MiB", "rss_after"),
        ("RSS per socket, KiB", "rss_per_socket_kib"),
        ("worker CPU while idle, % of one core", "idle_cpu_pct"),
        ("Redis connections of the worker (sockets open)", "redis"),
        ("sockets still open at the end", "still_open"),
    ):
        print(f"  {label:<52}{common.spread([r[key] for r in rounds]):>30}")
    cpu = common.median([r["idle_cpu_pct"] for r in rounds])
    rss = common.median([r["rss_after"] for r in rounds]) * MIB
    cpu_met = "met" if cpu <= IDLE_CPU_TARGET else "MISSED"
    print(
        f"  target ≤ {IDLE_CPU_TARGET:.0f} % of a core: {cpu_met} "
        f"({cpu:.1f} %); target ≤ 1.5 GiB RSS: {'met' if rss <= IDLE_RSS_TARGET else 'MISSED'} "
        f"({rss / GIB:.2f} GiB); server log of the last round: "
        f"{log.count('Traceback')} tracebacks"
    )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


# ---------------------------------------------------------------- stalled


class StalledClient:
    """A raw TCP socket that does the WebSocket handshake, reads the hello, and then
    never reads again (its small receive buffer closes the TCP window soon)."""

    def __init__(self, port: int, grid: int, key: str, rcvbuf: int):
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self.protocol = ClientProtocol(parse_uri(f"ws://127.0.0.1:{port}/ws/grids/{grid}/"))
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(("127.0.0.1", port))
        request = self.protocol.connect()
        request.headers["Cookie"] = f"sessionid={key}"
        request.headers["Origin"] = f"http://127.0.0.1:{port}"
        self.protocol.send_request(request)
        self.sock.sendall(b"".join(self.protocol.data_to_send()))
        self.events = 0
        self.hello = None
        self.close_code = None
        self.eof = False
        self.sock.settimeout(30)
        while self.hello is None:
            self._feed(self.sock.recv(4096))

    def _feed(self, data: bytes) -> None:
        from websockets.frames import Opcode

        if not data:
            self.eof = True
            self.protocol.receive_eof()
        else:
            self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            opcode = getattr(event, "opcode", None)
            if opcode == Opcode.TEXT:
                message = json.loads(event.data)
                if message.get("type") == "hello":
                    self.hello = message["seq"]
                else:
                    self.events += 1
            elif opcode == Opcode.CLOSE and self.protocol.close_rcvd is not None:
                self.close_code = self.protocol.close_rcvd.code
        self.protocol.data_to_send()  # pongs and close replies are not sent: it is stalled

    def read_all(self, seconds: float) -> None:
        """The client wakes up: read whatever reaches it for up to `seconds`."""
        self.sock.settimeout(0.5)
        deadline = time.monotonic() + seconds
        quiet = 0
        while not self.eof and time.monotonic() < deadline:
            try:
                self._feed(self.sock.recv(65536))
                quiet = 0
            except TimeoutError:
                quiet += 1
                if self.close_code is not None or quiet >= 4:
                    break  # closed, or 2 s without a byte: all that was held has arrived
            except OSError:
                self.eof = True
        self.sock.close()


def run_stalled(args) -> None:
    prepared = prepare(args, 1, args.normal + args.stalled)
    grid = prepared["grids"][0]
    keys = prepared["sessions"][0]
    setup_block(
        args,
        "stalled clients benchmark setup",
        {
            "board": f"grid {grid}: {args.normal} reading subscribers (websockets asyncio "
            f"client) + {args.stalled} stalled clients (raw socket, SO_RCVBUF {args.rcvbuf} B, "
            "reads the hello, then nothing)",
            "posts": f"{args.rate:g} posts/s (for --seconds {args.seconds:g} unless the "
            f"configuration says), body {len(LONG_BODY)} "
            f"characters ({len(LONG_BODY.encode())} B UTF-8)",
            "configurations": f"{args.configs} (CHANNELS_SOCKET_QUEUE:uvicorn ping interval "
            "and timeout, s; 1e9 is effectively unbounded, 200 the default; 0 = no pings)",
            "rounds": f"{args.rounds} per configuration, a fresh server each",
        },
    )
    summary = {}
    for config in args.configs.split(","):
        bound_text, ping, *seconds = config.split(":")
        bound = int(float(bound_text))
        seconds = float(seconds[0]) if seconds else args.seconds
        label = f"queue {bound_text}, pings {'off' if ping == '0' else ping + ' s'}"
        summary[label] = []
        for round_no in range(1, args.rounds + 1):
            result = stalled_round(args, grid, keys, prepared, bound, ping, seconds)
            summary[label].append(result)
            step = max(1, len(result["curve"]) // 10)
            curve = " ".join(
                f"{t:.0f}s:{r:.0f}/{q:.0f}/{c:.0f}" for t, r, q, c in result["curve"][::step]
            )
            print(
                f"  {label}, round {round_no}: RSS {result['rss0']:.0f} → "
                f"{result['rss_end']:.0f} MiB (+{result['growth']:.1f}); over time "
                f"[s: RSS MiB / server Send-Q KiB / clients' Recv-Q KiB, stalled sockets] "
                f"{curve}; {result['posts']} posts ({result['post_failures']} failed); "
                f"normal subscribers got {result['normal_events_min']}–"
                f"{result['normal_events_max']} events each, closes "
                f"{result['normal_closes'] or 'none'}; stalled sockets still established at "
                f"the end {result['stalled_established']}; stalled clients, once they read: "
                f"events {result['stalled_events_min']}–{result['stalled_events_max']}, close "
                f"codes {result['stalled_codes']}; server log: {result['overflows']} overflow "
                f"line(s), {result['tracebacks']} traceback(s); load average "
                f"{os.getloadavg()[0]:.2f}",
                flush=True,
            )
    print(f"\n== results: median (min–max) over {args.rounds} rounds per configuration")
    print(f"  {'':<52}" + "".join(f"{label:>30}" for label in summary))
    for label, key in (
        ("worker RSS at start, MiB", "rss0"),
        ("worker RSS at the end of posting, MiB", "rss_end"),
        ("growth during posting, MiB", "growth"),
        ("growth per minute, last half of posting, MiB", "slope"),
        ("server Send-Q to stalled sockets at the end, KiB", "sendq_kib"),
        ("clients' Recv-Q of stalled sockets at the end, KiB", "recvq_kib"),
        ("events a stalled client reads when it wakes", "stalled_events_max"),
        ("stalled clients closed with 4408", "closed_4408"),
        ("stalled clients closed with 1011 (ping timeout)", "closed_1011"),
        ("normal subscribers: events missing (all)", "normal_missing"),
    ):
        cells = "".join(f"{common.spread([r[key] for r in summary[b]]):>30}" for b in summary)
        print(f"  {label:<52}{cells}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def stalled_round(args, grid, keys, prepared, bound, ping, seconds) -> dict:
    server = start_server(args, ping, CHANNELS_SOCKET_QUEUE=str(bound), LOG_LEVEL="INFO")
    clients = None
    stalled: list[StalledClient] = []
    try:
        normal_pairs = [(grid, key) for key in keys[: args.normal]]
        clients = Clients(args.port, normal_pairs, 1, 50, record=True)
        clients.open()
        stalled = [
            StalledClient(args.port, grid, key, args.rcvbuf)
            for key in keys[args.normal : args.normal + args.stalled]
        ]
        poster = Poster(args.port, grid)
        poster.login(prepared["poster_phone"])
        time.sleep(1)
        rss0 = server.rss_bytes()
        stalled_ports = {c.sock.getsockname()[1] for c in stalled}

        def sample() -> tuple[float, float, float, float]:
            sendq, recvq = stalled_queues(args.port, stalled_ports)
            return (time.monotonic() - begin, server.rss_bytes() / MIB, sendq / 1024, recvq / 1024)

        begin = time.monotonic()
        curve = [sample()]
        posts = failures = 0
        next_sample = begin + 2
        k = 0
        while time.monotonic() - begin < seconds:
            due = begin + k / args.rate
            if (pause := due - time.monotonic()) > 0:
                time.sleep(pause)
            k += 1
            try:
                poster.post(f"{k:04d} {LONG_BODY[:1990]}")
                posts += 1
            except (OSError, SystemExit, http.client.HTTPException):
                failures += 1
            if time.monotonic() >= next_sample:
                curve.append(sample())
                next_sample += 2
        time.sleep(3)
        rss_end = server.rss_bytes()
        curve.append(sample())
        established = len(stalled_ports & set(client_ports(args.port)))
        half = [point for point in curve if point[0] >= seconds / 2]
        slope = (
            (half[-1][1] - half[0][1]) / (half[-1][0] - half[0][0]) * 60
            if len(half) > 1 and half[-1][0] > half[0][0]
            else float("nan")
        )
        status = clients.ask("status")[0]
        report = clients.ask("report")[0]
        normal_counts = [len(s) for s in report["seqs"]]
        threads = [
            threading.Thread(target=client.read_all, args=(args.read_seconds,))
            for client in stalled
        ]  # they all wake up together
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        codes: dict[str, int] = {}
        for client in stalled:
            code = (
                str(client.close_code) if client.close_code else ("eof" if client.eof else "open")
            )
            codes[code] = codes.get(code, 0) + 1
        log = server.log_tail(10**7)
        return {
            "rss0": rss0 / MIB,
            "rss_end": rss_end / MIB,
            "growth": (rss_end - rss0) / MIB,
            "slope": slope,
            "curve": curve,
            "posts": posts,
            "post_failures": failures,
            "normal_events_min": min(normal_counts, default=0),
            "normal_events_max": max(normal_counts, default=0),
            "normal_missing": sum(max(0, posts - c) for c in normal_counts),
            "normal_closes": status["closes"],
            "sendq_kib": curve[-1][2],
            "recvq_kib": curve[-1][3],
            "stalled_established": established,
            "stalled_events_min": min(c.events for c in stalled),
            "stalled_events_max": max(c.events for c in stalled),
            "stalled_codes": codes,
            "closed_4408": codes.get("4408", 0),
            "closed_1011": codes.get("1011", 0),
            "overflows": log.count("messages behind"),
            "tracebacks": log.count("Traceback"),
        }
    finally:
        for client in stalled:
            client.sock.close()
        if clients is not None:
            clients.close()
        server.stop()


# ---------------------------------------------------------------- burst


def probe_process(conn, port: int, grid: int, key: str) -> None:
    """GET the feed as a member, one request at a time, until told to stop."""
    samples = []
    stop = threading.Event()
    threading.Thread(target=lambda: (conn.recv(), stop.set()), daemon=True).start()
    while not stop.is_set():
        t0 = time.time()
        try:
            status, _ = common.http_get(
                port, f"/api/v1/grids/{grid}/posts/", {"Cookie": f"sessionid={key}"}
            )
        except OSError:
            status = 0
        samples.append((t0, time.time() - t0, status))
        if status != 200:
            time.sleep(0.05)
    conn.send(samples)


class Posting(threading.Thread):
    """Posts at `rate` per second until stopped; a refused or failed post is counted
    and the next one goes on schedule."""

    def __init__(self, port, grid, phone, rate):
        super().__init__(daemon=True)
        self.port, self.grid, self.rate = port, grid, rate
        self.poster = Poster(port, grid)
        self.poster.login(phone)
        self.stopped = threading.Event()
        self.posted = self.failed = 0

    def run(self) -> None:
        begin = time.monotonic()
        k = 0
        while not self.stopped.is_set():
            due = begin + k / self.rate
            if (pause := due - time.monotonic()) > 0:
                time.sleep(pause)
            k += 1
            try:
                self.poster.post(f"重连测试 第{k}帖 " + LONG_BODY[:200])
                self.posted += 1
            except (OSError, SystemExit, http.client.HTTPException):
                self.failed += 1
                self.poster.conn.close()
                self.poster.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)


def board_seq(dbname: str, grid: int) -> int:
    with common.connect(dbname) as conn:
        return conn.execute("SELECT board_seq FROM grids_grid WHERE id = %s", [grid]).fetchone()[0]


def run_burst(args) -> None:
    prepared = prepare(args, 1, args.sockets)
    grid = prepared["grids"][0]
    pairs = pairs_for(prepared)[: args.sockets]
    setup_block(
        args,
        "reconnect burst benchmark setup",
        {
            "board": f"grid {grid}: {len(pairs):,} sockets from {args.client_procs} client "
            f"processes; a poster at {args.rate:g} posts/s throughout (210-character bodies)",
            "restart": f"{args.rounds} rounds: SIGTERM the worker, start it again on the same "
            f"port; clients reconnect with ?after=<last seq seen>, {args.reconnect}"
            + (" (retry every 0.1 s while refused)" if args.reconnect == "at-once" else ""),
            "probe": "one process, GET /api/v1/grids/<id>/posts/ as a member (session "
            "cookie), one request at a time, a new connection each",
        },
    )
    common.raise_fd_limit(args.sockets + 500)
    burst_once(args, prepared, grid, pairs)


def burst_once(args, prepared, grid, pairs) -> None:
    server = start_server(args)
    clients = Clients(
        args.port, pairs, args.client_procs, 100, record=True, reconnect=args.reconnect
    )
    context = multiprocessing.get_context("fork")
    probe_pipe, probe_child = context.Pipe()
    probe = context.Process(
        target=probe_process,
        args=(probe_child, args.port, grid, prepared["probe_session"]),
    )
    posting = None
    rounds = []
    try:
        opened = clients.open()
        print(f"== {opened['opened']:,} sockets open in {opened['seconds']:.1f} s")
        probe.start()
        posting = Posting(args.port, grid, prepared["poster_phone"], args.rate)
        posting.start()
        time.sleep(args.steady)
        for _ in range(args.rounds):
            before = clients.ask("status")
            hellos_before = sum(sum(s["hellos"]) for s in before)
            t_stop = time.time()
            server.stop()
            t_stopped = time.time()
            server.start()
            t_up = time.time()
            # Until every socket has a new hello (it is back), at most --wait seconds.
            deadline = time.monotonic() + args.wait
            while time.monotonic() < deadline:
                status = clients.ask("status")
                if sum(sum(s["hellos"]) for s in status) >= hellos_before + len(pairs) and sum(
                    s["open"] for s in status
                ) == len(pairs):
                    break
                time.sleep(0.1)
            t_polled = time.time()
            time.sleep(args.steady)
            rounds.append(
                {
                    "stop": t_stop,
                    "stopped": t_stopped,
                    "up": t_up,
                    "polled": t_polled,
                    "open": sum(s["open"] for s in status),
                }
            )
        posting.stopped.set()
        posting.join(timeout=30)
        final = board_seq(args.db, grid)
        # Every client should reach the final seq.
        deadline = time.monotonic() + args.wait
        while time.monotonic() < deadline:
            status = clients.ask("status")
            if all(seq >= final for s in status for seq in s["last"]):
                break
            time.sleep(0.25)
        probe_pipe.send("stop")
        samples = probe_pipe.recv()
        reports = clients.ask("report")
    finally:
        if posting is not None:
            posting.stopped.set()
        clients.close()
        if probe.is_alive():
            probe.join(timeout=10)
        log = server.log_tail(10**7)
        server.stop()
    summarise_burst(args, rounds, reports, samples, final, posting, log, len(pairs))


def summarise_burst(args, rounds, reports, samples, final, posting, log, wanted) -> None:
    gaps = duplicates = complete = 0
    hello_lists = []
    for report in reports:
        for seqs, hellos in zip(report["seqs"], report["hellos"], strict=True):
            if not hellos:
                continue
            start = hellos[0][1]
            expected = set(range(start + 1, final + 1))
            seen = set(seqs)
            gaps += len(expected - seen)
            duplicates += len(seqs) - len(seen)
            complete += seen >= expected and len(seqs) == len(seen)
            hello_lists.append(hellos)
    baseline = [s for s in samples if s[0] < rounds[0]["stop"] and s[2] == 200]
    results = []
    for k, r in enumerate(rounds):
        # The k-th reconnect of each client: its (k + 2)-th hello.
        backs = [h[k + 1][0] for h in hello_lists if len(h) > k + 1]
        last_back = max(backs, default=float("nan"))
        window = [s[1] * 1000 for s in samples if r["up"] <= s[0] <= last_back + 2 and s[2] == 200]
        refused = sum(1 for s in samples if r["stop"] <= s[0] <= r["up"] and s[2] != 200)
        results.append(
            {
                "back": len(backs),
                "all_back_from_up": last_back - r["up"],
                "all_back_from_stop": last_back - r["stop"],
                "p50_back_from_up": common.percentile([b - r["up"] for b in backs], 50),
                "down_s": r["up"] - r["stop"],
                "stop_s": r["stopped"] - r["stop"],
                "window": window,
                "rest_n": len(window),
                "rest_p50": common.percentile(window, 50),
                "rest_p95": common.percentile(window, 95),
                "rest_p99": common.percentile(window, 99),
                "rest_max": max(window, default=float("nan")),
                "rest_errors_after_up": sum(
                    1 for s in samples if r["up"] <= s[0] <= last_back + 2 and s[2] != 200
                ),
                "refused_while_down": refused,
            }
        )
        x = results[-1]
        print(
            f"  round {k + 1}: worker down {x['down_s']:.1f} s (stop {x['stop_s']:.1f} s); "
            f"{x['back']:,}/{wanted:,} back, all within {x['all_back_from_up']:.2f} s of the "
            f"worker answering (p50 {x['p50_back_from_up']:.2f} s; "
            f"{x['all_back_from_stop']:.1f} s from SIGTERM); REST during the burst "
            f"(n={x['rest_n']}): p50 {x['rest_p50']:.0f} p95 {x['rest_p95']:.0f} p99 "
            f"{x['rest_p99']:.0f} max {x['rest_max']:.0f} ms, errors {x['rest_errors_after_up']}"
        )
    base = [s[1] * 1000 for s in baseline]
    pooled = [w for r in results for w in r["window"]]
    print(f"\n== results: median (min–max) over {len(results)} restarts")
    for label, key in (
        ("worker down (SIGTERM → answering again), s", "down_s"),
        ("sockets back", "back"),
        ("all back, from the worker answering, s", "all_back_from_up"),
        ("half back, from the worker answering, s", "p50_back_from_up"),
        ("all back, from SIGTERM, s", "all_back_from_stop"),
        ("REST GET during the burst, p50 ms", "rest_p50"),
        ("REST GET during the burst, p95 ms", "rest_p95"),
        ("REST GET during the burst, p99 ms", "rest_p99"),
        ("REST GET during the burst, max ms", "rest_max"),
        ("REST GET requests during the burst", "rest_n"),
        ("REST errors after the worker answered", "rest_errors_after_up"),
    ):
        print(f"  {label:<52}{common.spread([r[key] for r in results]):>30}")
    print(
        f"  REST GET before any restart (steady, {len(base)} requests): p50 "
        f"{common.percentile(base, 50):.0f} p95 {common.percentile(base, 95):.0f} p99 "
        f"{common.percentile(base, 99):.0f} ms"
    )
    print(
        f"  REST GET during every burst, pooled ({len(pooled)} requests): p50 "
        f"{common.percentile(pooled, 50):.0f} p95 {common.percentile(pooled, 95):.0f} p99 "
        f"{common.percentile(pooled, 99):.0f} max {max(pooled, default=float('nan')):.0f} ms"
    )
    print(
        f"  posts made {posting.posted}, failed or refused while the worker was down "
        f"{posting.failed}; final board seq {final}; clients complete (every seq exactly "
        f"once) {complete:,}/{wanted:,}; seq gaps {gaps}, duplicates {duplicates}; server log "
        f"(last run): {log.count('Traceback')} tracebacks"
    )
    p99 = common.median([r["rest_p99"] for r in results])
    whole = gaps == 0 and duplicates == 0 and complete == wanted
    print(
        f"  target 0 gaps: {'met' if whole else 'MISSED'}; "
        f"target REST p99 ≤ {REST_P99_TARGET_MS} ms during the burst: "
        f"{'met' if p99 <= REST_P99_TARGET_MS else 'MISSED'} ({p99:.0f} ms)"
    )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


# ---------------------------------------------------------------- main


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_setup":
        setup_community(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="linli_bench_sockets")
    parser.add_argument("--port", type=int, default=8741)
    sub = parser.add_subparsers(dest="scenario", required=True)

    idle = sub.add_parser("idle", help="idle capacity of one worker")
    idle.add_argument("--sockets", type=int, default=10_000)
    idle.add_argument("--grids", type=int, default=10)
    idle.add_argument("--client-procs", type=int, default=5)
    idle.add_argument("--concurrency", type=int, default=100, help="handshakes per process")
    idle.add_argument("--idle", type=float, default=60, help="seconds of idle measured")
    idle.add_argument("--rounds", type=int, default=3)
    idle.add_argument("--profile", metavar="FILE", help="py-spy the worker while accepting")

    stalled = sub.add_parser("stalled", help="clients that stop reading")
    stalled.add_argument("--normal", type=int, default=50)
    stalled.add_argument("--stalled", type=int, default=50)
    stalled.add_argument("--rate", type=float, default=5.0, help="posts per second")
    stalled.add_argument("--seconds", type=float, default=60, help="posting time per round")
    stalled.add_argument("--rcvbuf", type=int, default=8192, help="stalled clients' SO_RCVBUF")
    stalled.add_argument("--read-seconds", type=float, default=10)
    stalled.add_argument("--rounds", type=int, default=3)
    stalled.add_argument(
        "--configs",
        default="1e9:0:105,200:0:105,200:20:60",
        help="CHANNELS_SOCKET_QUEUE:ping interval (0 = no pings)[:posting seconds], "
        "comma-separated configurations",
    )

    burst = sub.add_parser("burst", help="1,000 sockets resume after a worker restart")
    burst.add_argument("--sockets", type=int, default=1000)
    burst.add_argument("--client-procs", type=int, default=4)
    burst.add_argument("--rate", type=float, default=5.0, help="posts per second")
    burst.add_argument("--rounds", type=int, default=3, help="restarts")
    burst.add_argument("--steady", type=float, default=10, help="seconds between restarts")
    burst.add_argument("--wait", type=float, default=60, help="max seconds for the sockets")
    burst.add_argument("--reconnect", choices=("at-once", "live.js"), default="at-once")

    args = parser.parse_args()
    {"idle": run_idle, "stalled": run_stalled, "burst": run_burst}[args.scenario](args)


if __name__ == "__main__":
    main()

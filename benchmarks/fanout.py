"""Fan-out benchmark: N WebSocket subscribers on one grid's live board, M posts made
through the REST API by another member; latency to every subscriber, and seq gaps.

    .venv/bin/python benchmarks/fanout.py                  # 1,000 clients, 50 posts × 3 rounds
    .venv/bin/python benchmarks/fanout.py --workers 2      # cross-process delivery via Redis
    .venv/bin/python benchmarks/fanout.py --sockets-per-member 20   # 50 members × 20 tabs/phones
    .venv/bin/python benchmarks/fanout.py --help

The server is uvicorn (1 worker, or --workers N) with REDIS_URL set, so
channels-redis is the channel layer. Subscribers are distinct members, each with
its own session (made directly with Django's SessionStore, then sent as the
session cookie with a same-host Origin, as a browser does; --auth token sends
X-Session-Token without Origin, as the app does). With --sockets-per-member N,
N sockets share each member's session (tabs and phones of one person): socket i
belongs to member i mod (clients / N), so every member's sockets are spread over
the client processes. The poster logs in through the allauth headless app API and
posts with its X-Session-Token.

With --workers N the script also reports how the sockets are spread over the workers
(established connections to the port held by each worker's file descriptors), each
worker's CPU, which worker holds the poster's connection, the client processes' own
CPU (they share the host's cores with the server), and the PUBLISH calls per round:
counted by a subscriber of the benchmark's channel prefix (exact), and by Redis's INFO
commandstats (server-wide, so other work on the same Redis counts too). The poster
posts over one keep-alive connection, so one worker handles every POST; with
--spread-posts it holds one connection per worker and posts through them in turn, as
posts from many residents would arrive.

Latency, honestly. The target's clock starts at the POST's commit. The server does not
put a time into the event (clients have no use for it), but it stores every event with
`created_at`, set in the request's transaction just before the commit (the event is
written last: the seq UPDATE, the INSERT and the COMMIT follow). After each round the
script reads those stamps from the database, so
  from commit:   arrival minus the event's created_at: the commit-to-arrival time plus
                 the last 1-3 ms of the transaction, an honest (slightly high) figure;
and, as before, two client-side clocks:
  from response: the POST's response fully read by the poster. The commit (and the
                 group_send, run by on_commit inside the request) happen before the response
                 is written, so this can be negative;
  from send:     the POST's request about to be written: an upper bound that includes
                 the whole POST handling.
All instants are wall-clock (time.time(), the same clock as created_at and shared by every
process on the host).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import common

TARGET_P99_MS = 250
POSTER_PASSWORD = "bench-poster-password-1"


# ---------------------------------------------------------------- Django helper


def setup_grid(argv: list[str]) -> None:
    """Runs inside Django: a fresh community + grid, N subscribers and one poster,
    all members; a session per subscriber; the poster's password set for login."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, required=True, help="members (one session each)")
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
    with transaction.atomic():
        community = Community.objects.create(name=f"扇出 {stamp}", street="基准街道", city="基准市")
        grid = Grid.objects.create(community=community, number=1, name="扇出网格")
        buildings = [MicroGrid.objects.create(grid=grid, label=f"{k}号楼") for k in range(1, 11)]
        base = (User.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        users = User.objects.bulk_create(
            User(
                phone=f"+8615{base + k:09d}",
                display_name=f"订阅者{k}" if k else "发帖人",
                password="!bench-unusable-password",
                phone_verified=True,
            )
            for k in range(args.clients + 1)
        )
        common.members_join(grid, users, buildings)
        poster, subscribers = users[0], users[1:]
        poster.set_password(POSTER_PASSWORD)
        poster.save(update_fields=["password"])
        sessions = [
            Session(
                session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
                session_data=SessionStore().encode(
                    {
                        SESSION_KEY: str(user.pk),
                        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                        HASH_SESSION_KEY: user.get_session_auth_hash(),
                    }
                ),
                expire_date=timezone.now() + datetime.timedelta(days=1),
            )
            for user in subscribers
        ]
        Session.objects.bulk_create(sessions)
    common.helper_result(
        {
            "grid": grid.pk,
            "poster_phone": poster.phone,
            "sessions": [s.session_key for s in sessions],
        }
    )


# ---------------------------------------------------------------- subscriber processes


def subscriber_process(conn, *, port, grid, sessions, auth, compression, concurrency) -> None:
    """Holds len(sessions) WebSockets; records (arrival time, raw message) per socket.

    Messages are parsed only when the parent asks for the report, so the receive
    path does as little as a real client that only appends to a list."""
    common.raise_fd_limit(len(sessions) + 100)
    asyncio.run(_subscribers(conn, port, grid, sessions, auth, compression, concurrency))


async def _subscribers(conn, port, grid, sessions, auth, compression, concurrency) -> None:
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    records: list[list[tuple[float, str]]] = [[] for _ in sessions]
    hello: list[int | None] = [None] * len(sessions)
    ports: list[int | None] = [None] * len(sessions)
    failures: list[str] = []
    sockets = []
    gate = asyncio.Semaphore(concurrency)
    url = f"ws://127.0.0.1:{port}/ws/grids/{grid}/"

    async def one(i: int, key: str) -> None:
        if auth == "cookie":
            headers = {"Cookie": f"sessionid={key}"}
            origin = f"http://127.0.0.1:{port}"
        else:
            headers = {"X-Session-Token": key}
            origin = None
        try:
            async with gate:
                ws = await connect(
                    url,
                    additional_headers=headers,
                    origin=origin,
                    compression="deflate" if compression else None,
                    ping_interval=None,
                    open_timeout=120,
                    close_timeout=5,
                    max_queue=None,
                )
                first = json.loads(await ws.recv())
                assert first["type"] == "hello", first
                hello[i] = first["seq"]
                ports[i] = ws.local_address[1]
        except Exception as exc:  # reported, counted as missed events
            failures.append(f"{type(exc).__name__}: {exc}")
            return
        sockets.append(ws)
        mine = records[i]
        try:
            async for raw in ws:
                mine.append((time.time(), raw))
        except Exception as exc:
            failures.append(f"socket {i} closed: {type(exc).__name__}: {exc}")

    started = time.monotonic()
    tasks = [asyncio.create_task(one(i, key)) for i, key in enumerate(sessions)]
    while any(h is None for h in hello) and len(failures) + sum(h is not None for h in hello) < len(
        sessions
    ):
        await asyncio.sleep(0.05)
    conn.send(
        {
            "connected": sum(h is not None for h in hello),
            "failures": failures[:5],
            "failed": len(failures),
            "hello": hello,
            "ports": ports,
            "seconds": time.monotonic() - started,
        }
    )
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command == "count":
            conn.send(sum(len(r) for r in records))
        elif command == "report":
            report = []
            for mine in records:
                parsed = []
                for t, raw in mine:
                    event = json.loads(raw)
                    post = event.get("post") or {}
                    parsed.append((t, event.get("type"), event.get("seq"), post.get("id")))
                report.append(parsed)
                mine.clear()
            conn.send({"events": report, "failures": failures[:5], "failed": len(failures)})
        elif command == "close":
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
            for task in tasks:
                task.cancel()
            conn.send("closed")
            return


# ---------------------------------------------------------------- the poster


class Poster:
    def __init__(self, port: int, grid: int):
        self.port, self.grid = port, grid
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = ""

    def request(self, method: str, path: str, body: dict, headers: dict | None = None):
        self.conn.request(
            method,
            path,
            body=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        response = self.conn.getresponse()
        return response.status, response.read()

    def login(self, phone: str) -> None:
        """As an app client does: allauth headless, phone + password."""
        status, body = self.request(
            "POST", "/_allauth/app/v1/auth/login", {"phone": phone, "password": POSTER_PASSWORD}
        )
        if status != 200:
            raise SystemExit(f"poster login failed: {status} {body[:300]!r}")
        self.token = json.loads(body)["meta"]["session_token"]

    def post(self, text: str) -> tuple[float, float, int]:
        for attempt in (1, 2):
            try:
                sent = time.time()
                status, body = self.request(
                    "POST",
                    f"/api/v1/grids/{self.grid}/posts/",
                    {"kind": "chat", "body": text},
                    {"X-Session-Token": self.token},
                )
                answered = time.time()
                break
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # uvicorn closes a keep-alive connection idle for 5 s: open another.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        if status != 201:
            raise SystemExit(f"post failed: {status} {body[:300]!r}")
        return sent, answered, json.loads(body)["id"]


# ---------------------------------------------------------------- orchestration


def group_in_redis(redis, grid: int, dbname: str) -> str:
    """What Redis holds for the grid's group: members of channels-redis's list layer
    (one per socket), or subscribers of the pub/sub layer's group channel (one per worker)."""
    prefix = common.django_env(dbname)["CHANNELS_PREFIX"]
    members = redis.zcard(f"{prefix}:group:grid-{grid}")
    subscribers = dict(redis.pubsub_numsub(f"{prefix}__group__grid-{grid}"))
    return f"{members} group member(s), {sum(subscribers.values())} pub/sub subscriber(s)"


def event_stamps(dbname: str, post_ids: list[int]) -> dict[int, float]:
    """post id → its post.created event's created_at (epoch seconds), set just before commit."""
    with common.connect(dbname) as conn:
        rows = conn.execute(
            "SELECT post_id, extract(epoch FROM created_at)::float8 FROM grids_boardevent "
            "WHERE type = 'post.created' AND post_id = ANY(%s)",
            [post_ids],
        ).fetchall()
    return {post_id: stamp for post_id, stamp in rows}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_setup":
        setup_grid(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=1000, help="WebSocket subscribers")
    parser.add_argument(
        "--sockets-per-member",
        type=int,
        default=1,
        metavar="N",
        help="sockets sharing each member's session (tabs and phones): clients / N members",
    )
    parser.add_argument("--posts", type=int, default=50, help="posts per round")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between posts")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --posts (medians)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--client-procs", type=int, default=2, help="processes holding the subscribers"
    )
    parser.add_argument("--auth", choices=("cookie", "token"), default="cookie")
    parser.add_argument(
        "--spread-posts",
        action="store_true",
        help="with --workers N: one poster connection per worker, posting in turn",
    )
    parser.add_argument(
        "--no-compression",
        action="store_true",
        help="do not offer permessage-deflate (browsers do offer it)",
    )
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra uvicorn argument, repeatable, e.g. --server-arg=--ws-per-message-deflate=false",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="record the (first) worker with py-spy during the rounds (speedscope JSON)",
    )
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--db", default="linli_bench_fanout")
    parser.add_argument("--port", type=int, default=8721)
    parser.add_argument("--wait", type=float, default=20, help="max seconds to wait for stragglers")
    common.add_pool_option(parser)
    args = parser.parse_args()
    common.use_pool(args.db_pool)

    common.check_db_name(args.db)
    soft, hard = common.raise_fd_limit(args.clients + 200)
    # A fresh database each run (seconds): the app's migrations move on quickly.
    common.db_drop(args.db)
    common.db_create(args.db)
    common.db_migrate(args.db)
    members = -(-args.clients // max(1, args.sockets_per_member))
    prepared = common.run_helper(__file__, ["_setup", "--clients", str(members)], args.db)

    redis = common.redis_client()
    redis.flushdb()  # db 9 is the benchmarks' own
    redis_maxclients = int(redis.config_get("maxclients")["maxclients"])

    info = common.setup_info(args.db)
    info.update(
        {
            "server": f"uvicorn community.asgi:application, {args.workers} worker(s), "
            "DEBUG=false, channels-redis layer; extra options: "
            + (" ".join(args.server_arg) or "none"),
            "database connections": common.connection_mode(),
            "subscribers": f"{args.clients:,} sockets of "
            + (
                f"{members:,} members ({args.sockets_per_member} sharing each member's session)"
                if args.sockets_per_member > 1
                else f"{members:,} distinct members"
            )
            + f" of grid {prepared['grid']}, "
            f"auth by {'session cookie + Origin' if args.auth == 'cookie' else 'X-Session-Token'}, "
            f"permessage-deflate {'off' if args.no_compression else 'offered'}, "
            f"held by {args.client_procs} client process(es) (websockets "
            f"{common._version('websockets')} asyncio client)",
            "posts": f"{args.rounds} rounds × {args.posts} posts, one every {args.interval:g} s, "
            "POST /api/v1/grids/{id}/posts/ with X-Session-Token (allauth app login)",
            "limits": f"RLIMIT_NOFILE {soft}/{hard}; Redis maxclients {redis_maxclients}",
        }
    )
    common.print_setup("fan-out benchmark setup", info)

    server = common.Server(
        dbname=args.db, port=args.port, workers=args.workers, extra_args=args.server_arg
    ).start()
    context = multiprocessing.get_context("fork")
    procs, pipes = [], []
    try:
        poster = Poster(args.port, prepared["grid"])
        poster.login(prepared["poster_phone"])
        posters = [poster]
        if args.spread_posts and args.workers > 1:
            for _ in range(args.workers - 1):
                other = Poster(args.port, prepared["grid"])
                other.token = poster.token
                posters.append(other)
        counter = PublishCounter(redis, common.django_env(args.db)["CHANNELS_PREFIX"])
        # Socket i is member i mod members': each member's sockets spread over the procs.
        sessions = [prepared["sessions"][i % members] for i in range(args.clients)]
        share = -(-len(sessions) // args.client_procs)
        for k in range(args.client_procs):
            mine = sessions[k * share : (k + 1) * share]
            if not mine:
                continue
            parent, child = context.Pipe()
            proc = context.Process(
                target=subscriber_process,
                args=(child,),
                kwargs=dict(
                    port=args.port,
                    grid=prepared["grid"],
                    sessions=mine,
                    auth=args.auth,
                    compression=not args.no_compression,
                    concurrency=args.connect_concurrency,
                ),
            )
            proc.start()
            procs.append(proc)
            pipes.append(parent)
        ready = [pipe.recv() for pipe in pipes]
        connected = sum(r["connected"] for r in ready)
        hellos = {h for r in ready for h in r["hello"] if h is not None}
        in_redis = group_in_redis(redis, prepared["grid"], args.db)
        print(
            f"== connected {connected:,}/{len(sessions):,} subscribers in "
            f"{max(r['seconds'] for r in ready):.1f} s; hello seq {sorted(hellos)}; "
            f"in Redis: {in_redis}; server CPU so far {server.cpu_seconds():.1f} s"
        )
        split = sockets_per_pid(server.pids(), args.port)
        print(
            "== sockets per server process (established connections to the port): "
            + ", ".join(f"pid {pid}: {n:,}" for pid, n in split.items())
        )
        for r in ready:
            for failure in r["failures"]:
                print(f"  !! {failure}")
        if len(hellos) != 1:
            raise SystemExit("subscribers disagree on the starting seq")
        start_seq = hellos.pop()
        spy = start_profile(args.profile, server) if args.profile else None
        rounds = []
        for round_no in range(1, args.rounds + 1):
            rounds.append(
                run_round(
                    args,
                    round_no,
                    posters,
                    pipes,
                    procs,
                    server,
                    (redis, counter),
                    connected,
                    start_seq,
                    ready,
                )
            )
            start_seq += args.posts
            time.sleep(1)
        counter.stop()
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
        summarise(args, rounds, connected, len(sessions))
    finally:
        for pipe in pipes:
            try:
                pipe.send("close")
                pipe.recv()
            except (EOFError, OSError):
                pass
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
        time.sleep(3)
        stale = group_in_redis(redis, prepared["grid"], args.db)
        server.stop()
        log = server.log_path.read_text(errors="replace")
        print(
            f"== after every subscriber closed, in Redis: {stale}; "
            f"server log: {log.count('MaxConnectionsError')} redis MaxConnectionsError, "
            f"{log.count('Internal Server Error')} HTTP 500 ({server.log_path})"
        )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _tcp_sockets(port: int) -> tuple[set[str], dict[str, int]]:
    """Inodes of established TCP connections whose local port is `port` (the server's
    ends), and of those whose remote port is `port`, by their local port (clients' ends)."""
    served, clients = set(), {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if state != "01":  # ESTABLISHED
                continue
            if int(local.rsplit(":", 1)[1], 16) == port:
                served.add(inode)
            elif int(remote.rsplit(":", 1)[1], 16) == port:
                clients[inode] = int(local.rsplit(":", 1)[1], 16)
    return served, clients


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return found
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def worker_of_client_port(pids: list[int], port: int) -> dict[int, int]:
    """Client's local port → the server process holding the other end."""
    owner = {}
    for pid in pids:
        for inode in _socket_inodes(pid):
            owner[inode] = pid
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] != "01" or int(fields[1].rsplit(":", 1)[1], 16) != port:
                continue
            if fields[9] in owner:
                found[int(fields[2].rsplit(":", 1)[1], 16)] = owner[fields[9]]
    return found


def sockets_per_pid(pids: list[int], port: int) -> dict[int, int]:
    """How many established connections to `port` each server process holds."""
    served, _ = _tcp_sockets(port)
    return {pid: len(_socket_inodes(pid) & served) for pid in pids}


def poster_pid(poster, split: dict[int, int]) -> int | None:
    """The server process holding the poster's keep-alive connection."""
    sock = poster.conn.sock
    if sock is None:
        return None
    mine = sock.getsockname()[1]
    table = Path("/proc/net/tcp").read_text().splitlines()[1:]
    for line in table:
        fields = line.split()
        remote = int(fields[2].rsplit(":", 1)[1], 16)
        if remote == mine and fields[3] == "01":
            inode = fields[9]
            for pid in split:
                if inode in _socket_inodes(pid):
                    return pid
    return None


def pid_cpu(pid: int) -> float:
    """utime + stime of one process, seconds (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PublishCounter:
    """Counts what is published on the benchmark's channel prefix (every PUBLISH of the
    run's channel layer reaches this one extra subscriber once)."""

    def __init__(self, redis, prefix: str):
        self.count = 0
        self.pubsub = redis.pubsub(ignore_subscribe_messages=True)
        self.pubsub.psubscribe(**{f"{prefix}*": self._heard})
        self.thread = self.pubsub.run_in_thread(sleep_time=0.05, daemon=True)

    def _heard(self, message) -> None:
        self.count += 1

    def stop(self) -> None:
        self.thread.stop()
        self.thread.join(timeout=2)
        self.pubsub.close()


def spread_over_workers(posters: list, server, port: int, tries: int = 40) -> list[int | None]:
    """Open each poster's connection anew until each is held by a different worker."""
    taken: list[int | None] = []
    for poster in posters:
        for _ in range(tries):
            poster.conn.close()
            poster.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            poster.conn.request("GET", "/bench/bare/")
            poster.conn.getresponse().read()
            pid = poster_pid(poster, {p: 0 for p in server.pids()})
            if pid not in taken or len(posters) == 1:
                break
        taken.append(pid)
    return taken


def publish_calls(redis) -> int:
    """Redis PUBLISH calls so far (server-wide, every database)."""
    return int(redis.info("commandstats").get("cmdstat_publish", {}).get("calls", 0))


def start_profile(path: str, server) -> subprocess.Popen:
    """py-spy (not a project requirement: install it to use --profile) on one worker."""
    pids = server.pids()
    worker = pids[-1]  # with --workers, a child; else the server itself
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(worker),
            "--format",
            "speedscope",
            "--output",
            path,
            "--rate",
            "200",
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_round(
    args, round_no, posters, pipes, procs, server, redises, connected, start_seq, ready
) -> dict:
    redis, counter = redises
    if len(posters) > 1:
        spread_over_workers(posters, server, args.port)
    cpu_before = server.cpu_seconds()
    workers = server.pids()
    worker_cpu_before = {pid: pid_cpu(pid) for pid in workers}
    client_cpu_before = sum(pid_cpu(proc.pid) for proc in procs)
    poster_cpu_before = pid_cpu(os.getpid())
    publish_before = publish_calls(redis)
    heard_before = counter.count
    posts = {}
    begin = time.time()
    finished = begin
    for k in range(args.posts):
        due = begin + k * args.interval
        if (pause := due - time.time()) > 0:
            time.sleep(pause)
        sent, answered, post_id = posters[k % len(posters)].post(
            f"扇出测试 第{round_no}轮 第{k + 1}帖"
        )
        posts[post_id] = (sent, answered)
        finished = answered
    expected = connected * args.posts
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline:
        for pipe in pipes:
            pipe.send("count")
        if sum(pipe.recv() for pipe in pipes) >= expected:
            break
        time.sleep(0.25)
    cpu = server.cpu_seconds() - cpu_before
    worker_cpu = {pid: pid_cpu(pid) - worker_cpu_before[pid] for pid in workers}
    client_cpu = sum(pid_cpu(proc.pid) for proc in procs) - client_cpu_before
    poster_cpu = pid_cpu(os.getpid()) - poster_cpu_before
    publishes = publish_calls(redis) - publish_before
    time.sleep(0.2)  # the counter's thread polls every 50 ms
    heard = counter.count - heard_before
    split = sockets_per_pid(workers, args.port)
    committed = event_stamps(args.db, list(posts))
    reports = []
    for pipe in pipes:
        pipe.send("report")
        reports.append(pipe.recv())

    from_commit, from_response, from_send, spreads = [], [], [], {}
    by_worker: dict[int | None, list[float]] = {}
    worker_of = worker_of_client_port(workers, args.port) if args.workers > 1 else {}
    gaps = duplicates = missed = foreign = 0
    for report, r in zip(reports, ready, strict=True):
        for events, hello, port in zip(report["events"], r["hello"], r["ports"], strict=True):
            if hello is None:  # never connected: counted in the connected total
                continue
            mine = by_worker.setdefault(worker_of.get(port), [])
            last = start_seq
            seen = set()
            for t, kind, seq, post_id in events:
                if seq is None:
                    continue
                if seq == last + 1:
                    pass
                elif seq > last + 1:
                    gaps += 1
                else:
                    duplicates += 1
                last = max(last, seq)
                if kind == "post.created" and post_id in posts:
                    if post_id in seen:
                        continue
                    seen.add(post_id)
                    sent, answered = posts[post_id]
                    from_commit.append((t - committed[post_id]) * 1000)
                    mine.append(from_commit[-1])
                    from_response.append((t - answered) * 1000)
                    from_send.append((t - sent) * 1000)
                    first, final = spreads.get(post_id, (t, t))
                    spreads[post_id] = (min(first, t), max(final, t))
                elif kind == "post.created":
                    foreign += 1
            missed += len(set(posts) - seen)
    post_ms = [(answered - sent) * 1000 for sent, answered in posts.values()]
    last_arrival = [
        (spreads[p][1] - posts[p][1]) * 1000 for p in posts if p in spreads
    ]  # response → the last subscriber has it
    commit_to_last = [(spreads[p][1] - committed[p]) * 1000 for p in spreads]
    window = [(spreads[p][1] - spreads[p][0]) * 1000 for p in spreads]
    result = {
        "commit_p50": common.percentile(from_commit, 50),
        "commit_p95": common.percentile(from_commit, 95),
        "commit_p99": common.percentile(from_commit, 99),
        "commit_max": max(from_commit, default=float("nan")),
        "commit_p99_by_worker": {
            pid: (common.percentile(values, 99), len(values) // max(1, args.posts))
            for pid, values in by_worker.items()
        },
        "commit_last_p50": common.percentile(commit_to_last, 50),
        "commit_post_p50": common.percentile(
            [(posts[p][1] - committed[p]) * 1000 for p in posts], 50
        ),
        "window_p50": common.percentile(window, 50),
        "window_max": max(window, default=float("nan")),
        "p50": common.percentile(from_response, 50),
        "p95": common.percentile(from_response, 95),
        "p99": common.percentile(from_response, 99),
        "max": max(from_response, default=float("nan")),
        "min": min(from_response, default=float("nan")),
        "send_p50": common.percentile(from_send, 50),
        "send_p95": common.percentile(from_send, 95),
        "send_p99": common.percentile(from_send, 99),
        "send_max": max(from_send, default=float("nan")),
        "post_p50": common.percentile(post_ms, 50),
        "post_p95": common.percentile(post_ms, 95),
        "last_p50": common.percentile(last_arrival, 50),
        "last_max": max(last_arrival, default=float("nan")),
        "samples": len(from_response),
        "gaps": gaps,
        "duplicates": duplicates,
        "missed": missed,
        "foreign": foreign,
        "cpu": cpu,
        "cpu_per_delivery_us": cpu / max(1, connected * args.posts) * 1e6,
        "seconds": finished - begin,
        "failed": sum(r["failed"] for r in reports),
        "client_cpu": client_cpu,
        "poster_cpu": poster_cpu,
        "publishes": publishes,
        "published": heard,
        "busiest_worker_cpu": max(worker_cpu.values(), default=0.0),
    }
    print(
        f"  round {round_no}: {result['samples']:,} deliveries; from commit p50 "
        f"{result['commit_p50']:.1f} p99 {result['commit_p99']:.1f} max "
        f"{result['commit_max']:.1f} ms; from response p50 "
        f"{result['p50']:.1f} p95 {result['p95']:.1f} p99 {result['p99']:.1f} max "
        f"{result['max']:.1f} ms; from send p99 {result['send_p99']:.1f} ms; "
        f"gaps {gaps}, duplicates {duplicates}, missed {missed}, foreign {foreign}; "
        f"server CPU {cpu:.1f} s "
        f"({result['cpu_per_delivery_us']:.0f} µs per socket per event); "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    print(
        "    per server process: "
        + ", ".join(
            f"pid {pid} {split.get(pid, 0):,} sockets {worker_cpu[pid]:.1f} s CPU"
            for pid in workers
        )
        + (
            "; p99 from commit by worker: "
            + ", ".join(
                f"pid {pid} {p99:.1f} ms ({n:,} sockets)"
                for pid, (p99, n) in result["commit_p99_by_worker"].items()
            )
            if args.workers > 1
            else ""
        )
        + "; posts through pid "
        + ", ".join(str(poster_pid(p, split)) for p in posters)
        + f"; client processes {client_cpu:.1f} s CPU, poster {poster_cpu:.1f} s; "
        f"published on the run's prefix {heard} ({heard / args.posts:.2f} per post), "
        f"Redis PUBLISH calls {publishes} (server-wide)",
        flush=True,
    )
    return result


def summarise(args, rounds, connected, wanted) -> None:
    def row(label, key):
        print(f"  {label:<52}{common.spread([r[key] for r in rounds]):>30}")

    print(f"\n== results: median (min–max) over {len(rounds)} rounds, ms")
    row("latency from commit (event created_at), p50", "commit_p50")
    row("latency from commit (event created_at), p95", "commit_p95")
    row("latency from commit (event created_at), p99", "commit_p99")
    row("latency from commit (event created_at), max", "commit_max")
    row("commit → last subscriber has it, p50 over posts", "commit_last_p50")
    row("commit → POST response read, p50", "commit_post_p50")
    row("latency from POST response, p50", "p50")
    row("latency from POST response, p95", "p95")
    row("latency from POST response, p99", "p99")
    row("latency from POST response, max", "max")
    row("latency from POST response, min (negative: before)", "min")
    row("latency from POST sent (upper bound), p50", "send_p50")
    row("latency from POST sent (upper bound), p95", "send_p95")
    row("latency from POST sent (upper bound), p99", "send_p99")
    row("latency from POST sent (upper bound), max", "send_max")
    row("POST round trip (request → response), p50", "post_p50")
    row("POST round trip (request → response), p95", "post_p95")
    row("response → last subscriber has it, p50 over posts", "last_p50")
    row("response → last subscriber has it, max", "last_max")
    row("first → last subscriber of one post, p50 over posts", "window_p50")
    row("first → last subscriber of one post, max", "window_max")
    row("server CPU seconds per round", "cpu")
    row("server CPU per socket per event, µs (POSTs included)", "cpu_per_delivery_us")
    row("round duration, s (posting falls behind when > posts × interval)", "seconds")
    row("busiest server process's CPU seconds per round", "busiest_worker_cpu")
    row("client processes' CPU seconds per round (all)", "client_cpu")
    row("poster's (this process's) CPU seconds per round", "poster_cpu")
    row("PUBLISH per round on the run's channel prefix", "published")
    row("Redis PUBLISH calls per round (server-wide)", "publishes")
    gaps = sum(r["gaps"] for r in rounds)
    duplicates = sum(r["duplicates"] for r in rounds)
    missed = sum(r["missed"] for r in rounds)
    foreign = sum(r["foreign"] for r in rounds)
    total = sum(r["samples"] for r in rounds)
    print(
        f"  deliveries {total:,} of {connected * args.posts * len(rounds):,} expected "
        f"({connected:,}/{wanted:,} subscribers connected); seq gaps {gaps}, duplicates or "
        f"out of order {duplicates}, missed events {missed}, posts not ours {foreign}"
    )
    commit_p99 = common.median([r["commit_p99"] for r in rounds])
    p99 = common.median([r["p99"] for r in rounds])
    send_p99 = common.median([r["send_p99"] for r in rounds])
    print(
        f"  target p99 ≤ {TARGET_P99_MS} ms for {args.clients:,} subscribers, from commit: "
        f"{'met' if commit_p99 <= TARGET_P99_MS else 'MISSED'} ({commit_p99:.1f} ms); "
        f"from response {p99:.1f} ms, "
        f"from send {send_p99:.1f} ms; "
        f"target 0 gaps: {'met' if gaps == duplicates == missed == foreign == 0 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()

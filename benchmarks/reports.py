"""Reports benchmark: a community's dashboard and a unit's queue on 1,000,000 reports
against the same reads on 10,000, and routing + dispatch from a POST to the unit's socket.

    .venv/bin/python -m benchmarks.reports            # seeds on first use (~3 min), ~5 min more
    .venv/bin/python -m benchmarks.reports --small    # 100,000 reports, fewer samples: a try-out
    .venv/bin/python -m benchmarks.reports --reseed   # drop and seed both databases again
    .venv/bin/python -m benchmarks.reports --help

Two uvicorn servers (one worker each, DEBUG off, PostgreSQL + Redis) serve the big and
the small database side by side (`benchmarks/seed_reports.py`: ≈ 3,300 reports per
community at both sizes, so the two hold the same work per community and only the
tables differ). Reads go through the real API views, one request at a time on a
keep-alive connection per server, the two sizes alternating request by request, so each
1M/10k ratio compares requests made under the same load of the shared host:

- `GET /api/v1/reports/units/<id>/queue/`: a unit's first page (its staff's session);
- `GET /api/v1/reports/dashboard/community/<id>/`: a community's dashboard, 8 weeks
  (a cadre's session).

Each read's SQL is captured once through Django's test client and EXPLAINed, and the
indexes of the plans are printed, so a regression to a sequential scan shows.

Routing + dispatch: four staff sockets on /ws/reports/unit/<id>/ (one per unit of the
last community of the big database, session cookie + Origin as a browser sends them);
a resident logged in through the allauth app API POSTs /api/v1/reports/ with categories
in turn; the clock runs from the POST about to be written to the `report.changed` nudge
arriving on the socket of the unit the category routes to (a nudge on another unit's
socket is counted as misrouted). The reports it makes stay in that community.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import common, seed_reports

if "BENCH_REDIS_URL" not in os.environ:
    common.REDIS_URL = "redis://127.0.0.1:6379/5"

BIG = seed_reports.Scale(communities=300, reports=1_000_000)
TRY = seed_reports.Scale(communities=30, reports=100_000)
SMALL = seed_reports.Scale(communities=3, reports=10_000)
TARGET_DASHBOARD_P95_MS = 50
TARGET_QUEUE_P95_MS = 20
TARGET_BIG_OVER_SMALL = 1.5
TARGET_DISPATCH_P99_MS = 250
POSTER_PASSWORD = "bench-reporter-password-1"
CADRE_PHONE = "+8619900000001"
# Communities whose reads are measured (in turn), at both sizes; reports are POSTed to the
# last community, which is not one of them.
COMMUNITIES = (1, 2)
QUEUE_KIND = "urban"  # 城管中队: the unit with the most categories
# Categories the poster cycles through, with the unit kind each routes to.
POSTED = {
    code: seed_reports.UNITS[k - 1][1]
    for code, (_, k) in seed_reports.CATEGORY_WEIGHTS.items()
    if k
}


def queue_path(community: int) -> str:
    return f"/api/v1/reports/units/{seed_reports.unit_id(community, QUEUE_KIND)}/queue/"


def dashboard_path(community: int) -> str:
    return f"/api/v1/reports/dashboard/community/{community}/"


# ---------------------------------------------------------------- Django helper


def prepare(argv: list[str]) -> None:
    """Runs inside Django (DATABASE_URL = one benchmark database): sessions for a cadre of
    the measured communities and for the staff of every unit of the measured and the
    posting community, a password for the poster, and each read's queries EXPLAINed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", required=True)
    parser.add_argument("--post-community", type=int, required=True)
    args = parser.parse_args(argv)

    import datetime

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from grids.models import Community, Grid, Membership, Role
    from grids.services.places import role_grant
    from reports.models import Category, UnitMember
    from residents.models import User

    communities = [int(c) for c in args.communities.split(",")]
    cadre = User.objects.filter(phone=CADRE_PHONE).first()
    if cadre is None:
        cadre = User.objects.create_user(phone=CADRE_PHONE, display_name="基准书记")
    for community in Community.objects.filter(pk__in=communities):
        role_grant(actor=None, user=cadre, role=Role.CADRE, community=community)

    def session(user) -> str:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        Session.objects.create(
            session_key=key,
            session_data=SessionStore().encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=timezone.now() + datetime.timedelta(days=1),
        )
        return key

    staff = {}
    for member in UnitMember.objects.select_related("user", "unit").filter(
        unit__communities__in=[*communities, args.post_community], revoked_at__isnull=True
    ):
        staff[member.unit_id] = {"session": session(member.user), "kind": member.unit.kind}
    sessions = {
        "cadre": session(cadre),
        "staff": {str(unit): value["session"] for unit, value in staff.items()},
    }
    grid = Grid.objects.filter(community_id=args.post_community).order_by("id").first()
    poster = (
        Membership.objects.select_related("user")
        .filter(grid=grid, left_at__isnull=True)
        .order_by("id")
        .first()
        .user
    )
    poster.set_password(POSTER_PASSWORD)
    poster.save(update_fields=["password"])
    post_units = {
        value["kind"]: unit
        for unit, value in staff.items()
        if seed_reports.unit_id(args.post_community, value["kind"]) == unit
    }

    plans = {}
    client = Client()
    for name, path, key in (
        ("queue", queue_path(communities[0]), staff_session_of(sessions, communities[0])),
        ("dashboard", dashboard_path(communities[0]), sessions["cadre"]),
    ):
        client.cookies["sessionid"] = key
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        explained = []
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                explained.append({"table": _first_table(sql), "indexes": _indexes(plan)})
        plans[name] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(captured.captured_queries),
            "plans": explained,
        }
    poster_client = Client()
    poster_client.force_login(poster)
    codes = list(POSTED)
    categories = dict(Category.objects.values_list("code", "id"))
    counter = iter(range(10**6))

    def post_report():
        k = next(counter)
        response = poster_client.post(
            "/api/v1/reports/",
            {
                "category": categories[codes[k % len(codes)]],
                "grid": grid.pk,
                "address": f"进程内第{k + 1}条",
                "description": "进程内计时",
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content[:300]

    def read(path: str, key: str):
        def call():
            client.cookies["sessionid"] = key
            assert client.get(path).status_code == 200

        return call

    in_process = {
        "queue": _timed(
            read(queue_path(communities[0]), staff_session_of(sessions, communities[0]))
        ),
        "dashboard": _timed(read(dashboard_path(communities[0]), sessions["cadre"])),
        "report POST": _timed(post_report),
    }
    common.helper_result(
        {
            "in_process": in_process,
            "sessions": sessions,
            "poster_phone": poster.phone,
            "grid": grid.pk,
            "categories": dict(Category.objects.values_list("code", "id")),
            "post_units": post_units,
            "plans": plans,
        }
    )


def _timed(call, n: int = 30) -> dict:
    """Median wall time of `call` in this process (Django's test client: no server, no
    network), the part of it spent waiting on SQL, and the number of queries."""
    from django.db import connection

    walls, sqls, counts = [], [], []
    call()  # warm
    for _ in range(n):
        spent = [0.0, 0]

        def wrapper(execute, sql, params, many, context, spent=spent):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started
                spent[1] += 1

        with connection.execute_wrapper(wrapper):
            started = time.perf_counter()
            call()
            walls.append((time.perf_counter() - started) * 1000)
        sqls.append(spent[0] * 1000)
        counts.append(spent[1])
    return {
        "wall": common.median(walls),
        "sql": common.median(sqls),
        "queries": common.median(counts),
    }


def staff_session_of(sessions: dict, community: int) -> str:
    return sessions["staff"][str(seed_reports.unit_id(community, QUEUE_KIND))]


def _first_table(sql: str) -> str:
    found = re.search(r'\bFROM\s+"?(\w+)"?', sql)
    return found.group(1) if found else "?"


def _indexes(plan: str) -> list[str]:
    names = re.findall(
        r"(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)", plan
    )
    if re.search(r"Seq Scan on (\w+)", plan):
        names += [f"Seq Scan on {t}" for t in re.findall(r"Seq Scan on (\w+)", plan)]
    return list(dict.fromkeys(names))


# ---------------------------------------------------------------- reads


class Reader:
    """One keep-alive connection to one server, one request at a time."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str, session: str) -> float:
        for attempt in (1, 2):
            try:
                started = time.perf_counter()
                self.conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
                response = self.conn.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                break
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        if response.status != 200:
            raise SystemExit(f"GET {path} → {response.status}: {body[:300]!r}")
        return elapsed


def read_round(readers: dict, prepared: dict, samples: int) -> dict:
    """`samples` requests of each read per size, the two sizes alternating request by
    request (small first on even requests, big first on odd), so both see the same load
    on the shared host; the measured communities in turn; 5 warm-up requests first."""
    times = {label: {"bare": [], "queue": [], "dashboard": []} for label in readers}
    for name in ("bare", "queue", "dashboard"):
        for k in range(samples + 5):
            community = COMMUNITIES[(k // 2) % len(COMMUNITIES)]
            for label in ("small", "big") if k % 2 == 0 else ("big", "small"):
                sessions = prepared[label]["sessions"]
                if name == "queue":
                    path, key = queue_path(community), staff_session_of(sessions, community)
                elif name == "dashboard":
                    path, key = dashboard_path(community), sessions["cadre"]
                else:
                    path, key = "/bench/bare-drf/", sessions["cadre"]
                ms = readers[label].get(path, key)
                if k >= 5:
                    times[label][name].append(ms)
    result = {}
    for label, by_name in times.items():
        result[label] = {}
        for name, values in by_name.items():
            for q in (50, 95, 99):
                result[label][f"{name}_p{q}"] = common.percentile(values, q)
    return result


# ---------------------------------------------------------------- routing + dispatch


class Sockets:
    """One staff socket per unit, held by an event loop in a thread; arrivals stamped
    with time.time() as they are read."""

    def __init__(self, port: int, units: dict[str, int], sessions: dict[str, str]):
        self.port, self.units, self.sessions = port, units, sessions
        self.arrivals: list[tuple[float, int, dict]] = []
        self.ready = threading.Event()
        self.failures: list[str] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._run(),))
        self.stop = None

    def start(self) -> Sockets:
        self.thread.start()
        if not self.ready.wait(60) or self.failures:
            raise SystemExit(f"unit sockets did not open: {self.failures}")
        return self

    async def _run(self) -> None:
        from websockets.asyncio.client import connect

        self.stop = asyncio.Event()
        sockets = []
        try:
            for unit in self.units.values():
                sockets.append(
                    await connect(
                        f"ws://127.0.0.1:{self.port}/ws/reports/unit/{unit}/",
                        additional_headers={"Cookie": f"sessionid={self.sessions[str(unit)]}"},
                        origin=f"http://127.0.0.1:{self.port}",
                        ping_interval=None,
                        compression=None,
                    )
                )
        except Exception as exc:
            self.failures.append(f"{type(exc).__name__}: {exc}")
            self.ready.set()
            return

        async def listen(ws, unit: int) -> None:
            try:
                async for raw in ws:
                    self.arrivals.append((time.time(), unit, json.loads(raw)))
            except Exception as exc:
                self.failures.append(f"socket of unit {unit}: {type(exc).__name__}: {exc}")

        tasks = [
            asyncio.create_task(listen(ws, unit))
            for ws, unit in zip(sockets, self.units.values(), strict=True)
        ]
        self.ready.set()
        await self.stop.wait()
        for ws in sockets:
            await ws.close()
        await asyncio.gather(*tasks, return_exceptions=True)

    def close(self) -> None:
        if self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(timeout=10)


class Poster:
    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = ""

    def request(self, method: str, path: str, body: dict, headers: dict | None = None):
        for attempt in (1, 2):
            try:
                self.conn.request(
                    method,
                    path,
                    body=json.dumps(body, ensure_ascii=False).encode(),
                    headers={"Content-Type": "application/json", **(headers or {})},
                )
                response = self.conn.getresponse()
                return response.status, response.read()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # uvicorn closes a keep-alive connection idle for 5 s: open another.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def login(self, phone: str) -> None:
        status, body = self.request(
            "POST", "/_allauth/app/v1/auth/login", {"phone": phone, "password": POSTER_PASSWORD}
        )
        if status != 200:
            raise SystemExit(f"reporter login failed: {status} {body[:300]!r}")
        self.token = json.loads(body)["meta"]["session_token"]

    def report(self, category: int, grid: int, text: str) -> tuple[float, float, int]:
        sent = time.time()
        status, body = self.request(
            "POST",
            "/api/v1/reports/",
            {"category": category, "grid": grid, "address": text[:60], "description": text},
            {"X-Session-Token": self.token},
        )
        answered = time.time()
        if status != 201:
            raise SystemExit(f"report failed: {status} {body[:300]!r}")
        return sent, answered, json.loads(body)["id"]


def dispatch_round(args, round_no: int, poster: Poster, sockets: Sockets, prepared: dict):
    codes = list(POSTED)
    posted = {}
    begin = time.time()
    for k in range(args.posts):
        if (pause := begin + k * args.interval - time.time()) > 0:
            time.sleep(pause)
        code = codes[k % len(codes)]
        sent, answered, report_id = poster.report(
            prepared["categories"][code],
            prepared["grid"],
            f"基准第{round_no}轮第{k + 1}条：{code} 请尽快处理",
        )
        posted[report_id] = (sent, answered, prepared["post_units"][POSTED[code]])
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline:
        seen = {e.get("report_id") for _, _, e in sockets.arrivals}
        if set(posted) <= seen:
            break
        time.sleep(0.1)
    arrivals, sockets.arrivals = sockets.arrivals, []
    first: dict[int, float] = {}
    misrouted = 0
    for t, unit, event in arrivals:
        report_id = event.get("report_id")
        if event.get("type") != "report.changed" or report_id not in posted:
            continue
        if unit != posted[report_id][2]:
            misrouted += 1
            continue
        first.setdefault(report_id, t)
    from_send = [(first[r] - posted[r][0]) * 1000 for r in first]
    from_response = [(first[r] - posted[r][1]) * 1000 for r in first]
    post_ms = [(answered - sent) * 1000 for sent, answered, _ in posted.values()]
    result = {
        "p50": common.percentile(from_send, 50),
        "p95": common.percentile(from_send, 95),
        "p99": common.percentile(from_send, 99),
        "max": max(from_send, default=float("nan")),
        "response_p50": common.percentile(from_response, 50),
        "post_p50": common.percentile(post_ms, 50),
        "post_p99": common.percentile(post_ms, 99),
        "samples": len(from_send),
        "missed": len(set(posted) - set(first)),
        "misrouted": misrouted,
    }
    print(
        f"  dispatch round {round_no}: {result['samples']} nudges; POST → unit socket p50 "
        f"{result['p50']:.1f} p95 {result['p95']:.1f} p99 {result['p99']:.1f} max "
        f"{result['max']:.1f} ms; POST round trip p50 {result['post_p50']:.1f} ms; missed "
        f"{result['missed']}, misrouted {misrouted}; load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return result


# ---------------------------------------------------------------- orchestration


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        prepare(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="100,000 reports, fewer samples")
    parser.add_argument("--big-db", default=None, help="default linli_bench_reports")
    parser.add_argument("--small-db", default="linli_bench_reports_small")
    parser.add_argument("--reseed", action="store_true", help="drop and seed both databases")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("--samples", type=int, default=200, help="requests per read per round")
    parser.add_argument("--posts", type=int, default=70, help="reports POSTed per round")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between POSTs")
    parser.add_argument("--wait", type=float, default=10, help="max seconds for stragglers")
    parser.add_argument("--port", type=int, default=8731, help="big-DB server; small uses +1")
    common.add_pool_option(parser)
    args = parser.parse_args()
    common.use_pool(args.db_pool)
    big = TRY if args.small else BIG
    big_db = args.big_db or ("linli_bench_reports_try" if args.small else "linli_bench_reports")
    if args.small:
        args.samples = min(args.samples, 100)
        args.posts = min(args.posts, 30)

    print("== seeding", flush=True)
    seeded = {
        "big": seed_reports.ensure(big_db, big, reseed=args.reseed),
        "small": seed_reports.ensure(args.small_db, SMALL, reseed=args.reseed),
    }
    if args.seed_only:
        return
    info = common.setup_info(big_db)
    info.update(
        {
            "server": "uvicorn community.asgi:application, 1 worker per database, DEBUG=false, "
            "channels-redis layer",
            "database connections": common.connection_mode(),
            "big database": f"{big_db}: {big.reports:,} reports, {big.communities} communities",
            "small database": f"{args.small_db}: {SMALL.reports:,} reports, "
            f"{SMALL.communities} communities",
            "reads": f"{args.rounds} rounds × {args.samples} requests per read per size, one "
            "at a time, the two sizes alternating request by request, communities "
            f"{', '.join(map(str, COMMUNITIES))} in turn",
            "dispatch": f"{args.rounds} rounds × {args.posts} POSTs, one every "
            f"{args.interval:g} s, to community {big.communities}",
        }
    )
    common.print_setup("reports benchmark setup", info)
    for label, value in seeded.items():
        counts = value["counts"]
        print(f"  {label}: " + "; ".join(f"{k} {v}" for k, v in counts.items() if k != "states"))

    prepared = {
        label: common.run_helper(
            __file__,
            [
                "_prepare",
                "--communities",
                ",".join(map(str, COMMUNITIES)),
                "--post-community",
                str(scale.communities),
            ],
            db,
        )
        for label, db, scale in (("big", big_db, big), ("small", args.small_db, SMALL))
    }
    print("\n== queries and the indexes of their plans (EXPLAIN, first community)")
    for label in ("big", "small"):
        for name, plan in prepared[label]["plans"].items():
            print(
                f"  {label:<5} {name:<9} HTTP {plan['status']}, {plan['bytes']:,} bytes, "
                f"{plan['queries']} queries"
            )
            for query in plan["plans"]:
                indexes = ", ".join(query["indexes"]) or "(no index: small table or join)"
                print(f"      {query['table']:<34} {indexes}")

    print("\n== in-process cost (test client, no server or network), median of 30 calls, ms")
    for label in ("big", "small"):
        for name, t in prepared[label]["in_process"].items():
            print(
                f"  {label:<5} {name:<12} {t['wall']:6.1f} of which waiting on SQL "
                f"{t['sql']:5.1f} ({t['queries']:.0f} queries); the rest is Python"
            )

    common.redis_client().flushdb()
    servers = {
        "big": common.Server(dbname=big_db, port=args.port),
        "small": common.Server(dbname=args.small_db, port=args.port + 1),
    }
    sockets = None
    try:
        for server in servers.values():
            server.start()
        readers = {label: Reader(server.port) for label, server in servers.items()}
        print("\n== reads, ms (one request at a time)")
        reads = {"big": [], "small": []}
        for round_no in range(1, args.rounds + 1):
            results = read_round(readers, prepared, args.samples)
            for label in ("small", "big"):
                result = results[label]
                reads[label].append(result)
                print(
                    f"  round {round_no} {label:<5} bare p50 {result['bare_p50']:.2f}; "
                    f"queue p50 {result['queue_p50']:.2f} p95 "
                    f"{result['queue_p95']:.2f}; dashboard p50 {result['dashboard_p50']:.2f} "
                    f"p95 {result['dashboard_p95']:.2f}; load average "
                    f"{os.getloadavg()[0]:.2f}",
                    flush=True,
                )
        print("\n== routing + dispatch on the big database")
        big_prepared = prepared["big"]
        sockets = Sockets(
            args.port, big_prepared["post_units"], big_prepared["sessions"]["staff"]
        ).start()
        poster = Poster(args.port)
        poster.login(big_prepared["poster_phone"])
        dispatch = [
            dispatch_round(args, n, poster, sockets, big_prepared)
            for n in range(1, args.rounds + 1)
        ]
    finally:
        if sockets is not None:
            sockets.close()
        for server in servers.values():
            server.stop()
    summarise(reads, dispatch, big)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def ratios(reads: dict, key: str) -> list[float]:
    """Big over small, round by round (each pair measured seconds apart)."""
    return [b[key] / s[key] for b, s in zip(reads["big"], reads["small"], strict=True)]


def summarise(reads: dict, dispatch: list[dict], big) -> None:
    def row(label: str, values) -> None:
        print(f"  {label:<58}{common.spread(values):>30}")

    print(f"\n== results: median (min–max) over {len(dispatch)} rounds, ms")
    for label in ("small", "big"):
        row(
            f"bare DRF view (the fixed cost of any API call) p50, {label}",
            [r["bare_p50"] for r in reads[label]],
        )
    for name in ("queue", "dashboard"):
        for q in ("p50", "p95", "p99"):
            for label in ("small", "big"):
                row(f"{name} {q}, {label}", [r[f"{name}_{q}"] for r in reads[label]])
        row(
            f"{name} p95, {big.reports:,} / 10,000 reports (same round)",
            ratios(reads, f"{name}_p95"),
        )
    for key, label in (
        ("p50", "POST sent → nudge on the unit's socket, p50"),
        ("p95", "POST sent → nudge on the unit's socket, p95"),
        ("p99", "POST sent → nudge on the unit's socket, p99"),
        ("max", "POST sent → nudge on the unit's socket, max"),
        ("response_p50", "POST response read → nudge, p50 (negative: before)"),
        ("post_p50", "POST round trip, p50"),
        ("post_p99", "POST round trip, p99"),
    ):
        row(label, [r[key] for r in dispatch])
    samples = sum(r["samples"] for r in dispatch)
    missed = sum(r["missed"] for r in dispatch)
    misrouted = sum(r["misrouted"] for r in dispatch)
    print(f"  nudges {samples}, missed {missed}, on another unit's socket {misrouted}")

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    queue = common.median([r["queue_p95"] for r in reads["big"]])
    dash = common.median([r["dashboard_p95"] for r in reads["big"]])
    queue_ratio = common.median(ratios(reads, "queue_p95"))
    dash_ratio = common.median(ratios(reads, "dashboard_p95"))
    p99 = common.median([r["p99"] for r in dispatch])
    print(
        f"  targets: queue p95 ≤ {TARGET_QUEUE_P95_MS} ms {verdict(queue <= TARGET_QUEUE_P95_MS)} "
        f"({queue:.1f}); dashboard p95 ≤ {TARGET_DASHBOARD_P95_MS} ms "
        f"{verdict(dash <= TARGET_DASHBOARD_P95_MS)} ({dash:.1f}); ratios ≤ "
        f"{TARGET_BIG_OVER_SMALL} queue {verdict(queue_ratio <= TARGET_BIG_OVER_SMALL)} "
        f"({queue_ratio:.2f}), dashboard {verdict(dash_ratio <= TARGET_BIG_OVER_SMALL)} "
        f"({dash_ratio:.2f}); dispatch p99 ≤ {TARGET_DISPATCH_P99_MS} ms "
        f"{verdict(p99 <= TARGET_DISPATCH_P99_MS and missed == 0 and misrouted == 0)} "
        f"({p99:.1f})"
    )


if __name__ == "__main__":
    main()

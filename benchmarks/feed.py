"""Feed benchmark: GET /api/v1/grids/{id}/posts/ on a city-scale board vs a bare view,
and vs the same request on a 10,000-post database.

    .venv/bin/python benchmarks/feed.py            # seeds on first use (a few minutes)
    .venv/bin/python benchmarks/feed.py --reseed   # drop and seed both databases again
    .venv/bin/python benchmarks/feed.py --help

Two uvicorn servers (one worker each, DEBUG off, PostgreSQL + Redis) serve the big
and the small database side by side; wrk drives one endpoint of one server at a
time, in interleaved rounds, so every ratio compares runs made minutes apart at
most. See benchmarks/README.md for what is measured and the figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import common, seed

BIG = seed.Scale(communities=300, grids_per_community=20, members_per_grid=50, posts=1_000_000)
SMALL = seed.Scale(communities=3, grids_per_community=10, members_per_grid=50, posts=10_000)
GRID = 1  # the busiest grid of either database (see seed.py)
TARGET_FEED_OVER_BARE = 0.5
TARGET_BIG_OVER_SMALL_P95 = 1.3


# ---------------------------------------------------------------- Django helper


def prepare(argv: list[str]) -> None:
    """Runs inside Django (DATABASE_URL = one benchmark database): make sessions for
    members of the grid, find the deep cursor, count and EXPLAIN the feed's queries."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", type=int, required=True)
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--deep-pages", type=int, required=True)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from grids.models import Membership, Post
    from residents.models import User

    members = list(
        User.objects.filter(
            pk__in=Membership.objects.filter(grid_id=args.grid, left_at__isnull=True).values(
                "user_id"
            )
        ).order_by("pk")[: args.sessions]
    )
    sessions = []
    for user in members:
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(
                session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
                session_data=SessionStore().encode(data),
                expire_date=timezone.now() + datetime.timedelta(days=2),
            )
        )
    Session.objects.bulk_create(sessions)
    keys = [s.session_key for s in sessions]

    client = Client()
    client.cookies["sessionid"] = keys[0]
    first_path = f"/api/v1/grids/{args.grid}/posts/"
    # Copy the captured queries at once: the next request's request_started
    # signal clears the connection's query log they are read from.
    with CaptureQueriesContext(connection) as captured:
        first = client.get(first_path)
    first_queries = list(captured.captured_queries)
    assert first.status_code == 200, first.content[:500]
    page = first.json()
    path, deep_page = first_path, page
    for _ in range(args.deep_pages):
        assert deep_page["next"], "the grid has fewer posts than --deep-pages pages"
        path = re.sub(r"^https?://[^/]+", "", deep_page["next"])
        deep_page = client.get(path).json()
    with CaptureQueriesContext(connection) as captured:
        deep = client.get(path)
    deep_queries = list(captured.captured_queries)
    assert deep.status_code == 200

    # A grid of median size, for its plan: the busiest grid's may differ.
    median_grid = (
        Post.objects.filter(state="visible")
        .values("grid_id")
        .annotate(n=Count("id"))
        .order_by("n", "grid_id")
    )
    median_grid = median_grid[median_grid.count() // 2]
    neighbour = Membership.objects.filter(grid_id=median_grid["grid_id"]).first().user
    client = Client()
    client.force_login(neighbour)
    with CaptureQueriesContext(connection) as captured:
        median_first = client.get(f"/api/v1/grids/{median_grid['grid_id']}/posts/")
    median_queries = list(captured.captured_queries)
    assert median_first.status_code == 200

    def analyse(captured) -> list[dict]:
        rows = []
        with connection.cursor() as cursor:
            for q in captured:
                sql = q["sql"]
                row = {"sql": sql, "django_ms": float(q["time"]) * 1000}
                if sql.lstrip().upper().startswith("SELECT"):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0]
                    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                    row["exec_ms"] = plan["Execution Time"]
                    row["scans"] = sorted(set(_scans(plan["Plan"])))
                rows.append(row)
        return rows

    def explain_text(captured) -> str:
        # The statement that picks the page (and reads its posts): grids.selectors.cards.
        feed = [q["sql"] for q in captured if "page_ids" in q["sql"]]
        assert len(feed) == 1, [q["sql"][:200] for q in captured]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + feed[0])  # warm
            cursor.fetchall()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + feed[0])
            return feed[0] + "\n" + "\n".join(r[0] for r in cursor.fetchall())

    def shape(body: dict) -> dict:
        posts = body["results"] + body["pinned"]
        return {
            "posts": len(body["results"]),
            "pinned": len(body["pinned"]),
            "photos": sum(len(p["photos"]) for p in posts),
            "comments": sum(len(p["comments"]) for p in posts),
            "reactions": sum(sum(p["reactions"].values()) for p in posts),
        }

    common.helper_result(
        {
            "cpu_breakdown": cpu_breakdown(args.grid, keys[0]),
            "sessions": keys,
            "first_path": first_path,
            "deep_path": path,
            "grid_visible_posts": Post.objects.filter(grid_id=args.grid, state="visible").count(),
            "first": {
                "bytes": len(first.content),
                **shape(page),
                "queries": analyse(first_queries),
            },
            "deep": {
                "bytes": len(deep.content),
                **shape(deep.json()),
                "queries": analyse(deep_queries),
            },
            "explain_first": explain_text(first_queries),
            "explain_deep": explain_text(deep_queries),
            "median_grid": median_grid,
            "explain_median_first": explain_text(median_queries),
        }
    )


def cpu_breakdown(grid_id: int, session_key: str, repeat: int = 15) -> dict:
    """In-process CPU time (ms, median of `repeat`) of a feed request and of its parts,
    in the order the view runs them, to say where the time goes. No HTTP server: the
    test client, one thread, one connection kept open."""
    from django.test import Client, RequestFactory
    from django.utils import timezone
    from rest_framework.renderers import JSONRenderer
    from rest_framework.request import Request

    from core.photos import photo_url_maker
    from grids import permissions
    from grids.api.board import FeedPagination
    from grids.selectors.board import cards_decorate, feed_cards
    from grids.selectors.places import grid_for_reader
    from grids.serializers.board import card_data
    from residents.models import User

    client = Client()
    client.cookies["sessionid"] = session_key
    viewer = User.objects.get(pk=client.session["_auth_user_id"])
    grid = grid_for_reader(grid_id, viewer)
    request = Request(RequestFactory().get(f"/api/v1/grids/{grid_id}/posts/"))

    def cpu(fn) -> float:
        fn()
        samples = []
        for _ in range(repeat):
            started = time.process_time()
            fn()
            samples.append((time.process_time() - started) * 1000)
        return common.median(samples)

    def pick() -> tuple[list[dict], list[dict]]:
        paginator = FeedPagination()
        feed = feed_cards(viewer=viewer, grid=grid, with_pinned=True)
        page = paginator.paginate_queryset(feed, request)
        paginator.get_next_link()
        return page, feed.pinned

    page, pinned = pick()
    cards_decorate([*pinned, *page], viewer=viewer)
    url, now, tz = photo_url_maker(), timezone.now(), timezone.get_current_timezone()

    def write() -> list[dict]:
        return [card_data(card, url=url, now=now, tz=tz) for card in [*pinned, *page]]

    data = write()
    return {
        "bare request (test client)": cpu(lambda: client.get("/bench/bare/")),
        "bare DRF request (test client)": cpu(lambda: client.get("/bench/bare-drf/")),
        "feed request (test client)": cpu(lambda: client.get(f"/api/v1/grids/{grid_id}/posts/")),
        "  grid + membership, access check": cpu(
            lambda: permissions.require_view_grid(viewer, grid_for_reader(grid_id, viewer))
        ),
        "  page + pinned: cursor paginator, 1 query": cpu(pick),
        "  cards_decorate (1 query)": cpu(lambda: cards_decorate([*pinned, *page], viewer=viewer)),
        "  card_data (20 posts + pinned)": cpu(write),
        "  JSONRenderer().render": cpu(lambda: JSONRenderer().render(data)),
    }


def _scans(node: dict):
    kind = node.get("Node Type", "")
    if "Scan" in kind and "Relation Name" in node:
        yield f"{kind} {node['Relation Name']}" + (
            f" using {node['Index Name']}" if node.get("Index Name") else ""
        )
    for child in node.get("Plans", ()):
        yield from _scans(child)


# ---------------------------------------------------------------- wrk

WRK_SCRIPT = """
local cookies = {%(cookies)s}
local path = "%(path)s"
local n = 0
request = function()
  n = n + 1
  local cookie = cookies[(n %% #cookies) + 1]
  return wrk.format("GET", path, {["Cookie"] = "sessionid=" .. cookie,
                                  ["Accept"] = "application/json"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%%d,"duration_us":%%d,"bytes":%%d,"connect":%%d,"read":%%d,' ..
    '"write":%%d,"status":%%d,"timeout":%%d,"p50":%%d,"p95":%%d,"p99":%%d,"max":%%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end
"""


def wrk(server: common.Server, path: str, cookies: list[str], *, connections: int, seconds: int):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"cookies": ", ".join(f'"{c}"' for c in cookies), "path": path})
    cpu_before = server.cpu_seconds()
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{server.port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    cpu = server.cpu_seconds() - cpu_before
    with common.admin_connect() as conn:
        open_connections = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [server.dbname]
        ).fetchone()[0]
    line = next(x for x in out.splitlines() if x.startswith("BENCHJSON "))
    r = json.loads(line[len("BENCHJSON ") :])
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    return {
        "rps": r["requests"] / (r["duration_us"] / 1e6),
        "p50": r["p50"] / 1000,
        "p95": r["p95"] / 1000,
        "p99": r["p99"] / 1000,
        "max": r["max"] / 1000,
        "requests": r["requests"],
        "errors": errors,
        "cpu_ms": 1000 * cpu / max(r["requests"], 1),
        "pg_connections": open_connections,
    }


# ---------------------------------------------------------------- orchestration


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        prepare(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--big-db", default="linli_bench")
    parser.add_argument("--small-db", default="linli_bench_small")
    parser.add_argument("--posts", type=int, default=BIG.posts, help="posts in the big database")
    parser.add_argument("--small-posts", type=int, default=SMALL.posts)
    parser.add_argument("--reseed", action="store_true", help="drop and seed both databases")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (medians)")
    parser.add_argument("--seconds", type=int, default=6, help="each throughput run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections, loaded")
    parser.add_argument(
        "--latency-seconds", type=int, default=4, help="each 1-connection run (0: skip)"
    )
    parser.add_argument("--deep-pages", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=20, help="members the load rotates over")
    parser.add_argument("--port", type=int, default=8711, help="big-DB server; small uses +1")
    common.add_pool_option(parser)
    args = parser.parse_args()
    common.use_pool(args.db_pool)

    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load: apt-get install wrk (Debian package)")
    for name in (args.big_db, args.small_db):
        common.check_db_name(name)
    big = seed.Scale(**{**BIG.__dict__, "posts": args.posts})
    small = seed.Scale(**{**SMALL.__dict__, "posts": args.small_posts})

    print("== seeding (set-based SQL; skipped when the database already holds this scale)")
    started = time.monotonic()
    counts = {
        "big": seed.ensure(args.big_db, big, reseed=args.reseed),
        "small": seed.ensure(args.small_db, small, reseed=args.reseed),
    }
    print(f"  seeding step: {time.monotonic() - started:.0f} s\n")
    if args.seed_only:
        return

    info = common.setup_info(args.big_db)
    info.update(
        {
            "load generator": subprocess.run(
                ["wrk", "-v"], capture_output=True, text=True
            ).stdout.splitlines()[0],
            "server": "uvicorn community.asgi:application, 1 worker per database, "
            "DEBUG=false, REDIS_URL db 9",
            "database connections": common.connection_mode(),
            "load": f"wrk 1 thread, {args.connections} connections × {args.seconds:g} s, "
            f"then 1 connection × {args.latency_seconds:g} s; {args.rounds} interleaved rounds; "
            f"{args.sessions} members' sessions rotated",
        }
    )
    for label, name in (("big", args.big_db), ("small", args.small_db)):
        c = counts[label]
        info[f"{label} DB ({name})"] = (
            f"{c['communities']} communities, {c['grids']} grids, {c['users']:,} users, "
            f"{c['posts']:,} posts ({c['visible posts']:,} visible), {c['photos']:,} photos, "
            f"{c['comments']:,} comments, {c['reactions']:,} reactions; posts per grid "
            f"max/median/min {c['posts per grid (max/median/min)']}; {c['database size']}"
        )
    common.print_setup("feed benchmark setup", info)

    prepared = {}
    for label, name in (("big", args.big_db), ("small", args.small_db)):
        prepared[label] = common.run_helper(
            __file__,
            [
                "_prepare",
                "--grid",
                str(GRID),
                "--sessions",
                str(args.sessions),
                "--deep-pages",
                str(args.deep_pages),
            ],
            name,
        )
    for label in ("big", "small"):
        p = prepared[label]
        print(
            f"== {label} DB, grid {GRID}: {p['grid_visible_posts']:,} visible posts; deep cursor = "
            f"page {args.deep_pages + 1} ({args.deep_pages * 20:,} posts in)"
        )
        for which in ("first", "deep"):
            page = p[which]
            print(
                f"  {which:<5} page: {page['posts']} posts + {page['pinned']} pinned, "
                f"{page['photos']} photos, {page['comments']} comments, {page['reactions']} "
                f"reactions, {page['bytes']:,} bytes, {len(page['queries'])} queries"
            )
    print()
    print("== in-process CPU per call, ms (median of 15; no HTTP server), big DB vs small DB")
    for part, big_ms in prepared["big"]["cpu_breakdown"].items():
        small_ms = prepared["small"]["cpu_breakdown"][part]
        print(f"  {part:<44}{big_ms:>8.2f}{small_ms:>8.2f}")
    print()

    servers = {
        "big": common.Server(dbname=args.big_db, port=args.port).start(),
        "small": common.Server(dbname=args.small_db, port=args.port + 1).start(),
    }
    try:
        results = measure(args, servers, prepared)
    finally:
        for server in servers.values():
            server.stop()
    report(args, results, prepared)


ENDPOINTS = ("bare", "bare-drf", "feed-first", "feed-deep")
LATENCY_ENDPOINTS = ("bare", "feed-first", "feed-deep")


def measure(args, servers, prepared) -> dict:
    paths = {
        label: {
            "bare": "/bench/bare/",
            "bare-drf": "/bench/bare-drf/",
            "feed-first": prepared[label]["first_path"],
            "feed-deep": prepared[label]["deep_path"],
        }
        for label in servers
    }
    for label, server in servers.items():
        cookie = {"Cookie": f"sessionid={prepared[label]['sessions'][0]}"}
        for endpoint, path in paths[label].items():
            status, body = common.http_get(server.port, path, cookie)
            assert status == 200, (label, endpoint, status, body[:300])
            if endpoint.startswith("bare"):
                assert json.loads(body)["user"], (label, endpoint, "not authenticated")
    print("== warm-up: every endpoint, 2 s each", flush=True)
    for label, server in servers.items():
        for path in paths[label].values():
            wrk(server, path, prepared[label]["sessions"], connections=args.connections, seconds=2)

    results: dict = {"loaded": {}, "single": {}}
    phases = [("loaded", ENDPOINTS, args.connections, args.seconds)]
    if args.latency_seconds > 0:
        phases.append(("single", LATENCY_ENDPOINTS, 1, args.latency_seconds))
    for phase, endpoints, connections, seconds in phases:
        print(f"== {phase}: {connections} connection(s), {seconds:g} s per run", flush=True)
        for round_no in range(1, args.rounds + 1):
            line = []
            for label, server in servers.items():
                for endpoint in endpoints:
                    r = wrk(
                        server,
                        paths[label][endpoint],
                        prepared[label]["sessions"],
                        connections=connections,
                        seconds=seconds,
                    )
                    if r["errors"]:
                        print(f"  !! {r['errors']} errors on {label} {endpoint}")
                        print(server.log_tail(800))
                    results[phase].setdefault((label, endpoint), []).append(r)
                    line.append(f"{label[0]}:{endpoint} {r['rps']:.0f}/s p95 {r['p95']:.1f}")
            print(f"  round {round_no}: " + " | ".join(line), flush=True)
    return results


def report(args, results, prepared) -> None:
    print()
    for phase, title in (
        ("loaded", f"{args.connections} connections (saturating one worker)"),
        ("single", "1 connection (no queueing: service time)"),
    ):
        if not results[phase]:
            continue
        print(f"== results, {title}; median (min–max) over {args.rounds} rounds")
        print(
            f"  {'db':<6}{'endpoint':<12}{'req/s':>26}{'p50 ms':>24}{'p95 ms':>24}"
            f"{'p99 ms':>24}{'server CPU ms/req':>24}{'errors':>9}"
        )
        for (label, endpoint), runs in results[phase].items():
            cols = [common.spread([r[k] for r in runs]) for k in ("rps", "p50", "p95", "p99")]
            cpu = common.spread([r["cpu_ms"] for r in runs])
            errors = f"{sum(r['errors'] for r in runs)}/{sum(r['requests'] for r in runs)}"
            print(
                f"  {label:<6}{endpoint:<12}{cols[0]:>26}{cols[1]:>24}{cols[2]:>24}{cols[3]:>24}"
                f"{cpu:>24}{errors:>9}"
            )
        print()

    def ratio(phase, a, b, key):
        runs_a, runs_b = results[phase].get(a), results[phase].get(b)
        if not runs_a or not runs_b:
            return []
        return [x[key] / y[key] for x, y in zip(runs_a, runs_b, strict=True)]

    def verdict(values, target, *, at_least: bool) -> str:
        m = common.median(values)
        ok = m >= target if at_least else m <= target
        return f"{common.spread(values)}  target {'≥' if at_least else '≤'} {target}: " + (
            "met" if ok else "MISSED"
        )

    most = {
        label: max(r["pg_connections"] for (db, _), runs in results["loaded"].items()
                   for r in runs if db == label)
        for label in ("big", "small")
    }  # fmt: skip
    print(
        f"== PostgreSQL connections open right after a loaded run, most seen: big-DB server "
        f"{most['big']}, small-DB server {most['small']} (max_connections is shared by both)\n"
    )
    print("== ratios (computed per round from runs minutes apart, then the median)")
    conns = f"{args.connections} conns"
    first, deep, bare = "feed-first", "feed-deep", "bare"
    over_bare, big_small = TARGET_FEED_OVER_BARE, TARGET_BIG_OVER_SMALL_P95
    lines = [
        # label, phase, (db, endpoint) over (db, endpoint), figure, target, "at least"
        ("feed first page / bare, req/s, big DB", "loaded", "big", first, "big", bare,
         "rps", over_bare, True),
        ("feed deep page / bare, req/s, big DB", "loaded", "big", deep, "big", bare,
         "rps", over_bare, True),
        ("feed first page / bare, req/s, small DB", "loaded", "small", first, "small", bare,
         "rps", over_bare, True),
        ("feed first page / bare-drf, req/s, big DB", "loaded", "big", first, "big", "bare-drf",
         "rps", None, True),
        ("bare-drf / bare, req/s, big DB", "loaded", "big", "bare-drf", "big", bare,
         "rps", None, True),
        (f"p95 big/small, feed first page, {conns}", "loaded", "big", first, "small", first,
         "p95", big_small, False),
        (f"p95 big/small, feed deep page, {conns}", "loaded", "big", deep, "small", deep,
         "p95", big_small, False),
        ("p95 big/small, feed first page, 1 conn", "single", "big", first, "small", first,
         "p95", big_small, False),
        ("p95 big/small, feed deep page, 1 conn", "single", "big", deep, "small", deep,
         "p95", big_small, False),
        ("server CPU/req big/small, feed first page", "loaded", "big", first, "small", first,
         "cpu_ms", None, False),
    ]  # fmt: skip
    for label, phase, db_a, ep_a, db_b, ep_b, key, target, at_least in lines:
        values = ratio(phase, (db_a, ep_a), (db_b, ep_b), key)
        if not values:
            continue
        text = verdict(values, target, at_least=at_least) if target else common.spread(values)
        print(f"  {label:<48} {text}")
    print()

    for label in ("big", "small"):
        for which in ("first", "deep"):
            queries = prepared[label][which]["queries"]
            total = sum(q.get("exec_ms", 0) for q in queries)
            print(
                f"== {label} DB, {which} page: {len(queries)} queries, "
                f"{total:.2f} ms PostgreSQL execution in all (EXPLAIN ANALYZE, warm)"
            )
            if label == "big":
                for q in queries:
                    sql = re.sub(r"\s+", " ", q["sql"])
                    sql = sql if len(sql) <= 150 else sql[:147] + "..."
                    scans = "; ".join(q.get("scans", ())) or "-"
                    exec_ms = f"{q['exec_ms']:.3f}" if "exec_ms" in q else "-"
                    print(f"  {exec_ms:>8} ms  {sql}\n              scans: {scans}")
    print()
    median = prepared["big"]["median_grid"]
    for key, title in (
        ("explain_first", f"grid {GRID} (busiest), first page"),
        ("explain_deep", f"grid {GRID} (busiest), page {args.deep_pages + 1}"),
        (
            "explain_median_first",
            f"grid {median['grid_id']} (median: {median['n']} posts), first page",
        ),
    ):
        print(f"== EXPLAIN (ANALYZE, BUFFERS) of the feed query, big DB, {title}")
        print("  " + prepared["big"][key].replace("\n", "\n  "))
        print()
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

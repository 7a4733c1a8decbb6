"""What both benchmarks share: their own databases, the server they start, the
setup they print, and percentiles. Standard library + psycopg + redis only, so the
orchestrating process never imports Django (helpers that need it run as
subprocesses with the right DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import os
import platform
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
# Fixed so that sessions made by a helper process are readable by the server.
SECRET_KEY = "linli-benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
HELPER_PREFIX = "BENCH-RESULT "
_FORBIDDEN = re.compile(r"^(linli_ci|linli_dev|test_.*|postgres|template\d)$")


# ---------------------------------------------------------------- databases


def check_db_name(name: str) -> str:
    if _FORBIDDEN.match(name) or not name.startswith("linli_bench"):
        raise SystemExit(f"refusing database {name!r}: benchmark databases are named linli_bench*")
    return name


def db_url(name: str) -> str:
    return f"{PG_ADMIN_URL}/{check_db_name(name)}"


def admin_connect():
    import psycopg

    return psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True)


def connect(name: str):
    import psycopg

    return psycopg.connect(db_url(name), autocommit=True)


def db_exists(name: str) -> bool:
    with admin_connect() as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def db_create(name: str) -> None:
    check_db_name(name)
    with admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def db_drop(name: str) -> None:
    check_db_name(name)
    with admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seeded(dbname: str, meta_key: str = "seed") -> dict | None:
    """What a finished seed recorded in `dbname` under `meta_key`, or None (missing,
    unfinished, another benchmark's)."""
    if not db_exists(dbname):
        return None
    with connect(dbname) as conn:
        if not conn.execute("SELECT to_regclass('bench_meta') IS NOT NULL").fetchone()[0]:
            return None
        row = conn.execute("SELECT value FROM bench_meta WHERE key = %s", [meta_key]).fetchone()
        return row[0] if row else None


def seed_once(
    dbname: str,
    key: dict,
    seed: Callable[[], tuple[dict, dict]],
    *,
    reseed: bool,
    meta_key: str = "seed",
) -> dict:
    """Seed `dbname` (drop, create, migrate, then `seed()`: its row counts and anything
    else to record) unless it already holds a seed of this `key`, or `reseed`. Returns
    the record: key as "scale", "counts", "seconds", "seeded_at" and the rest."""
    check_db_name(dbname)
    found = seeded(dbname, meta_key)
    if found and not reseed and found.get("scale") == key:
        print(f"  {dbname}: already seeded ({found['seeded_at']}, took {found['seconds']} s)")
        try:
            db_migrate(dbname)  # the app's schema may have moved on since
            return found
        except subprocess.CalledProcessError:
            print(f"  {dbname}: the app's migrations no longer apply to it; seeding again")
    elif found and not reseed:
        print(f"  {dbname}: seeded with other parameters; seeding again")
    db_drop(dbname)
    db_create(dbname)
    started = time.monotonic()
    print(f"  {dbname}: migrate …", flush=True)
    db_migrate(dbname)
    counts, extra = seed()
    seconds = round(time.monotonic() - started, 1)
    value = {
        "scale": key,
        "counts": counts,
        "seconds": seconds,
        **extra,
        "seeded_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    with connect(dbname) as conn:
        conn.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
        conn.execute("INSERT INTO bench_meta VALUES (%s, %s)", [meta_key, json.dumps(value)])
    print(f"  {dbname}: seeded in {seconds} s", flush=True)
    return value


# The tables every seed fills with a city's places and people, whose id sequences each
# moves past its rows (`bulk_load_end`); a seed's own tables follow them.
PLACE_TABLES = (
    "grids_community",
    "residents_user",
    "grids_grid",
    "grids_microgrid",
    "grids_membership",
)


def bulk_load_begin(conn, *, indexed: Sequence[str]) -> list[tuple[str, str]]:
    """The session of a set-based seed (seed.py, seed_matching.py, seed_reports.py), until
    `bulk_load_end` with what this returns.

    Per-row foreign-key triggers are off (rows are consistent by construction; CHECK
    constraints still apply); `bench_r(i, salt)` gives a reproducible number in [0, 1)
    for a row id; the plain indexes of the `indexed` tables are dropped, to be rebuilt
    once at the end: their names and definitions are returned."""
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("SET max_parallel_maintenance_workers = 2")
    conn.execute("SET session_replication_role = replica")
    conn.execute(
        """CREATE OR REPLACE FUNCTION bench_r(i bigint, salt bigint) RETURNS float8
           LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
           $$ SELECT (hashint8extended(i, salt) & 9007199254740991)::float8
                     / 9007199254740992.0 $$"""
    )
    dropped = conn.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i
           WHERE i.indrelid = ANY(%s::regclass[])
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        [list(indexed)],
    ).fetchall()
    for name, _ in dropped:
        conn.execute(f'DROP INDEX "{name}"')
    return dropped


def bulk_load_end(
    conn, dropped: list[tuple[str, str]], *, sequences: Sequence[str], width: int = 34
) -> None:
    """The indexes `bulk_load_begin` dropped, rebuilt; triggers on again; the id sequences
    of the `sequences` tables moved past their rows; then VACUUM (ANALYZE) and a
    CHECKPOINT, so the database reads as a long-running one would. `width`: of the
    step labels printed."""
    started = time.monotonic()
    for _, definition in dropped:
        conn.execute(definition)
    label = f"rebuild {len(dropped)} indexes"
    print(f"    {label:<{width}}{'':15} {time.monotonic() - started:6.1f} s", flush=True)
    conn.execute("SET session_replication_role = DEFAULT")
    for table in sequences:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
    started = time.monotonic()
    conn.execute("VACUUM (ANALYZE)")
    conn.execute("CHECKPOINT")
    label = "vacuum analyze + checkpoint"
    print(f"    {label:<{width}}{'':15} {time.monotonic() - started:6.1f} s", flush=True)


def db_migrate(name: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=django_env(name),
        check=True,
    )


def django_env(dbname: str, **extra: str) -> dict[str, str]:
    """The environment of every Django process of a benchmark: PostgreSQL, Redis, DEBUG off.

    DJANGO_ENV stays unset (development): community.settings reads DEBUG on its
    own, so DEBUG=false needs no production mode (which would redirect plain
    HTTP to HTTPS and set Secure cookies).
    """
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=db_url(dbname),
        REDIS_URL=REDIS_URL,
        # Pub/sub channels are not per Redis database: each benchmark database its own
        # prefix, so runs on different databases never hear each other's groups.
        CHANNELS_PREFIX="linli_bench_db" + (REDIS_URL.rstrip("/").rsplit("/", 1)[-1] or "0"),
        CACHE_PREFIX="linli_bench",
        SECRET_KEY=SECRET_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        THROTTLE_WRITE="1000000/min",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
        PYTHONPATH=str(ROOT),
        PYTHONWARNINGS="ignore:No directory at",
    )
    env.update(extra)
    return env


def run_helper(script: str, args: list[str], dbname: str) -> dict:
    """Run `script _helper args` in a Django process; it prints one JSON result line."""
    out = subprocess.run(
        [PYTHON, script, *args],
        cwd=ROOT,
        env=django_env(dbname),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith(HELPER_PREFIX):
            return json.loads(line[len(HELPER_PREFIX) :])
    raise RuntimeError(f"helper printed no result:\n{out[-2000:]}")


def members_join(grid, users, buildings) -> None:
    """Inside a Django helper: `users` join `grid`, spread over its `buildings` and 30
    units, in one INSERT."""
    from grids.models import Membership

    Membership.objects.bulk_create(
        Membership(
            user=user,
            grid=grid,
            micro_grid=buildings[k % len(buildings)],
            unit=str(100 + k % 30),
        )
        for k, user in enumerate(users)
    )


def helper_result(value: dict) -> None:
    print(HELPER_PREFIX + json.dumps(value, ensure_ascii=False), flush=True)


def require_pool() -> None:
    try:
        import psycopg_pool  # noqa: F401
    except ImportError:
        raise SystemExit("--db-pool needs psycopg-pool (psycopg[pool]) in the venv") from None


def add_pool_option(parser) -> None:
    """`--db-pool N`: the servers use Django's psycopg pool, as in production."""
    parser.add_argument(
        "--db-pool",
        type=int,
        default=0,
        metavar="N",
        help="serve with Django's psycopg pool of N connections (DATABASE_POOL=on, "
        "DATABASE_POOL_MAX=N) instead of a new connection per request",
    )


def use_pool(size: int) -> None:
    """Make every server this process starts use the pool (`--db-pool`), if asked."""
    if size:
        require_pool()
        os.environ.update(DATABASE_POOL="on", DATABASE_POOL_MAX=str(size))


def connection_mode() -> str:
    """How the servers reach PostgreSQL: community.settings reads DATABASE_POOL,
    DATABASE_POOL_MAX and CONN_MAX_AGE from the environment."""
    if os.environ.get("DATABASE_POOL", "").lower() in ("1", "true", "yes", "on"):
        return f"psycopg pool (DATABASE_POOL=on, max_size {os.environ.get('DATABASE_POOL_MAX')})"
    age = os.environ.get("CONN_MAX_AGE", "settings default")
    return f"no pool; CONN_MAX_AGE={age}, CONN_HEALTH_CHECKS on"


# ---------------------------------------------------------------- the server


class Server:
    """uvicorn serving community.asgi:application with the benchmark settings."""

    def __init__(
        self, *, dbname: str, port: int, workers: int = 1, extra_args=(), env: dict | None = None
    ):
        self.dbname, self.port, self.workers = dbname, port, workers
        self.env = dict(env or {})  # extra environment of the server (settings read from it)
        self.log_path = Path(f"/tmp/linli_bench_uvicorn_{port}.log")
        cmd = [
            str(Path(PYTHON).with_name("uvicorn")),
            "community.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            *extra_args,
        ]
        if workers > 1:
            cmd += ["--workers", str(workers)]
        self.cmd = cmd
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> Server:
        if port_open(self.port):
            raise SystemExit(f"port {self.port} is already in use; pick another with --port")
        log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env=django_env(self.dbname, **self.env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"uvicorn exited; see {self.log_path}:\n{self.log_tail()}")
            try:
                status, _ = http_get(self.port, "/bench/bare/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"uvicorn did not answer within {timeout}s; see {self.log_path}")

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text()[-n:]
        except OSError:
            return ""

    def pids(self) -> list[int]:
        """The server process and (with --workers) its worker children."""
        if self.proc is None:
            return []
        found = [self.proc.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[1]) == self.proc.pid:
                    found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the server's processes."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def rss_bytes(self) -> int:
        """Resident memory of the server's processes (the worker's, with one worker)."""
        return sum(rss_bytes(pid) for pid in self.pids())

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def rss_bytes(pid: int) -> int:
    """VmRSS of one process, from /proc (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def http_get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def raise_fd_limit(wanted: int) -> tuple[int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(wanted, soft)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


# ---------------------------------------------------------------- statistics


def percentile(values, q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    data = sorted(values)
    if not data:
        return math.nan
    k = (len(data) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def median(values) -> float:
    values = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(values) if values else math.nan


def spread(values) -> str:
    """`median (min–max, n=k)`: every summary says how far its runs disagreed."""
    values = [v for v in values if v is not None and not math.isnan(v)]
    if not values:
        return "n/a"
    return f"{fmt(median(values))} ({fmt(min(values))}–{fmt(max(values))}, n={len(values)})"


def fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


# ---------------------------------------------------------------- the setup


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "not installed"


def setup_info(dbname: str | None = None) -> dict:
    info = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "code": _git_describe(),
        "host": platform.node(),
        "cpu": f"{_cpu_model()} × {os.cpu_count()} cores (shared host)",
        "memory": _meminfo(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": _version("django"),
        "djangorestframework": _version("djangorestframework"),
        "channels / channels-redis": f"{_version('channels')} / {_version('channels-redis')}",
        "uvicorn": _version("uvicorn")
        + f" (httptools {_version('httptools')}, uvloop {_version('uvloop')})",
        "websockets": _version("websockets"),
        "psycopg": _version("psycopg"),
    }
    if dbname:
        with connect(dbname) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            info["postgresql shared_buffers"] = conn.execute("SHOW shared_buffers").fetchone()[0]
    info["redis"] = redis_version()
    return info


def _git_describe() -> str:
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _meminfo() -> str:
    try:
        line = Path("/proc/meminfo").read_text().splitlines()[0]
        return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL)


def redis_version() -> str:
    try:
        server = redis_client().info("server")
        return f"{server['redis_version']} ({REDIS_URL})"
    except Exception as exc:  # the figure is informative only
        return f"unreachable: {exc}"


def print_setup(title: str, info: dict) -> None:
    print(f"== {title}")
    width = max(len(k) for k in info)
    for key, value in info.items():
        print(f"  {key:<{width}}  {value}")
    print(flush=True)

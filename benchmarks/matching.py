"""Matching benchmark: mutualaid.selectors.matching.offers_for_need and needs_for_offer on a
seeded city (6,000 grids, 100,000 open needs) at 10k, 100k and 1M open offers.

    .venv/bin/python benchmarks/matching.py                     # seeds on first use
    .venv/bin/python benchmarks/matching.py --scales 10k,100k   # a subset
    .venv/bin/python benchmarks/matching.py --samples 200 --rounds 3  # a shorter run
    .venv/bin/python benchmarks/matching.py --reseed            # drop and seed again
    .venv/bin/python benchmarks/matching.py --help

One database per scale, `linli_bench_match_<scale>` (seeded by
benchmarks/seed_matching.py, skipped when it already holds that scale). One Django
process (DEBUG off) calls the selectors in-process for random open needs and
offers of each scale, timing every call with time.perf_counter, in interleaved
rounds; then it runs EXPLAIN (ANALYZE, BUFFERS) on every query those calls made.
See benchmarks/README.md for what is measured and the figures.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import common, seed_matching

TARGET_P95_MS_AT_100K = 20.0
TARGET_1M_OVER_100K = 2.0
CALLS = ("offers_for_need", "needs_for_offer")
TIERS = ("building", "grid", "community", "elsewhere")
WARM_UP_CALLS = 40
BIG_TABLES = (
    "mutualaid_need",
    "mutualaid_offer",
    "grids_grid",
    "grids_microgrid",
    "grids_membership",
    "grids_mute",
    "residents_user",
)


def parse_scale(text: str) -> int:
    match = re.fullmatch(r"(\d+)([km]?)", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"not a scale: {text!r} (try 10k, 100k, 1m)")
    return int(match[1]) * {"": 1, "k": 1_000, "m": 1_000_000}[match[2]]


# ---------------------------------------------------------------- Django helper


def measure(argv: list[str]) -> None:
    """Runs inside Django. Switches the one connection between the scales' databases."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dbs", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--samples", type=int, required=True)
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--max-load", type=float, default=0)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from grids.models import Mute
    from mutualaid.models import Need, Offer
    from mutualaid.selectors import matching, needs

    dbs = dict(zip(args.labels.split(","), args.dbs.split(","), strict=True))
    functions = {
        "offers_for_need": matching.offers_for_need,
        "needs_for_offer": matching.needs_for_offer,
    }

    def use(label: str) -> None:
        connection.close()
        connection.settings_dict["NAME"] = common.check_db_name(dbs[label])
        connection.ensure_connection()

    def sample_ids(table: str, where: str, salt: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {table} WHERE {where} ORDER BY bench_r(id, %s) LIMIT %s",
                [salt, args.samples],
            )
            return [row[0] for row in cursor.fetchall()]

    def check(call: str, item, matches) -> None:
        """The matches are what the selector promises: open, same kind, not one's own."""
        me = item.requester_id if call == "offers_for_need" else item.giver_id
        open_states = Offer.OPEN_STATES if call == "offers_for_need" else Need.OPEN_STATES
        tiers = [m.tier for m in matches]
        assert tiers == sorted(tiers) and len(matches) <= 10, (call, item.pk, tiers)
        for m in matches:
            other = m.item.giver_id if call == "offers_for_need" else m.item.requester_id
            assert m.item.category_id == item.category_id and other != me, (call, item.pk)
            assert m.item.state in open_states, (call, item.pk, m.item.pk, m.item.state)

    # Which tier each query belongs to: the matching selectors' `_tiers` is wrapped (in this
    # untimed pass only) to note the tier it hands out, and each query takes the note.
    tiers_seen: dict = {}

    def label_query(execute, sql, params, many, context):
        tiers_seen.setdefault("queries", []).append(tiers_seen.get("current"))
        return execute(sql, params, many, context)

    items: dict = {}
    captured: dict = {}
    for label in dbs:
        use(label)
        sampled_needs = [
            needs.need_by_id(pk)
            for pk in sample_ids("mutualaid_need", seed_matching.OPEN_NEED, 9001)
        ]
        sampled_offers = [
            needs.offer_by_id(pk)
            for pk in sample_ids("mutualaid_offer", seed_matching.OPEN_OFFER, 9002)
        ]
        items[label] = {"offers_for_need": sampled_needs, "needs_for_offer": sampled_offers}
        # First pass: the queries of every call (and the caches warmed).
        captured[label] = {}
        for call, fn in functions.items():
            rows = []
            for item in items[label][call]:
                reset_queries()  # the log holds 9,000 queries; a full log captures none
                tiers_seen.clear()
                with (
                    CaptureQueriesContext(connection) as queries,
                    connection.execute_wrapper(label_query),
                    _traced_tiers(matching, tiers_seen),
                ):
                    matches = fn(item)
                check(call, item, matches)
                person = item.requester_id if call == "offers_for_need" else item.giver_id
                rows.append(
                    {
                        "id": item.pk,
                        "category_id": item.category_id,
                        "directed": bool(getattr(item, "for_need_id", None)),
                        "mutes": Mute.objects.filter(muter_id=person).count()
                        + Mute.objects.filter(muted_id=person).count(),
                        "matches": len(matches),
                        "tiers": collections.Counter(m.tier for m in matches),
                        "sql": [q["sql"] for q in queries.captured_queries],
                        "labels": [
                            _tier(call, sql, tier)
                            for sql, tier in zip(
                                [q["sql"] for q in queries.captured_queries],
                                tiers_seen.get("queries", []),
                                strict=True,
                            )
                        ],
                    }
                )
            captured[label][call] = rows

    # Timed rounds: every scale in turn (rotated), every sampled call once per round.
    timings = {label: {call: [] for call in CALLS} for label in dbs}
    load = []
    labels = list(dbs)
    for round_no in range(args.rounds):
        waited = _wait_for_load(args.max_load)
        before = os.getloadavg()[0]
        for label in labels[round_no % len(labels) :] + labels[: round_no % len(labels)]:
            use(label)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
            for call, fn in functions.items():
                for item in items[label][call][:WARM_UP_CALLS]:
                    fn(item)  # a new connection: warm its catalog caches first
                walls, cpus = [], []
                backend0 = _process_cpu_ms(backend)
                for item in items[label][call]:
                    cpu0, wall0 = time.process_time(), time.perf_counter()
                    fn(item)
                    wall1, cpu1 = time.perf_counter(), time.process_time()
                    walls.append((wall1 - wall0) * 1000)
                    cpus.append((cpu1 - cpu0) * 1000)
                backend1 = _process_cpu_ms(backend)
                pg_ms = None if backend0 is None else (backend1 - backend0) / len(walls)
                timings[label][call].append({"wall": walls, "cpu": cpus, "pg_cpu": pg_ms})
        load.append((before, os.getloadavg()[0]))
        print(
            f"  round {round_no + 1}/{args.rounds} done (after waiting {waited:.0f} s for a "
            f"quieter host), load average {before:.2f} → {load[-1][1]:.2f}",
            file=sys.stderr,
            flush=True,
        )

    # Every query of every call, with EXPLAIN (ANALYZE, BUFFERS): which index, how much read.
    calls_out: dict = {}
    for label in dbs:
        use(label)
        calls_out[label] = {}
        with connection.cursor() as cursor:
            for call in CALLS:
                out = []
                for row in captured[label][call]:
                    plans = [
                        _explain(cursor, sql, tier)
                        for sql, tier in zip(row["sql"], row["labels"], strict=True)
                    ]
                    keep = {k: v for k, v in row.items() if k not in ("sql", "labels")}
                    out.append({**keep, "plans": plans})
                calls_out[label][call] = out

    # The same need at every scale (needs are identical): its same-community tier, the
    # one tier filtered through a join, as the representative plan.
    reference = next(
        (
            i
            for i, row in enumerate(captured[labels[-1]]["offers_for_need"])
            if "community" in row["labels"]
        ),
        None,
    )
    representative = {}
    for label in dbs:
        use(label)
        with connection.cursor() as cursor:
            for call in CALLS:
                slowest = max(
                    (
                        (plan["exec_ms"], r, q)
                        for r, row in enumerate(calls_out[label][call])
                        for q, plan in enumerate(row["plans"])
                    ),
                )
                _, r, q = slowest
                row = calls_out[label][call][r]
                representative.setdefault(label, {})[f"slowest {call} query"] = {
                    "about": f"{call} for {row['id']}, tier query {row['plans'][q]['tier']}",
                    "plan": _explain_text(cursor, captured[label][call][r]["sql"][q]),
                }
            if reference is not None:
                row = captured[label]["offers_for_need"][reference]
                representative[label]["offers_for_need, same-community tier"] = {
                    "about": f"need {row['id']} (category {row['category_id']})",
                    "plan": _explain_text(cursor, row["sql"][row["labels"].index("community")]),
                }

    for label in dbs:
        for call in CALLS:
            for row in calls_out[label][call]:
                row["tiers"] = dict(row["tiers"])
    common.helper_result(
        {"timings": timings, "load": load, "calls": calls_out, "representative": representative}
    )


def _wait_for_load(below: float, limit: float = 900) -> float:
    """Seconds spent waiting for the host's 1-minute load average to fall below `below`."""
    started = time.monotonic()
    while below and os.getloadavg()[0] >= below and time.monotonic() - started < limit:
        time.sleep(5)
    return time.monotonic() - started


def _process_cpu_ms(pid: int) -> float | None:
    """User + system CPU of a process so far (the PostgreSQL backend: same host)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _service_cpu(runs: list[dict]) -> str:
    py = common.median([sum(r["cpu"]) / len(r["cpu"]) for r in runs])
    pg = common.median([r["pg_cpu"] for r in runs if r["pg_cpu"] is not None])
    return f"{py:.1f}+{pg:.1f}"


def _verdict(value: float, at_most: float) -> str:
    return "met" if value <= at_most else "MISSED"


def _db_ms(row: dict) -> float:
    """PostgreSQL's own time for one call: planning + execution of its queries."""
    return sum(p["exec_ms"] + p["planning_ms"] for p in row["plans"])


class _traced_tiers:
    """Wrap `matching._tiers` (when it exists) so each tier handed out is noted in `seen`:
    building, grid, community, then elsewhere 1, 2, … (nearest communities first)."""

    def __init__(self, selectors, seen: dict):
        self.selectors, self.seen = selectors, seen
        self.original = getattr(selectors, "_tiers", None)

    def __enter__(self):
        original, seen = self.original, self.seen

        def traced(*args, **kwargs):
            elsewhere = 0
            for tier, queryset in original(*args, **kwargs):
                if tier < len(TIERS) - 1:
                    seen["current"] = TIERS[tier]
                else:
                    elsewhere += 1
                    seen["current"] = f"elsewhere {elsewhere}"
                yield tier, queryset

        if original is not None:
            self.selectors._tiers = traced
        return self

    def __exit__(self, *exc):
        if self.original is not None:
            self.selectors._tiers = self.original


def _tier_order(tier: str) -> tuple:
    words = tier.split()
    rank = ("directed", *TIERS, "lookup").index(words[0])
    number = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
    return (rank, number, "normal" in tier, tier)


def _tier(call: str, sql: str, tier: str | None) -> str:
    """A query's label: its tier (and urgency, for needs), or what else it reads."""
    table = re.search(r'FROM "(\w+)"', sql)
    table = table[1] if table else "?"
    if table not in ("mutualaid_need", "mutualaid_offer"):
        return f"lookup {table}"
    if tier is None:
        return "directed"
    if call == "needs_for_offer":
        urgent = "\"urgency\" = 'urgent'" in sql
        return f"{tier} {'urgent' if urgent else 'normal'}"
    return tier


def _explain(cursor, sql: str, tier: str) -> dict:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
    plan = cursor.fetchone()[0]
    plan = (plan if isinstance(plan, list) else json.loads(plan))[0]
    root = plan["Plan"]
    return {
        "tier": tier,
        "exec_ms": plan["Execution Time"],
        "planning_ms": plan["Planning Time"],
        "buffers": root.get("Shared Hit Blocks", 0) + root.get("Shared Read Blocks", 0),
        "read": root.get("Shared Read Blocks", 0),
        "rows": root.get("Actual Rows", 0),
        "removed": sum(_removed(root)),
        "access": " → ".join(dict.fromkeys(_scans(root))) or _first_scan(root),
    }


def _explain_text(cursor, sql: str) -> str:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    return _short(sql) + "\n" + "\n".join(r[0] for r in cursor.fetchall())


def _removed(node: dict):
    """Rows of needs or offers read and then dropped by a filter (wasted reads)."""
    if node.get("Relation Name") in ("mutualaid_need", "mutualaid_offer"):
        for key in ("Rows Removed by Filter", "Rows Removed by Index Recheck"):
            yield node.get(key, 0) * node.get("Actual Loops", 1)
    for child in node.get("Plans", ()):
        yield from _removed(child)


def _scans(node: dict):
    """The access paths that matter: every index but primary keys and the mute lookups,
    and sequential scans of the big tables (not of the ten categories, say)."""
    kind, index = node["Node Type"], node.get("Index Name", "")
    if kind == "Seq Scan" and node["Relation Name"] in BIG_TABLES:
        yield f"SEQ SCAN {node['Relation Name']}"
    elif index and not index.endswith("_pkey") and not index.startswith(("mute_", "grids_mute")):
        yield f"{kind} {index}"
    for child in node.get("Plans", ()):
        yield from _scans(child)


def _first_scan(node: dict) -> str:
    if "Scan" in node["Node Type"]:
        return f"{node['Node Type']} {node.get('Index Name') or node.get('Relation Name')}"
    return next((_first_scan(child) for child in node.get("Plans", ())), "no scan")


def _short(sql: str) -> str:
    return re.sub(r'^SELECT .*? FROM "', 'SELECT … FROM "', sql, count=1)


# ---------------------------------------------------------------- orchestration


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_measure":
        measure(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scales",
        default="10k,100k,1m",
        help="open offers per database, comma-separated (default: 10k,100k,1m)",
    )
    parser.add_argument(
        "--needs",
        type=parse_scale,
        default="100k",
        help="open needs at every scale (default: 100k)",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=400,
        help="open needs and offers sampled per scale (default: 400)",
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="timed passes over the samples (default: 5)"
    )
    parser.add_argument(
        "--max-load",
        type=float,
        default=0,
        metavar="L",
        help="before each round, wait (up to 15 min) until the 1-minute load average is below L: "
        "on a shared host, measure in its quieter moments (default: do not wait)",
    )
    parser.add_argument("--reseed", action="store_true", help="drop and seed the databases again")
    parser.add_argument("--seed-only", action="store_true", help="seed, do not measure")
    args = parser.parse_args()
    labels = [s.strip().lower() for s in args.scales.split(",") if s.strip()]
    try:
        scales = {label: parse_scale(label) for label in labels}
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    dbs = {label: common.check_db_name(f"linli_bench_match_{label}") for label in labels}

    print("== seeding (set-based SQL; skipped when the database already holds this scale)")
    started = time.monotonic()
    counts = {
        label: seed_matching.ensure(
            dbs[label],
            seed_matching.Scale(open_offers=scales[label], open_needs=args.needs),
            reseed=args.reseed,
        )
        for label in labels
    }
    print(f"  seeding step: {time.monotonic() - started:.0f} s\n")
    if args.seed_only:
        return

    info = {
        k: v
        for k, v in common.setup_info(dbs[labels[0]]).items()
        if k not in ("channels / channels-redis", "uvicorn", "websockets", "redis")
    }
    info["measured"] = (
        f"selectors called in-process (one Django process, DEBUG off, no HTTP); "
        f"{args.samples} random open needs and offers per scale; {args.rounds} rounds, "
        f"scales interleaved; {WARM_UP_CALLS} warm-up calls per scale and round"
    )
    for label in labels:
        c = counts[label]
        info[f"{dbs[label]}"] = (
            f"{c['grids']:,} grids, {c['buildings']:,} buildings, {c['users']:,} members, "
            f"{c['mutes']:,} mutes; needs {c['needs']:,} ({c['open needs']:,} open, "
            f"{c['urgent open needs']:,} urgent); offers {c['offers']:,} "
            f"({c['open offers']:,} open, {c['offers in the partial indexes']:,} in the partial "
            f"indexes, {c['directed open offers']:,} directed); open 口罩 offers per grid "
            f"max/median/min {c['open 口罩 offers per grid (max/median/min)']}; "
            f"{c['database size']}"
        )
    c = counts[labels[-1]]
    info["open offers per category"] = (
        ", ".join(
            f"{k} {v:,}"
            for k, v in sorted(c["open offers per category"].items(), key=lambda kv: -kv[1])
        )
        + f" ({dbs[labels[-1]]})"
    )
    common.print_setup("matching benchmark setup", info)

    result = common.run_helper(
        __file__,
        [
            "_measure",
            "--dbs",
            ",".join(dbs.values()),
            "--labels",
            ",".join(labels),
            "--samples",
            str(args.samples),
            "--rounds",
            str(args.rounds),
            "--max-load",
            str(args.max_load),
        ],
        dbs[labels[0]],
    )
    report(args, labels, scales, result)


def report(args, labels, scales, result) -> None:
    timings, calls = result["timings"], result["calls"]
    pct = common.percentile
    print()
    print(
        f"== wall time per call, ms: {args.rounds} rounds × {args.samples} calls pooled; "
        "per round: median (min–max) of the rounds' p50 and p95; CPU: this process's"
    )
    print(
        f"  {'call':<16}{'open offers':>12}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>7}"
        f"{'p50 per round':>25}{'p95 per round':>25}{'CPU p50/p95':>13}{'CPU py+pg':>12}"
        f"{'queries/call':>15}{'DB ms p50/p95':>15}"
    )
    for call in CALLS:
        for label in labels:
            runs = timings[label][call]
            walls = [w for run in runs for w in run["wall"]]
            cpus = [c for run in runs for c in run["cpu"]]
            queries = [len(r["plans"]) for r in calls[label][call]]
            db_ms = [_db_ms(r) for r in calls[label][call]]
            print(
                f"  {call:<16}{scales[label]:>12,}{pct(walls, 50):>7.2f}{pct(walls, 95):>7.2f}"
                f"{pct(walls, 99):>7.2f}{max(walls):>7.1f}"
                f"{common.spread([pct(r['wall'], 50) for r in runs]):>25}"
                f"{common.spread([pct(r['wall'], 95) for r in runs]):>25}"
                f"{f'{pct(cpus, 50):.2f}/{pct(cpus, 95):.2f}':>13}"
                f"{_service_cpu(runs):>12}"
                f"{f'{sum(queries) / len(queries):.2f} ({min(queries)}–{max(queries)})':>15}"
                f"{f'{pct(db_ms, 50):.2f}/{pct(db_ms, 95):.2f}':>15}"
            )
    print(
        "  CPU py+pg: mean CPU per call of this process + of its PostgreSQL backend (median of "
        "the rounds), the cost the neighbours' load does not inflate much"
    )
    print(
        "  load average (1 min) at the start → end of each round: "
        + ", ".join(f"{x:.1f} → {y:.1f}" for x, y in result["load"])
    )
    print("\n== wall p50 / p95 per round, ms (the neighbours' load shows here)")
    for call in CALLS:
        for label in labels:
            rounds = "  ".join(
                f"{pct(run['wall'], 50):5.1f} /{pct(run['wall'], 95):5.1f}"
                for run in timings[label][call]
            )
            print(f"  {call:<16}{scales[label]:>12,}  {rounds}")
    print()
    for label in labels:
        for call in CALLS:
            rows = calls[label][call]
            muted = sum(1 for r in rows if r["mutes"])
            directed = sum(1 for r in rows if r["directed"])
            full = sum(1 for r in rows if r["matches"] == 10)
            print(
                f"== {call}, {scales[label]:,} open offers: {full} of {len(rows)} calls found 10 "
                f"matches; {muted} sampled people mute or are muted"
                + (f"; {directed} directed offers" if call == "needs_for_offer" else "")
            )
            by_tier: dict = collections.defaultdict(list)
            for r in rows:
                for p in r["plans"]:
                    by_tier[p["tier"]].append(p)
            print(
                f"  {'tier query':<18}{'run':>5}{'plan ms p50':>12}{'exec ms p50/p95/max':>22}"
                f"{'buffers p50/max':>17}{'filtered p50/max':>18}  access paths (count)"
            )
            for tier in sorted(by_tier, key=_tier_order):
                plans = by_tier[tier]
                plan_ms = [p["planning_ms"] for p in plans]
                ex = [p["exec_ms"] for p in plans]
                buf = [p["buffers"] for p in plans]
                rem = [p["removed"] for p in plans]
                paths = collections.Counter(p["access"] for p in plans).most_common()
                print(
                    f"  {tier:<18}{len(plans):>5}{pct(plan_ms, 50):>12.3f}"
                    f"{f'{pct(ex, 50):.3f}/{pct(ex, 95):.3f}/{max(ex):.3f}':>22}"
                    f"{f'{pct(buf, 50):.0f}/{max(buf)}':>17}"
                    f"{f'{pct(rem, 50):.0f}/{max(rem)}':>18}  "
                    + "; ".join(f"{a} ({n})" for a, n in paths)
                )
            seq = sum(1 for plans in by_tier.values() for p in plans if "SEQ SCAN" in p["access"])
            print(f"  sequential scans of the big tables: {seq}\n")

    print("== targets")
    if "100k" in labels:
        for call in CALLS:
            runs = timings["100k"][call]
            pooled = pct([w for run in runs for w in run["wall"]], 95)
            per_round = common.median([pct(run["wall"], 95) for run in runs])
            print(
                f"  {call}: p95 at 100k, target ≤ {TARGET_P95_MS_AT_100K:g} ms: all calls "
                f"{pooled:.2f} ms ({_verdict(pooled, TARGET_P95_MS_AT_100K)}), median of the "
                f"rounds' p95 {per_round:.2f} ms ({_verdict(per_round, TARGET_P95_MS_AT_100K)})"
            )
    if "100k" in labels and "1m" in labels:
        for call in CALLS:
            big, small = timings["1m"][call], timings["100k"][call]
            for key, q in (("p50", 50), ("p95", 95)):
                ratios = [
                    pct(b["wall"], q) / pct(s["wall"], q) for b, s in zip(big, small, strict=True)
                ]
                print(
                    f"  {call}: wall {key} 1M / 100k per round {common.spread(ratios)}, "
                    f"target ≤ {TARGET_1M_OVER_100K:g}: "
                    + _verdict(common.median(ratios), TARGET_1M_OVER_100K)
                )
            cpu = [
                (sum(b["cpu"]) / len(b["cpu"]) + (b["pg_cpu"] or 0))
                / (sum(s["cpu"]) / len(s["cpu"]) + (s["pg_cpu"] or 0))
                for b, s in zip(big, small, strict=True)
            ]
            db = {label: [_db_ms(r) for r in calls[label][call]] for label in ("100k", "1m")}
            print(
                f"  {call}: CPU py+pg 1M / 100k per round {common.spread(cpu)}; DB planning + "
                f"execution 1M / 100k: p50 {pct(db['1m'], 50) / pct(db['100k'], 50):.2f}, "
                f"p95 {pct(db['1m'], 95) / pct(db['100k'], 95):.2f}"
            )
    print()
    for label in labels:
        for title, item in result["representative"][label].items():
            print(f"== EXPLAIN (ANALYZE, BUFFERS), {scales[label]:,} open offers: {title}, "
                  f"{item['about']}")  # fmt: skip
            print("  " + item["plan"].replace("\n", "\n  ") + "\n")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

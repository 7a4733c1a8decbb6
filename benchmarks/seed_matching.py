"""A city of open needs and offers for the matching benchmark, seeded set-based
(INSERT … SELECT generate_series).

Every value is a function of the row id through `bench_r(id, salt)` (a seeded
hash in [0, 1)), so two seeds with the same parameters hold the same data, and
the needs are the same rows at every scale (only the offers change).

Shape:
- communities 1..C with `grids_per_community` grids each (6,000), 4 buildings
  (micro-grids) and `members_per_grid` residents per grid; user u lives in grid
  (u-1) // U + 1, building (u-1) % U % 4 + 1 of it, with an open membership;
- the person behind need or offer i is user 1 + floor(users · r^1.5): a mild
  skew (the first grids carry ≈ 18× the mean, the median grid 0.84×, the
  quietest 0.67×). Its grid and building are that person's home, as the
  services set them;
- category k (in the seeded order, `mutualaid/categories.py`) with probability
  √(k/10) − √((k−1)/10): 口罩 32 %, 药品 13 %, … 辅导 5 %;
- ids 1..N open rows (open or partly matched/claimed, something left, expiring
  in the next 2 h–14 d), then 2 % stale rows (an open state but expired in the
  last 6 h: the expiry sweep has not run yet; inside the partial indexes, outside
  the query), then 50 % closed rows (matched, fulfilled, cancelled, expired;
  exhausted, withdrawn, expired; outside the partial indexes). created_at is
  uniform over the last 30 days, so ids are not in time order;
- needs: 15 % urgent, 5 % on behalf of someone, quantity 1–8; offers: quantity
  1–20, 30 % partly claimed, 1 % directed at one open need (category taken from
  that need);
- 5 % of residents mute two neighbours of their grid (≈ 30,000 mutes);
- map points, when the schema has them: communities on a 20 × 15 lattice about
  650 m apart, each building within ≈ 200 m of its community's centre; needs
  and offers carry none (they are where their building is).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from benchmarks import common

SEED_VERSION = 2
META_KEY = "matching"
BULK_TABLES = (
    "residents_user",
    "grids_membership",
    "grids_mute",
    "mutualaid_need",
    "mutualaid_offer",
)
TEXT = (
    "家里老人行动不便，想请邻居帮忙从药店带两盒降压药，钱当面给。孩子发烧在家，谁有多余的退烧贴和口罩，"
    "可以放在门口的鞋柜上。我家有一箱多买的大米和食用油，楼里有需要的邻居可以来拿。周末有空，可以帮忙"
    "修水管、换灯泡、装窗帘。会辅导初中数学，免费，每周两次。每天早上七点开车去医院方向，可以顺路带人。"
)
# A column the seed does not name (added by a newer migration) gets its type's empty
# value while the rows go in, so the seed keeps working as the app grows.
FILLERS = {
    "character varying": "''",
    "text": "''",
    "integer": "0",
    "bigint": "0",
    "smallint": "0",
    "numeric": "0",
    "double precision": "0",
    "boolean": "false",
    "timestamp with time zone": "now()",
    "date": "current_date",
    "jsonb": "'{}'::jsonb",
}
SEQUENCES = (  # tables whose id sequence the seed moves past its rows
    *common.PLACE_TABLES,
    "grids_mute",
    "mutualaid_need",
    "mutualaid_offer",
)


@dataclass(frozen=True)
class Scale:
    open_offers: int
    open_needs: int = 100_000
    communities: int = 300
    grids_per_community: int = 20
    members_per_grid: int = 50
    micro_grids_per_grid: int = 4
    stale_share: float = 0.02
    closed_share: float = 0.5
    directed_share: float = 0.01
    muting_share: float = 0.05

    @property
    def grids(self) -> int:
        return self.communities * self.grids_per_community

    @property
    def users(self) -> int:
        return self.grids * self.members_per_grid

    def key(self) -> dict:
        return {"version": SEED_VERSION, **asdict(self)}


def ensure(dbname: str, scale: Scale, *, reseed: bool) -> dict:
    """Seed `dbname` unless it already holds this exact scale. Returns its row counts."""
    record = common.seed_once(
        dbname, scale.key(), lambda: (_seed(dbname, scale), {}), reseed=reseed, meta_key=META_KEY
    )
    return record["counts"]


def _insert(conn, label: str, table: str, columns: str, select: str, params=None) -> None:
    """INSERT INTO table (columns) select, timed; unnamed NOT NULL columns get FILLERS."""
    named = {c.strip() for c in columns.split(",")}
    unnamed = conn.execute(
        """SELECT column_name, data_type FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = %s AND is_nullable = 'NO'
             AND column_default IS NULL AND is_identity = 'NO'""",
        [table],
    ).fetchall()
    filled = [(c, t) for c, t in unnamed if c not in named]
    for column, data_type in filled:
        if data_type not in FILLERS:
            raise SystemExit(f"{table}.{column} ({data_type}): the seed does not know this column")
        filler = FILLERS[data_type]
        conn.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT {filler}')
    started = time.monotonic()
    cur = conn.execute(f"INSERT INTO {table} ({columns}) {select}", params)
    rows = f"{cur.rowcount:>10,} rows" if cur.rowcount and cur.rowcount > 0 else " " * 15
    note = f"  (filled: {', '.join(c for c, _ in filled)})" if filled else ""
    print(f"    {label:<30}{rows} {time.monotonic() - started:6.1f} s{note}", flush=True)
    for column, _ in filled:
        conn.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" DROP DEFAULT')


def _seed(dbname: str, s: Scale) -> dict:
    G, U, M, USERS = s.grids, s.members_per_grid, s.micro_grids_per_grid, s.users
    with common.connect(dbname) as conn:
        dropped = common.bulk_load_begin(conn, indexed=BULK_TABLES)

        _insert(
            conn,
            "communities",
            "grids_community",
            "id, name, street, city, created_at",
            f"""SELECT c, '幸福里第' || c || '社区', '第' || ((c - 1) / 10 + 1) || '街道', '微嘉园',
                       now() - interval '3 years'
                FROM generate_series(1, {s.communities}) c""",
        )
        _insert(
            conn,
            "users",
            "residents_user",
            "id, password, last_login, is_superuser, phone, phone_verified, display_name, "
            "is_staff, is_active, date_joined",
            f"""SELECT u, '!bench-unusable-password', NULL, false,
                       '+86' || (13000000000 + u)::text, true, '居民' || u, false, true,
                       now() - interval '2 years'
                FROM generate_series(1, {USERS}) u""",
        )
        _insert(
            conn,
            "grids",
            "grids_grid",
            "id, number, name, join_code, join_code_rotated_at, community_id, grid_worker_id, "
            "board_seq",
            f"""SELECT g, (g - 1) % {s.grids_per_community} + 1,
                       '第' || ((g - 1) % {s.grids_per_community} + 1) || '网格',
                       'BENCH' || g, now(), (g - 1) / {s.grids_per_community} + 1, NULL, 0
                FROM generate_series(1, {G}) g""",
        )
        _insert(
            conn,
            "micro-grids (buildings)",
            "grids_microgrid",
            "id, label, building_head_id, grid_id",
            f"""SELECT (g - 1) * {M} + k, k || '号楼', NULL, g
                FROM generate_series(1, {G}) g, generate_series(1, {M}) k""",
        )
        _insert(
            conn,
            "memberships",
            "grids_membership",
            "id, unit, joined_at, verified_at, left_at, left_reason, grid_id, removed_by_id, "
            "user_id, verified_by_id, micro_grid_id",
            f"""SELECT u, (((u - 1) % {U}) / {M} + 1) * 100 + (u - 1) % {M} + 1,
                       now() - interval '1 year', NULL, NULL, '', (u - 1) / {U} + 1, NULL, u, NULL,
                       ((u - 1) / {U}) * {M} + 1 + ((u - 1) % {U}) % {M}
                FROM generate_series(1, {USERS}) u""",
        )
        _insert(
            conn,
            "mutes (two neighbours each)",
            "grids_mute",
            "muter_id, muted_id, created_at",
            f"""SELECT u, (u - 1) / {U} * {U} + 1
                          + ((u - 1) % {U} + 1 + floor({U - 1} * bench_r(u * 2 + k, 31))::int)
                            % {U},
                       now() - interval '10 days'
                FROM generate_series(1, {USERS}) u, generate_series(0, 1) k
                WHERE bench_r(u, 30) < {s.muting_share}
                ORDER BY 1, 2
                ON CONFLICT DO NOTHING""",
        )
        _map_points(conn, s)
        needs = _rows(s.open_needs, s, salt=50)
        _insert(
            conn,
            "needs",
            "mutualaid_need",
            "id, on_behalf_of, quantity, matched, fulfilled, description, urgency, expires_at, "
            "state, created_at, category_id, grid_id, micro_grid_id, requester_id, community_id",
            f"""SELECT i, CASE WHEN bench_r(i, 48) < 0.05 THEN '楼上王奶奶' ELSE '' END, q,
                       CASE st WHEN 'partly_matched' THEN 1 + floor((q - 1) * bench_r(i, 44))::int
                               WHEN 'matched' THEN q WHEN 'fulfilled' THEN q
                               WHEN 'expired' THEN floor(q * bench_r(i, 44))::int ELSE 0 END,
                       CASE st WHEN 'matched' THEN floor(q * bench_r(i, 45))::int
                               WHEN 'fulfilled' THEN q ELSE 0 END,
                       substr(%s, 1 + floor(bench_r(i, 46) * 100)::int,
                              6 + floor(bench_r(i, 47) * 60)::int),
                       CASE WHEN bench_r(i, 49) < 0.15 THEN 'urgent' ELSE 'normal' END,
                       {_expires_sql("st = 'expired'", 51)}, st, made,
                       (SELECT array_agg(id ORDER BY position, id) FROM mutualaid_category)
                           [1 + floor(10 * bench_r(i, 42) ^ 2)::int],
                       (u - 1) / {U} + 1, ((u - 1) / {U}) * {M} + 1 + mod(mod(u - 1, {U}), {M}), u,
                       (SELECT g.community_id FROM grids_grid g WHERE g.id = (u - 1) / {U} + 1)
                FROM (SELECT *, CASE WHEN cls = 'closed' THEN
                                    CASE WHEN bench_r(i, 43) < 0.30 THEN 'matched'
                                         WHEN bench_r(i, 43) < 0.65 THEN 'fulfilled'
                                         WHEN bench_r(i, 43) < 0.80 THEN 'cancelled'
                                         ELSE 'expired' END
                                 WHEN q >= 2 AND bench_r(i, 43) < 0.30 THEN 'partly_matched'
                                 ELSE 'open' END AS st
                      FROM (SELECT i, {needs["cls"]} AS cls, {needs["created_at"]} AS made,
                                   1 + floor({USERS} * bench_r(i, 40) ^ 1.5)::int AS u,
                                   1 + floor(8 * bench_r(i, 41) ^ 2)::int AS q
                            FROM generate_series(1, {needs["total"]}) i) a) b""",
            [TEXT],
        )
        offers = _rows(s.open_offers, s, salt=80)
        _insert(
            conn,
            "offers",
            "mutualaid_offer",
            "id, on_behalf_of, quantity, reserved, given, description, handover, expires_at, "
            "state, created_at, category_id, for_need_id, giver_id, grid_id, micro_grid_id, "
            "community_id",
            f"""SELECT i, CASE WHEN bench_r(i, 68) < 0.03 THEN '隔壁李叔' ELSE '' END, q,
                       CASE WHEN st IN ('withdrawn', 'expired') THEN 0
                            ELSE t - floor(t * bench_r(i, 65))::int END,
                       CASE WHEN st IN ('withdrawn', 'expired') THEN t
                            ELSE floor(t * bench_r(i, 65))::int END,
                       substr(%s, 1 + floor(bench_r(i, 66) * 100)::int,
                              6 + floor(bench_r(i, 67) * 60)::int),
                       CASE WHEN bench_r(i, 69) < 0.4 THEN 'delivery' ELSE 'pickup' END,
                       {_expires_sql("st = 'expired'", 81)}, st, made,
                       coalesce(n.category_id,
                                (SELECT array_agg(id ORDER BY position, id)
                                 FROM mutualaid_category)[1 + floor(10 * bench_r(i, 62) ^ 2)::int]),
                       n.id, u, (u - 1) / {U} + 1,
                       ((u - 1) / {U}) * {M} + 1 + mod(mod(u - 1, {U}), {M}),
                       (SELECT g.community_id FROM grids_grid g WHERE g.id = (u - 1) / {U} + 1)
                FROM (SELECT *, CASE st WHEN 'partly_claimed' THEN
                                            1 + floor((q - 1) * bench_r(i, 64))::int
                                        WHEN 'exhausted' THEN q
                                        WHEN 'open' THEN 0
                                        ELSE floor(q * bench_r(i, 64))::int END AS t
                      FROM (SELECT *, CASE WHEN cls = 'closed' THEN
                                          CASE WHEN bench_r(i, 63) < 0.55 THEN 'exhausted'
                                               WHEN bench_r(i, 63) < 0.75 THEN 'withdrawn'
                                               ELSE 'expired' END
                                       WHEN q >= 2 AND bench_r(i, 63) < 0.30 THEN 'partly_claimed'
                                       ELSE 'open' END AS st
                            FROM (SELECT i, {offers["cls"]} AS cls,
                                         {offers["created_at"]} AS made,
                                         1 + floor({USERS} * bench_r(i, 60) ^ 1.5)::int AS u,
                                         1 + floor(20 * bench_r(i, 61) ^ 2)::int AS q
                                  FROM generate_series(1, {offers["total"]}) i) a) b) c
                LEFT JOIN mutualaid_need n
                       ON cls = 'open' AND bench_r(i, 70) < {s.directed_share}
                          AND n.id = 1 + floor({s.open_needs} * bench_r(i, 71))::int""",
            [TEXT],
        )
        common.bulk_load_end(conn, dropped, sequences=SEQUENCES, width=30)
        return counts(conn)


def _map_points(conn, s: Scale) -> None:
    found = conn.execute(
        """SELECT count(*) FROM information_schema.columns
           WHERE table_name IN ('grids_community', 'grids_microgrid')
             AND column_name = 'latitude'"""
    ).fetchone()[0]
    if found < 2:
        print(f"    {'map points':<30}{'':15}  (no such columns: skipped)")
        return
    started = time.monotonic()
    conn.execute(
        """UPDATE grids_community
           SET latitude = 31.15 + 0.006 * ((id - 1) / 20),
               longitude = 121.40 + 0.007 * ((id - 1) % 20)"""
    )
    conn.execute(
        """UPDATE grids_microgrid m
            SET latitude = c.latitude + 0.004 * (bench_r(m.id, 20) - 0.5),
                longitude = c.longitude + 0.004 * (bench_r(m.id, 21) - 0.5)
            FROM grids_grid g JOIN grids_community c ON c.id = g.community_id
            WHERE g.id = m.grid_id"""
    )
    print(f"    {'map points':<30}{'':15} {time.monotonic() - started:6.1f} s", flush=True)


def _rows(open_rows: int, s: Scale, salt: int) -> dict:
    """Id ranges of one table: open rows, then stale (open state, just expired), then closed."""
    stale = round(open_rows * s.stale_share)
    closed = round(open_rows * s.closed_share)
    # A closed or stale row was made at least a day ago; an open one any time in 30 days.
    return {
        "total": open_rows + stale + closed,
        "cls": f"""CASE WHEN i <= {open_rows} THEN 'open'
                        WHEN i <= {open_rows + stale} THEN 'stale' ELSE 'closed' END""",
        "created_at": f"""now() - CASE WHEN i <= {open_rows}
                        THEN interval '30 days' * bench_r(i, {salt}) + interval '1 minute'
                        ELSE interval '29 days' * bench_r(i, {salt}) + interval '1 day' END""",
    }


def _expires_sql(expired: str, salt: int) -> str:
    """Open rows expire 2 h–14 d from now; stale ones expired in the last 6 h; expired
    closed rows 12 h after they were made; other closed rows 7 days after."""
    return f"""CASE WHEN cls = 'open' THEN now() + interval '2 hours'
                                      + interval '14 days' * bench_r(i, {salt})
                    WHEN cls = 'stale' THEN now() - interval '6 hours' * bench_r(i, {salt})
                    WHEN {expired} THEN made + interval '12 hours'
                    ELSE made + interval '7 days' END"""


OPEN_OFFER = """state IN ('open', 'partly_claimed') AND expires_at > now()
                AND quantity > reserved + given"""
OPEN_NEED = "state IN ('open', 'partly_matched') AND expires_at > now() AND quantity > matched"


def counts(conn) -> dict:
    def one(sql: str):
        return conn.execute(sql).fetchone()[0]

    found = {
        "communities": one("SELECT count(*) FROM grids_community"),
        "grids": one("SELECT count(*) FROM grids_grid"),
        "buildings": one("SELECT count(*) FROM grids_microgrid"),
        "users": one("SELECT count(*) FROM residents_user"),
        "memberships": one("SELECT count(*) FROM grids_membership WHERE left_at IS NULL"),
        "mutes": one("SELECT count(*) FROM grids_mute"),
        "muters": one("SELECT count(DISTINCT muter_id) FROM grids_mute"),
        "needs": one("SELECT count(*) FROM mutualaid_need"),
        "open needs": one(f"SELECT count(*) FROM mutualaid_need WHERE {OPEN_NEED}"),
        "needs in the partial indexes": one(
            "SELECT count(*) FROM mutualaid_need WHERE state IN ('open', 'partly_matched')"
        ),
        "urgent open needs": one(
            f"SELECT count(*) FROM mutualaid_need WHERE {OPEN_NEED} AND urgency = 'urgent'"
        ),
        "offers": one("SELECT count(*) FROM mutualaid_offer"),
        "open offers": one(f"SELECT count(*) FROM mutualaid_offer WHERE {OPEN_OFFER}"),
        "offers in the partial indexes": one(
            "SELECT count(*) FROM mutualaid_offer WHERE state IN ('open', 'partly_claimed')"
        ),
        "directed open offers": one(
            f"SELECT count(*) FROM mutualaid_offer WHERE {OPEN_OFFER} AND for_need_id IS NOT NULL"
        ),
    }
    for table in ("mutualaid_need", "mutualaid_offer"):
        found[f"{table} states"] = dict(
            conn.execute(f"SELECT state, count(*) FROM {table} GROUP BY 1 ORDER BY 2 DESC")
        )
    found["open offers per category"] = dict(
        conn.execute(
            f"""SELECT c.slug, (SELECT count(*) FROM mutualaid_offer
                                WHERE category_id = c.id AND {OPEN_OFFER})
                FROM mutualaid_category c ORDER BY c.position, c.id"""
        )
    )
    per_grid = conn.execute(
        f"""SELECT max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), min(n)
            FROM (SELECT g.id, (SELECT count(*) FROM mutualaid_offer
                                WHERE grid_id = g.id AND {OPEN_OFFER}
                                  AND category_id = (SELECT id FROM mutualaid_category
                                                     WHERE slug = 'masks')) AS n
                  FROM grids_grid g) s"""
    ).fetchone()
    found["open 口罩 offers per grid (max/median/min)"] = "/".join(str(n) for n in per_grid)
    found["database size"] = one("SELECT pg_size_pretty(pg_database_size(current_database()))")
    return found

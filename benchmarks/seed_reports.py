"""Reports (随手拍) at city scale, seeded set-based (INSERT … SELECT generate_series).

Every row is a pure function of its id through `bench_r(id, salt)` (a seeded hash in
[0, 1)) and of the moment the seed ran (`anchor`), so two seeds with the same
parameters hold the same data shifted in time.

Shape (ids are explicit, so formulas stay simple):
- communities 1..C, `grids_per_community` grids each (ids 1..G), 4 buildings per grid;
- `residents_per_grid` residents per grid (users 1..G·U, open memberships), one grid
  worker per grid (user G·U + g), one staff account per handling unit;
- 4 handling units per community, ids (c-1)·4 + k: k = 1 物业服务中心 (property),
  2 河道保洁队 (river), 3 城管中队 (urban), 4 街道办 (street office), each serving its
  community; one community-wide routing rule per category and community, except 其他,
  which falls through to the grid worker (the routing's last resort);
- `reports` reports, ids 1..R, one every `days`·86,400/R seconds up to the anchor, so id
  order is time order. Communities are uniform (≈ R/C each: ≈ 3,300 at both sizes, so a
  community's dashboard and a unit's queue hold the same amount of work at 10,000 and
  at 1,000,000 reports; only the table grows); grid, building and reporter uniform
  within the community; categories weighted (`CATEGORY_WEIGHTS`: rubbish and parking
  the most, manholes the fewest);
- states: open with probability 0.70 in the last 14 days, 0.25 up to 120 days (the
  overdue backlog), 0.01 before (forgotten ones): ≈ 190 open per community. Open ones
  are dispatched 35 %, accepted 25 %, in progress 33 %, reopened 4 %, returned 3 %. The
  rest: withdrawn 3 %, else closed after 0.5 · 800^r hours (0.5 h – 400 h, median
  ≈ 14 h); closed, then confirmed by the reporter 6–72 h later (still `closed` when that
  moment is after the anchor); 60 % of confirmed ones rated (mostly 4–5);
- one photo on 60 % of reports (storage names only); no timeline steps, followers or
  board cards (the reads measured do not touch them);
- `ReportStat` computed from the reports in one INSERT … SELECT … GROUP BY with the
  rules of `reports.services.stats`: the week is the Monday (Asia/Shanghai) of the
  counted moment; received at creation under the routed unit; closed at each closure
  (a reopened report was closed once before), on time when by `close_due`, its hours
  in the `HOUR_BUCKETS` histogram; reopened at the reopening (`updated_at`); rated at
  the confirmation (`done_at`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from benchmarks import common, seed

SEED_VERSION = 1
# Mirrors reports.services.stats.HOUR_BUCKETS (this module never imports Django).
HOUR_BUCKETS = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336)
OPEN_STATES = ("submitted", "dispatched", "accepted", "in_progress", "reopened", "returned")
# code → (share of reports, unit kind index k; 0: no rule, the grid worker handles it)
CATEGORY_WEIGHTS = {
    "rubbish": (18, 1),
    "parking": (16, 3),
    "street-light": (9, 3),
    "noise": (8, 4),
    "leak": (8, 1),
    "other": (8, 0),
    "lift": (7, 1),
    "road-damage": (6, 3),
    "river-litter": (5, 2),
    "manhole": (4, 3),
    "fire-lane": (4, 3),
    "hazard": (4, 4),
    "falling-objects": (3, 1),
}
UNITS = (("物业服务中心", "property"), ("河道保洁队", "river"), ("城管中队", "urban"))
UNITS += (("街道办", "street_office"),)
BULK_TABLES = ("residents_user", "grids_membership", "reports_report", "reports_reportphoto")
SEQUENCES = (  # tables whose id sequence the seed moves past its rows
    *common.PLACE_TABLES,
    "reports_handlingunit",
    "reports_handlingunit_communities",
    "reports_unitmember",
    "reports_routingrule",
    "reports_report",
    "reports_reportphoto",
    "reports_reportstat",
)
TEXT = (
    "三号楼东侧的河道里漂着很多塑料袋和泡沫箱，天热了有味道，麻烦尽快打捞。小区北门外人行道上"
    "停了好几辆车，轮椅和婴儿车过不去。五单元电梯从昨天晚上开始停在六楼不动，老人下不了楼。"
    "地下车库入口的路灯坏了一个多星期，晚上很黑。楼道顶上一直在滴水，墙皮已经鼓起来了。"
)


@dataclass(frozen=True)
class Scale:
    communities: int
    reports: int
    grids_per_community: int = 8
    residents_per_grid: int = 20
    days: int = 730

    @property
    def grids(self) -> int:
        return self.communities * self.grids_per_community

    @property
    def residents(self) -> int:
        return self.grids * self.residents_per_grid

    @property
    def units(self) -> int:
        return self.communities * len(UNITS)

    def grid_worker(self, grid: int) -> int:
        return self.residents + grid

    def unit_staff(self, unit: int) -> int:
        return self.residents + self.grids + unit

    def key(self) -> dict:
        return {"version": SEED_VERSION, **asdict(self)}


def unit_id(community: int, kind: str) -> int:
    return (community - 1) * len(UNITS) + 1 + [k for _, k in UNITS].index(kind)


def ensure(dbname: str, scale: Scale, *, reseed: bool) -> dict:
    """Seed `dbname` unless it already holds this exact scale. Returns what it holds."""

    def run() -> tuple[dict, dict]:
        with common.connect(dbname) as conn:
            anchor = conn.execute("SELECT date_trunc('second', now())").fetchone()[0]
        return _seed(dbname, scale, anchor), {"anchor": anchor.isoformat()}

    return common.seed_once(dbname, scale.key(), run, reseed=reseed)


def _category_sql(conn) -> tuple[str, str, str]:
    """SQL expressions of a report's category id (from bench_r(i, 4)), its unit kind
    index and its hours to accept/close, from the seeded categories' ids."""
    rows = conn.execute(
        "SELECT code, id, accept_hours, close_hours, public_default FROM reports_category"
    ).fetchall()
    ids = {code: (pk, accept, close, public) for code, pk, accept, close, public in rows}
    total = sum(w for w, _ in CATEGORY_WEIGHTS.values())
    cases, cumulative = [], 0
    for code, (weight, _) in CATEGORY_WEIGHTS.items():
        cumulative += weight
        cases.append(f"WHEN bench_r(i, 4) < {cumulative / total!r} THEN {ids[code][0]}")
    pick = "CASE " + " ".join(cases[:-1]) + f" ELSE {ids[list(CATEGORY_WEIGHTS)[-1]][0]} END"
    kind = "CASE cat " + " ".join(
        f"WHEN {ids[code][0]} THEN {k}" for code, (_, k) in CATEGORY_WEIGHTS.items()
    )
    kind += " END"
    values = ", ".join(
        f"({pk}, {accept}, {close}, {str(public).lower()})"
        for pk, accept, close, public in ids.values()
    )
    return pick, kind, values


def _hist_sql(hours: str) -> str:
    """bisect_left(HOUR_BUCKETS, hours): how many bounds lie strictly below."""
    return "(" + " + ".join(f"({hours} > {b})::int" for b in HOUR_BUCKETS) + ")"


def _seed(dbname: str, s: Scale, anchor) -> dict:
    C, G, U, R, K = s.communities, s.grids, s.residents_per_grid, s.reports, len(UNITS)
    step_seconds = s.days * 86400 / R
    with common.connect(dbname) as conn:
        dropped = common.bulk_load_begin(conn, indexed=BULK_TABLES)
        pick, kind, category_values = _category_sql(conn)
        step = seed._step
        step(
            conn,
            "communities",
            f"""INSERT INTO grids_community (id, name, street, city, created_at)
                SELECT c, '幸福里第' || c || '社区', '第' || ((c - 1) / 10 + 1) || '街道', '微嘉园',
                       %(anchor)s - interval '3 years'
                FROM generate_series(1, {C}) c""",
            {"anchor": anchor},
        )
        step(
            conn,
            "users (residents, grid workers, unit staff)",
            f"""INSERT INTO residents_user (id, password, last_login, is_superuser, phone,
                    phone_verified, display_name, is_staff, is_active, date_joined, age_band)
                SELECT u, '!bench-unusable-password', NULL, false,
                       '+86' || (13000000000 + u)::text, true,
                       CASE WHEN u <= {s.residents} THEN '居民' || u
                            WHEN u <= {s.residents + G} THEN '网格员' || (u - {s.residents})
                            ELSE '处置员' || (u - {s.residents + G}) END,
                       false, true, %(anchor)s - interval '2 years', ''
                FROM generate_series(1, {s.residents + G + s.units}) u""",
            {"anchor": anchor},
        )
        step(
            conn,
            "grids",
            f"""INSERT INTO grids_grid (id, number, name, join_code, join_code_rotated_at,
                    community_id, grid_worker_id, board_seq)
                SELECT g, (g - 1) %% {s.grids_per_community} + 1,
                       '第' || ((g - 1) %% {s.grids_per_community} + 1) || '网格',
                       'BENCHR' || g, %(anchor)s, (g - 1) / {s.grids_per_community} + 1,
                       {s.residents} + g, 0
                FROM generate_series(1, {G}) g""",
            {"anchor": anchor},
        )
        step(
            conn,
            "buildings",
            f"""INSERT INTO grids_microgrid (id, label, building_head_id, grid_id)
                SELECT (g - 1) * 4 + k, k || '号楼', NULL, g
                FROM generate_series(1, {G}) g, generate_series(1, 4) k""",
        )
        step(
            conn,
            "memberships",
            f"""INSERT INTO grids_membership (id, unit, joined_at, verified_at, left_at,
                    left_reason, grid_id, removed_by_id, user_id, verified_by_id, micro_grid_id)
                SELECT u, ((u - 1) %% {U} / 4 + 1) * 100 + (u - 1) %% 4 + 1,
                       %(anchor)s - interval '2 years', NULL, NULL, '', (u - 1) / {U} + 1,
                       NULL, u, NULL, ((u - 1) / {U}) * 4 + 1 + (u - 1) %% 4
                FROM generate_series(1, {s.residents}) u""",
            {"anchor": anchor},
        )
        names = "ARRAY[" + ", ".join(f"'{n}'" for n, _ in UNITS) + "]"
        kinds = "ARRAY[" + ", ".join(f"'{k}'" for _, k in UNITS) + "]"
        step(
            conn,
            "handling units",
            f"""INSERT INTO reports_handlingunit (id, name, kind, phone, active, created_at)
                SELECT (c - 1) * {K} + k, ({names})[k] || c, ({kinds})[k],
                       '0571-' || (80000000 + (c - 1) * {K} + k), true,
                       %(anchor)s - interval '3 years'
                FROM generate_series(1, {C}) c, generate_series(1, {K}) k""",
            {"anchor": anchor},
        )
        step(
            conn,
            "units serve their community",
            f"""INSERT INTO reports_handlingunit_communities (handlingunit_id, community_id)
                SELECT u, (u - 1) / {K} + 1 FROM generate_series(1, {s.units}) u""",
        )
        step(
            conn,
            "unit staff",
            f"""INSERT INTO reports_unitmember (added_at, revoked_at, unit_id, user_id)
                SELECT %(anchor)s - interval '2 years', NULL, u, {s.residents + G} + u
                FROM generate_series(1, {s.units}) u""",
            {"anchor": anchor},
        )
        step(
            conn,
            "routing rules",
            f"""INSERT INTO reports_routingrule (created_at, category_id, community_id, grid_id,
                    micro_grid_id, unit_id)
                SELECT %(anchor)s - interval '2 years', cat, c, NULL, NULL,
                       (c - 1) * {K} + k
                FROM generate_series(1, {C}) c,
                     (SELECT id AS cat, {kind} AS k FROM reports_category) cats
                WHERE k > 0
                ORDER BY c, cat""".replace("CASE cat", "CASE id"),
            {"anchor": anchor},
        )
        # One row per report: place, category, then its story (hours after creation).
        step(
            conn,
            "reports",
            f"""WITH base AS (
                  SELECT i, c, g, (g - 1) * 4 + 1 + floor(4 * bench_r(i, 3))::int AS mg,
                         cat, created,
                         extract(epoch FROM %(anchor)s - created) / 3600 AS age_h
                  FROM (SELECT i, c, (c - 1) * {s.grids_per_community} + 1
                                 + floor({s.grids_per_community} * bench_r(i, 2))::int AS g,
                               {pick} AS cat,
                               %(anchor)s - ({R} - i) * interval '{step_seconds!r} seconds'
                                 AS created
                        FROM (SELECT i, 1 + floor({C} * bench_r(i, 1))::int AS c
                              FROM generate_series(1, {R}) i) ids) placed
                ), story AS (
                  SELECT b.*, cv.accept_h, cv.close_h, cv.public,
                         {kind} AS k,
                         CASE WHEN (age_h < 14 * 24 AND bench_r(i, 5) < 0.70)
                                OR (age_h < 120 * 24 AND bench_r(i, 5) < 0.25)
                                OR bench_r(i, 5) < 0.01
                              THEN CASE WHEN bench_r(i, 6) < 0.35 THEN 'dispatched'
                                        WHEN bench_r(i, 6) < 0.60 THEN 'accepted'
                                        WHEN bench_r(i, 6) < 0.93 THEN 'in_progress'
                                        WHEN bench_r(i, 6) < 0.97 THEN 'reopened'
                                        ELSE 'returned' END
                              WHEN bench_r(i, 6) < 0.03 THEN 'withdrawn'
                              ELSE 'done' END AS fate,
                         least(0.5 * power(800, bench_r(i, 7)), age_h) AS close_in,
                         6 + 66 * bench_r(i, 8) AS confirm_after,
                         least(cv.accept_h * 1.5 * bench_r(i, 9), age_h,
                               0.5 * power(800, bench_r(i, 7))) AS accept_in
                  FROM base b
                  JOIN (VALUES {category_values}) cv (id, accept_h, close_h, public)
                    ON cv.id = b.cat
                )
                INSERT INTO reports_report (id, description, address, latitude, longitude,
                    attributes, source, reporter_name, contact_phone, contact_ok, public, state,
                    accept_due, close_due, accepted_at, closed_at, done_at, escalation,
                    escalated_at, reopen_count, result_note, rating, rating_comment,
                    followers_count, token, created_at, updated_at, version, category_id,
                    client_id, community_id, grid_id, handler_id, micro_grid_id, reporter_id,
                    unit_id)
                SELECT i,
                       substr(%(text)s, 1 + floor(bench_r(i, 10) * 100)::int,
                              10 + floor(bench_r(i, 11) * 40)::int),
                       '', NULL, NULL, '{{}}'::jsonb, 'resident', '居民' || rep, '', false,
                       public,
                       CASE fate WHEN 'done' THEN
                                   CASE WHEN close_in + confirm_after < age_h
                                        THEN 'confirmed' ELSE 'closed' END
                                 ELSE fate END,
                       created + accept_h * interval '1 hour',
                       created + close_h * interval '1 hour',
                       CASE WHEN fate IN ('accepted', 'in_progress', 'done')
                            THEN created + accept_in * interval '1 hour' END,
                       CASE WHEN fate = 'done' THEN created + close_in * interval '1 hour' END,
                       CASE WHEN fate = 'done' AND close_in + confirm_after < age_h
                              THEN created + (close_in + confirm_after) * interval '1 hour'
                            WHEN fate = 'done' THEN created + close_in * interval '1 hour'
                            WHEN fate = 'withdrawn'
                              THEN created + least(2, age_h) * interval '1 hour' END,
                       0, NULL,
                       CASE WHEN fate = 'reopened' THEN 1 ELSE 0 END,
                       CASE WHEN fate = 'done' THEN '已处理完毕' ELSE '' END,
                       CASE WHEN fate = 'done' AND close_in + confirm_after < age_h
                                 AND bench_r(i, 12) < 0.6
                            THEN 1 + floor(5 * sqrt(bench_r(i, 13)))::int END,
                       '', 1, 'bench' || i, created,
                       CASE WHEN fate = 'reopened'
                              THEN created + 0.6 * age_h * interval '1 hour'
                            ELSE created END,
                       1, cat, NULL, c, g,
                       CASE WHEN k = 0 THEN {s.residents} + g END,
                       mg, rep,
                       CASE WHEN k > 0 THEN (c - 1) * {K} + k END
                FROM (SELECT story.*, (g - 1) * {U} + 1 + floor({U} * bench_r(i, 14))::int
                               AS rep
                      FROM story) st
                ORDER BY i""",
            {"anchor": anchor, "text": TEXT},
        )
        step(
            conn,
            "photos (storage names only)",
            """INSERT INTO reports_reportphoto (kind, position, image, thumb, width, height,
                   report_id)
               SELECT 'report', 0, 'reports/' || community_id || '/' || id || '.jpg',
                      'reports/' || community_id || '/' || id || '.thumb.jpg', 1280, 960, id
               FROM reports_report WHERE bench_r(id, 15) < 0.6 ORDER BY id""",
        )
        _stats(conn)
        common.bulk_load_end(conn, dropped, sequences=SEQUENCES)
        return counts(conn)


def _stats(conn) -> None:
    """ReportStat from the reports, as `reports.services.stats` would have kept it."""
    week = "date_trunc('week', ({0}) AT TIME ZONE 'Asia/Shanghai')::date"
    hist = ", ".join(f"count(*) FILTER (WHERE bucket = {k})" for k in range(len(HOUR_BUCKETS) + 1))
    key = "community_id, grid_id, unit_id, category_id"
    first_close = "created_at + (updated_at - created_at) / 2"
    hours = "extract(epoch FROM {0} - created_at) / 3600"
    seed._step(
        conn,
        "weekly figures (ReportStat)",
        f"""WITH ev (week, community_id, grid_id, unit_id, category_id, received, closed,
                     on_time, reopened, rating_sum, rating_count, bucket) AS (
              SELECT {week.format("created_at")}, {key}, 1, 0, 0, 0, 0, 0, NULL::int
              FROM reports_report
              UNION ALL
              SELECT {week.format("closed_at")}, {key}, 0, 1, (closed_at <= close_due)::int,
                     0, 0, 0, {_hist_sql(hours.format("closed_at"))}
              FROM reports_report WHERE state IN ('closed', 'confirmed')
              UNION ALL
              SELECT {week.format(first_close)}, {key}, 0, 1,
                     ({first_close} <= close_due)::int, 0, 0, 0,
                     {_hist_sql(hours.format(first_close))}
              FROM reports_report WHERE state = 'reopened'
              UNION ALL
              SELECT {week.format("updated_at")}, {key}, 0, 0, 0, 1, 0, 0, NULL
              FROM reports_report WHERE state = 'reopened'
              UNION ALL
              SELECT {week.format("done_at")}, {key}, 0, 0, 0, 0, rating, 1, NULL
              FROM reports_report WHERE rating IS NOT NULL
            )
            INSERT INTO reports_reportstat (week, {key}, received, closed, closed_on_time,
                reopened, rating_sum, rating_count, close_hours_hist)
            SELECT week, {key}, sum(received), sum(closed), sum(on_time), sum(reopened),
                   sum(rating_sum), sum(rating_count), jsonb_build_array({hist})
            FROM ev GROUP BY week, {key} ORDER BY week, {key}""",
    )


def counts(conn) -> dict:
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    opened = ", ".join(f"'{s}'" for s in OPEN_STATES)
    found = {
        "communities": one("SELECT count(*) FROM grids_community"),
        "grids": one("SELECT count(*) FROM grids_grid"),
        "handling units": one("SELECT count(*) FROM reports_handlingunit"),
        "reports": one("SELECT count(*) FROM reports_report"),
        "open reports": one(f"SELECT count(*) FROM reports_report WHERE state IN ({opened})"),
        "weekly figure rows (ReportStat)": one("SELECT count(*) FROM reports_reportstat"),
    }
    row = conn.execute(
        f"""SELECT min(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), max(n)
            FROM (SELECT count(*) AS n FROM reports_report WHERE state IN ({opened})
                  GROUP BY community_id) s"""
    ).fetchone()
    found["open per community (min/median/max)"] = "/".join(str(n) for n in row)
    found["states"] = dict(
        conn.execute("SELECT state, count(*) FROM reports_report GROUP BY 1 ORDER BY 2 DESC")
    )
    found["database size"] = one("SELECT pg_size_pretty(pg_database_size(current_database()))")
    return found

"""A city-scale grid board, seeded set-based (INSERT … SELECT generate_series).

Every row is a pure function of its id through `bench_r(id, salt)` (a seeded
hash in [0, 1)), so two seeds with the same parameters hold the same data.

Shape (ids are explicit, so formulas stay simple):
- communities 1..C, each with `grids_per_community` grids (ids 1..G);
- 4 buildings (micro-grids) and `members_per_grid` residents per grid; the
  members of grid g are users (g-1)*U+1 … g*U, each with an open membership;
- one pinned community notice per community, posted on each of its grids
  (post ids 1..G, the oldest posts);
- `posts` board posts, ids G+1…G+P, one every 20 s of simulated time. The grid of
  post i is 1 + floor(G · r³) with r uniform: a power-law skew in which grid 1
  is the busiest (≈ P·G^(-1/3) posts: 55 k of 1 M over 6,000 grids), the median
  grid has ≈ P/(3·G^(1/3)·(G/2)^(2/3)) (≈ 90) and the quietest ≈ 55. Posts of
  different grids interleave in id (time) order, as they would in production;
- 15 % of posts are "need", the rest "chat"; 2 % hidden by moderation and 1 %
  deleted (outside the partial feed index); 30 % carry 1–9 photos (uniform;
  storage names only, no files); comments per post floor(7 r²) (0–6, mean 1.9);
  reactions per post floor(6 r²) (0–5, mean 1.6) by distinct members.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from benchmarks import common

SEED_VERSION = 1
BULK_TABLES = (
    "residents_user",
    "grids_membership",
    "grids_post",
    "grids_postphoto",
    "grids_comment",
    "grids_postreaction",
)
POST_TEXT = (
    "楼下快递柜又满了，有没有邻居知道物业什么时候来清理？顺便问一下，三号楼电梯这周是不是在检修，"
    "早上送孩子上学走楼梯太累了。另外小区东门的共享单车停得乱七八糟，老人出门不方便，希望大家停车的时候"
    "留一条通道。周末社区有义诊活动，量血压测血糖都免费，家里有老人的可以陪着去看看。谁家有多余的纸箱，"
    "我搬家需要十几个，可以上门来取，谢谢大家！今天菜场的青菜特别新鲜，晚上去还有打折。"
)
COMMENT_TEXT = (
    "谢谢提醒！我也遇到过，已经跟物业反映了，明天应该会处理。"
    "收到，转给家里老人了。好的没问题，周末见。"
)
NOTICE_TEXT = (
    "各位居民：本社区将于本周六上午八点至下午四点进行二次供水水箱清洗消毒，届时停水，请提前储水。"
    "如有困难请联系网格员。"
)
SEQUENCES = (  # tables whose id sequence the seed moves past its rows
    *common.PLACE_TABLES,
    "grids_notice",
    "grids_post",
    "grids_postphoto",
    "grids_comment",
    "grids_postreaction",
    "grids_mute",
)


@dataclass(frozen=True)
class Scale:
    communities: int
    grids_per_community: int
    members_per_grid: int
    posts: int
    micro_grids_per_grid: int = 4

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
        dbname, scale.key(), lambda: (_seed(dbname, scale), {}), reseed=reseed
    )
    return record["counts"]


def _step(conn, label: str, sql: str, params=None) -> None:
    started = time.monotonic()
    cur = conn.execute(sql, params)
    rows = f"{cur.rowcount:>10,} rows" if cur.rowcount and cur.rowcount > 0 else " " * 15
    print(f"    {label:<34}{rows} {time.monotonic() - started:6.1f} s", flush=True)


def _seed(dbname: str, s: Scale) -> dict:
    G, U, M, P = s.grids, s.members_per_grid, s.micro_grids_per_grid, s.posts
    with common.connect(dbname) as conn:
        dropped = common.bulk_load_begin(conn, indexed=BULK_TABLES)

        _step(
            conn,
            "communities",
            f"""INSERT INTO grids_community (id, name, street, city, created_at)
                SELECT c, '幸福里第' || c || '社区', '第' || ((c - 1) / 10 + 1) || '街道', '微嘉园',
                       now() - interval '3 years'
                FROM generate_series(1, {s.communities}) c""",
        )
        _step(
            conn,
            "users",
            f"""INSERT INTO residents_user (id, password, last_login, is_superuser, phone,
                    phone_verified, display_name, is_staff, is_active, date_joined, age_band)
                SELECT u, '!bench-unusable-password', NULL, false,
                       '+86' || (13000000000 + u)::text, true, '居民' || u, false, true,
                       now() - interval '2 years', ''
                FROM generate_series(1, {s.users}) u""",
        )
        _step(
            conn,
            "grids",
            f"""INSERT INTO grids_grid (id, number, name, join_code, join_code_rotated_at,
                    community_id, grid_worker_id, board_seq)
                SELECT g, (g - 1) % {s.grids_per_community} + 1,
                       '第' || ((g - 1) % {s.grids_per_community} + 1) || '网格',
                       'BENCH' || g, now(), (g - 1) / {s.grids_per_community} + 1, NULL, 0
                FROM generate_series(1, {G}) g""",
        )
        _step(
            conn,
            "micro-grids (buildings)",
            f"""INSERT INTO grids_microgrid (id, label, building_head_id, grid_id)
                SELECT (g - 1) * {M} + k, k || '号楼', NULL, g
                FROM generate_series(1, {G}) g, generate_series(1, {M}) k""",
        )
        _step(
            conn,
            "memberships",
            f"""INSERT INTO grids_membership (id, unit, joined_at, verified_at, left_at,
                    left_reason, grid_id, removed_by_id, user_id, verified_by_id, micro_grid_id)
                SELECT u, (((u - 1) % {U}) / {M} + 1) * 100 + (u - 1) % {M} + 1,
                       now() - interval '1 year', NULL, NULL, '', (u - 1) / {U} + 1, NULL, u, NULL,
                       ((u - 1) / {U}) * {M} + 1 + ((u - 1) % {U}) % {M}
                FROM generate_series(1, {s.users}) u""",
        )
        _step(
            conn,
            "notices (one per community)",
            f"""INSERT INTO grids_notice (id, category, title, body, all_grids, published_at,
                    pinned_until, unpinned_at, withdrawn_at, author_id, community_id,
                    superseded_by_id)
                SELECT c, 'general', '关于二次供水水箱清洗的通知', %s, true,
                       now() - interval '400 days', NULL, NULL, NULL, NULL, c, NULL
                FROM generate_series(1, {s.communities}) c""",
            [NOTICE_TEXT],
        )
        _step(
            conn,
            "pinned notice posts (one per grid)",
            f"""INSERT INTO grids_post (id, author_role, kind, body, ref_type, ref_id, ref_state,
                    state, review_pending, photo_count, comment_count, created_at, edited_at,
                    author_id, grid_id, micro_grid_id, notice_id)
                SELECT g, 'cadre', 'notice', '', '', NULL, '', 'visible', false, 0, 0,
                       now() - interval '400 days', NULL, (g - 1) * {U} + 1, g, NULL,
                       (g - 1) / {s.grids_per_community} + 1
                FROM generate_series(1, {G}) g""",
        )
        _step(
            conn,
            "posts",
            f"""INSERT INTO grids_post (id, author_role, kind, body, ref_type, ref_id, ref_state,
                    state, review_pending, photo_count, comment_count, created_at, edited_at,
                    author_id, grid_id, micro_grid_id, notice_id)
                SELECT {G} + i, '',
                       CASE WHEN bench_r(i, 2) < 0.15 THEN 'need' ELSE 'chat' END,
                       substr(%s, 1 + floor(bench_r(i, 3) * 60)::int,
                              8 + floor(bench_r(i, 4) * 120)::int),
                       '', NULL, '',
                       CASE WHEN bench_r(i, 5) < 0.02 THEN 'hidden'
                            WHEN bench_r(i, 5) < 0.03 THEN 'deleted'
                            ELSE 'visible' END,
                       false,
                       CASE WHEN bench_r(i, 6) < 0.30 THEN 1 + floor(bench_r(i, 7) * 9)::int
                            ELSE 0 END,
                       floor(7 * bench_r(i, 8) ^ 2)::int,
                       now() - ({P} - i) * interval '20 seconds', NULL,
                       (g - 1) * {U} + 1 + m, g, (g - 1) * {M} + 1 + mod(m, {M}), NULL
                FROM (SELECT i, 1 + floor({G} * bench_r(i, 1) ^ 3)::int AS g,
                             floor({U} * bench_r(i, 9))::int AS m
                      FROM generate_series(1, {P}) i) s""",
            [POST_TEXT],
        )
        _step(
            conn,
            "photos (storage names only)",
            """INSERT INTO grids_postphoto (position, image, thumb, width, height, post_id)
               SELECT k, 'board/' || p.grid_id || '/' || p.id || '-' || k || '.jpg',
                      'board/' || p.grid_id || '/' || p.id || '-' || k || '.thumb.jpg',
                      1280, 960, p.id
               FROM grids_post p CROSS JOIN LATERAL generate_series(0, p.photo_count - 1) k
               WHERE p.photo_count > 0
               ORDER BY p.id, k""",
        )
        _step(
            conn,
            "comments",
            f"""INSERT INTO grids_comment (author_role, body, state, review_pending, created_at,
                    author_id, reply_to_id, post_id)
               SELECT '', substr(%s, 1 + floor(bench_r(p.id * 8 + k, 10) * 30)::int,
                                 4 + floor(bench_r(p.id * 8 + k, 11) * 30)::int),
                      'visible', false, p.created_at + k * interval '3 minutes',
                      (p.grid_id - 1) * {U} + 1 + mod(k * 13 + p.id, {U}), NULL, p.id
               FROM grids_post p CROSS JOIN LATERAL generate_series(1, p.comment_count) k
               WHERE p.comment_count > 0
               ORDER BY p.id, k""",
            [COMMENT_TEXT],
        )
        _step(
            conn,
            "reactions",
            f"""INSERT INTO grids_postreaction (reaction, created_at, post_id, user_id)
               SELECT (ARRAY['like', 'heart', 'thanks', 'clap', 'haha'])[1 + (k + p.id) % 5],
                      p.created_at + k * interval '1 minute', p.id,
                      (p.grid_id - 1) * {U} + 1 + (k * 7 + p.id) % {U}
               FROM grids_post p
               CROSS JOIN LATERAL generate_series(1, floor(6 * bench_r(p.id, 12) ^ 2)::int) k
               ORDER BY p.id, k""",
        )
        # The first ten members of grid 1 (the viewers measured) each mute one neighbour.
        _step(
            conn,
            "mutes",
            """INSERT INTO grids_mute (muter_id, muted_id, created_at)
               SELECT u, u + 1, now() FROM generate_series(1, 10) u""",
        )
        common.bulk_load_end(conn, dropped, sequences=SEQUENCES)
        return counts(conn)


def counts(conn) -> dict:
    tables = {
        "communities": "grids_community",
        "grids": "grids_grid",
        "users": "residents_user",
        "memberships": "grids_membership",
        "posts": "grids_post",
        "photos": "grids_postphoto",
        "comments": "grids_comment",
        "reactions": "grids_postreaction",
    }
    found = {
        name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for name, table in tables.items()
    }
    found["visible posts"] = conn.execute(
        "SELECT count(*) FROM grids_post WHERE state = 'visible'"
    ).fetchone()[0]
    per_grid = conn.execute(
        """SELECT max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), min(n)
           FROM (SELECT count(*) AS n FROM grids_post WHERE kind <> 'notice' GROUP BY grid_id) s"""
    ).fetchone()
    found["posts per grid (max/median/min)"] = "/".join(str(n) for n in per_grid)
    found["database size"] = conn.execute(
        "SELECT pg_size_pretty(pg_database_size(current_database()))"
    ).fetchone()[0]
    return found

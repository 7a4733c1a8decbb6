"""Moving models between apps loses nothing: a database filled by the demo at the
migration head before the move (access log in residents, the points ledger in
residents, rewards in activities) is migrated to today's head, and every row,
balance and permission is still there, read through the new apps."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import AccessLog
from core.services import access_log_record
from points.models import PointsAccount, PointsEntry, Redemption, Reward
from points.services import points_earn, reward_redeem
from residents.models import User

# The last migration of each app before the moves.
BEFORE = [
    ("residents", "0003_points_household"),
    ("activities", "0001_activities"),
    ("grids", "0005_map_points"),
    ("mutualaid", "0006_community"),
    ("core", None),
    ("points", None),
]
MOVED = {
    "core": ("residents", ["accesslog"]),
    "points": ("residents", ["pointsaccount", "pointsentry"]),
}
MOVED_FROM_ACTIVITIES = ["reward", "redemption"]
TABLES = [
    "residents_accesslog",
    "residents_pointsaccount",
    "residents_pointsentry",
    "activities_reward",
    "activities_redemption",
    "residents_user",
    "grids_grid",
    "activities_activity",
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            found[table] = cursor.fetchone()[0]
        cursor.execute("SELECT user_id, balance FROM residents_pointsaccount ORDER BY user_id")
        found["balances"] = cursor.fetchall()
    return found


def _old_content_types() -> dict[str, int]:
    """Content types as an old database has them: under the apps the models came from."""
    ContentType.objects.filter(app_label__in=["core", "points"]).delete()
    ids = {}
    for model in ["accesslog", "pointsaccount", "pointsentry"]:
        ct, _ = ContentType.objects.get_or_create(app_label="residents", model=model)
        Permission.objects.get_or_create(
            content_type=ct, codename=f"view_{model}", defaults={"name": f"Can view {model}"}
        )
        ids[model] = ct.pk
    for model in MOVED_FROM_ACTIVITIES:
        ct, _ = ContentType.objects.get_or_create(app_label="activities", model=model)
        Permission.objects.get_or_create(
            content_type=ct, codename=f"view_{model}", defaults={"name": f"Can view {model}"}
        )
        ids[model] = ct.pk
    return ids


@pytest.mark.django_db(transaction=True)
def test_the_demo_database_keeps_every_row_and_balance_across_the_moves():
    latest = _latest()
    try:
        _migrate(BEFORE)
        # The tables are the same before and after (the moves are state-only), so the
        # demo and today's services fill them as the old code would have.
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo_activities", verbosity=0)
        people = list(User.objects.order_by("pk")[:5])
        for i, person in enumerate(people, start=1):
            points_earn(
                user_id=person.pk, amount=40 * i, kind="aid", reason="交接", ref=("aid.claim", i)
            )
            access_log_record(actor=people[0], action="member.phone", subject=person)
        reward = Reward.objects.order_by("cost").first()
        reward_redeem(actor=people[-1], reward_id=reward.pk)
        ct_ids = _old_content_types()
        before = _counts()
        assert before["residents_pointsentry"] >= 6 and before["activities_reward"] >= 1
        assert before["residents_accesslog"] >= 5 and before["activities_redemption"] == 1

        _migrate(latest)

        assert _counts() == before
        assert AccessLog.objects.count() == before["residents_accesslog"]
        assert PointsEntry.objects.count() == before["residents_pointsentry"]
        assert (
            Redemption.objects.count() == 1
            and Reward.objects.count() == before["activities_reward"]
        )
        assert sorted(PointsAccount.objects.values_list("user_id", "balance")) == sorted(
            before["balances"]
        )
        # Permissions and admin history follow the models: same content type rows, new app.
        moved = ContentType.objects.filter(pk__in=ct_ids.values())
        assert {(ct.app_label, ct.model) for ct in moved} == {
            ("core", "accesslog"),
            ("points", "pointsaccount"),
            ("points", "pointsentry"),
            ("points", "reward"),
            ("points", "redemption"),
        }
        assert Permission.objects.filter(content_type__in=moved).count() == 5
    finally:
        _migrate(latest)

"""Live campaign dashboards: a change bumps the campaign's version in the changing
transaction, and after commit its group hears a nudge ("look again"). The consumer then
reads a fresh snapshot itself, so a lost or late nudge never leaves a wrong figure,
only a later one.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from core.events import group_send_on_commit
from mutualaid.models import Campaign

CAMPAIGN_SNAPSHOT = "campaign.snapshot"


def campaign_group(campaign_id: int) -> str:
    return f"aid-campaign-{int(campaign_id)}"


def campaigns_touch(campaign_ids: Iterable[int]) -> None:
    """Bump the campaigns' versions now (their rows stay locked until commit: take this
    last in a service), and nudge their dashboards once committed."""
    ids = sorted(set(campaign_ids))
    if not ids:
        return
    assert transaction.get_connection().in_atomic_block, "campaign changes belong in a transaction"
    Campaign.objects.filter(pk__in=ids).update(version=F("version") + 1)

    group_send_on_commit([campaign_group(c) for c in ids], {"type": "campaign.nudge"})

"""The tab bar's badges: unread notices of my grid (首页) and unread notifications (我的).

The notice count is one query on post_feed_kind_idx (grid, kind, -id WHERE visible) and
the noticeread_once index; the notifications one on notification_unread_idx."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from grids.models import Membership, NoticeRead
from residents.models import User
from residents.selectors import unread_count
from today.selectors.shared import notice_posts_on_boards

# A notice older than this no longer counts as unread on the badge.
NOTICE_FRESH_DAYS = 30


def unread_notices_count(user: User) -> int:
    """Fresh notices on the user's home grid's board they have not opened: one query."""
    home_grid = Membership.objects.filter(user=user, left_at__isnull=True).values("grid_id")[:1]
    fresh = timezone.now() - timedelta(days=NOTICE_FRESH_DAYS)
    return (
        notice_posts_on_boards()
        .filter(grid_id=Subquery(home_grid), notice__published_at__gte=fresh)
        .exclude(Exists(NoticeRead.objects.filter(notice_id=OuterRef("notice_id"), user=user)))
        .count()
    )


def tab_badges_for(user: User) -> dict[str, int]:
    """What the tab bar's badges count: unread notices (首页) and notifications (我的)."""
    return {"home": unread_notices_count(user), "me": unread_count(user)}

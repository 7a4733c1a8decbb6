import logging

from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject

from today.selectors.badges import tab_badges_for

logger = logging.getLogger(__name__)


def _badges(request) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    try:
        return tab_badges_for(user)
    except DatabaseError:
        # A count that timed out must not turn the page it decorates into an error page.
        logger.warning("tab badges not counted", exc_info=True)
        return {}


def tab_badges(request) -> dict:
    """`tab_badges`: {"home": unread notices of my grid, "me": unread notifications} for a
    logged-in person, {} otherwise. Lazy: the two queries run only when a page shows them
    (not for partials, nor for pages without a tab bar)."""
    return {"tab_badges": SimpleLazyObject(lambda: _badges(request))}

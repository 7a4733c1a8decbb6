from django.utils.functional import SimpleLazyObject

from today.selectors import tab_badges_for


def _badges(request) -> dict[str, int]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return tab_badges_for(user)


def tab_badges(request) -> dict:
    """`tab_badges`: {"home": unread notices of my grid, "me": unread notifications} for a
    logged-in person, {} otherwise. Lazy: the two queries run only when a page shows them
    (not for partials, nor for pages without a tab bar)."""
    return {"tab_badges": SimpleLazyObject(lambda: _badges(request))}

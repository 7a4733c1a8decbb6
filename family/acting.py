"""What a helper may do while acting for a resident, by URL name.

Anything not named here is refused while acting (403, in plain words): the resident's
account, password and phone, family help itself, points, staff pages, and the whole API
(pages are how a helper acts; an app client never acts). A page of another app that a
helper needs is added here by name: `family` stands above `grids` and beside the rest, so
it names their routes rather than importing them.
"""

import contextlib
from collections.abc import Callable

from django.http import HttpRequest
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.translation import gettext as _

SESSION_KEY = "family_acting"

# Pages a helper may open while acting (GET/HEAD).
READ: frozenset[str] = frozenset(
    {
        "home",
        "family-help",
        # board and notices
        "board",
        "board-page",
        "post-card",
        "notice",
        "notices",
        # mutual aid
        "mutualaid",
        "aid-need-new",
        "aid-need",
        "aid-offer",
        "aid-claim",
        "aid-campaigns",
        "aid-campaign",
        # activities
        "activities",
        "activities-mine",
        "activity",
    }
)


def _aid_index(request: HttpRequest, match: ResolverMatch) -> str | None:
    # The aid page posts both forms; acting covers asking for help, not giving.
    return _("Asked neighbours for help") if request.POST.get("form") == "ask" else None


_CLAIM_ACTIONS = {
    "accept": lambda: _("Accepted a neighbour's help"),
    "decline": lambda: _("Turned down a neighbour's help"),
    "cancel": lambda: _("Cancelled a request for a neighbour's offer"),
    "confirm": lambda: _("Confirmed that help was handed over"),
    "renew-code": lambda: _("Asked for a new handover code"),
    "message": lambda: _("Sent a message about a handover"),
}


def _claim_action(request: HttpRequest, match: ResolverMatch) -> str | None:
    label = _CLAIM_ACTIONS.get(match.kwargs.get("action", ""))
    return label() if label else None


# Writes a helper may make while acting, and how each is written down for the resident.
# A rule returns the label, or None to refuse this particular write.
WRITE: dict[str, Callable[[HttpRequest, ResolverMatch], str | None]] = {
    "mutualaid": _aid_index,
    "aid-need-new": lambda r, m: _("Asked neighbours for help"),
    "aid-post-convert": lambda r, m: _("Turned a board post into a request for help"),
    "aid-need-cancel": lambda r, m: _("Cancelled a request for help"),
    "aid-offer-claim": lambda r, m: _("Asked for a neighbour's offer"),
    "aid-claim-action": _claim_action,
    "activity-signup": lambda r, m: _("Signed up for an activity"),
    "signup-cancel": lambda r, m: _("Cancelled an activity sign-up"),
    "board": lambda r, m: _("Posted on the neighbourhood board"),
    "comment-add": lambda r, m: _("Commented on the neighbourhood board"),
    "reaction-toggle": lambda r, m: _("Liked a post on the board"),
}

# Writes allowed while acting that are not done in the resident's name.
QUIET: frozenset[str] = frozenset({"family-acting-stop", "set_language", "large-text-toggle"})

# Which object a write concerns, from the names in its address.
OBJECT_KWARGS = {
    "need_id": "need",
    "offer_id": "offer",
    "claim_id": "claim",
    "signup_id": "signup",
    "activity_id": "activity",
    "post_id": "post",
    "grid_id": "grid",
    "notice_id": "notice",
}


def acting_rule(request: HttpRequest, match: ResolverMatch | None) -> tuple[bool, str | None]:
    """(allowed, label): label is what to write down for a successful write."""
    if match is None or request.path_info.startswith("/api/"):
        return False, None
    name = match.url_name or ""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return name in READ or name in WRITE or name in QUIET, None
    if name in QUIET:
        return True, None
    rule = WRITE.get(name)
    if rule is None:
        return False, None
    label = rule(request, match)
    return label is not None, label


def acted_object(match: ResolverMatch, location: str | None) -> tuple[str, int | None]:
    """The object a write concerned: named in its address, or where it sent the helper
    next (a new need is known by the page it redirects to)."""
    matches = [match]
    if location and location.startswith("/"):
        with contextlib.suppress(Resolver404):
            matches.insert(0, resolve(location.split("?")[0]))
    for candidate in matches:
        for key, kind in OBJECT_KWARGS.items():
            value = candidate.kwargs.get(key)
            if isinstance(value, int):
                return kind, value
    return "", None

"""Calendar files (RFC 5545) with icalendar: one activity, or a person's sign-ups.

A calendar app fetches the personal feed without cookies, so its address carries
a signed token for the user (`feed_token`); it reveals nothing but lets the app in.
"""

from collections.abc import Iterable

from django.core import signing
from django.utils import timezone
from icalendar import Calendar, Event, vText

from activities.models import Activity
from core.text import CONTROL_CHARACTERS

FEED_SALT = "activities.calendar-feed"


def feed_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=FEED_SALT, compress=True)


def feed_user_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def _text(value: str) -> vText:
    """A TEXT value (RFC 5545 3.3.11): control characters dropped, line breaks escaped by vText
    (a bare `x-wr-calname` string is not, and a title with CR/LF broke the whole file)."""
    return vText(CONTROL_CHARACTERS.sub("", value))


def ics(activities: Iterable[Activity], *, name: str, site: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//linli//activities//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _text(name))
    stamp = timezone.now()
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@linli")
        event.add("dtstamp", stamp)
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        event.add("summary", _text(activity.title))
        event.add("location", _text(activity.place))
        if activity.description:
            event.add("description", _text(activity.description))
        event.add("url", f"{site}/activities/{activity.pk}/")
        event.add(
            "status", "CANCELLED" if activity.state == Activity.State.CANCELLED else "CONFIRMED"
        )
        cal.add_component(event)
    return cal.to_ical()

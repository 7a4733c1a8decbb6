"""What happens next, in plain words: one line per open item on the home page, and the
one place it is done (a tap away).

Each function takes the item as a selector read it and answers a `Step`: what the item is,
the next step in a resident's words, and where to do it. No query is made here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from activities.models import SignUp
from mutualaid.models import Claim, Need
from mutualaid.selectors.matching import REASONS
from mutualaid.services.claims import ACCEPTED_CLAIM_TTL
from residents.models import User


@dataclass(frozen=True)
class Step:
    what: str
    next: str
    url: str
    flag: str = ""  # a short mark beside the item: 紧急, 等您回复
    due: str = ""


def when_words(moment: datetime, *, now: datetime | None = None) -> str:
    """ "今天 9:00", "明天 14:30", else "12月5日 星期六 9:00": the way a person says it."""
    moment = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now()).date()
    clock = time_format(moment, "G:i")
    if moment.date() == today:
        return _("today %(time)s") % {"time": clock}
    if moment.date() == today + timedelta(days=1):
        return _("tomorrow %(time)s") % {"time": clock}
    return _("%(day)s %(weekday)s %(time)s") % {
        "day": date_format(moment, "MONTH_DAY_FORMAT"),
        "weekday": date_format(moment, "l"),
        "time": clock,
    }


def amount(quantity: int, unit: str, category: str) -> str:
    """ "10 个口罩"."""
    return _("%(quantity)s %(unit)s of %(category)s") % {
        "quantity": quantity,
        "unit": unit,
        "category": category,
    }


def need_step(need: Need) -> Step:
    what = _("I asked for %(what)s") % {
        "what": amount(need.quantity, need.category.unit, need.category.name)
    }
    if need.state == Need.State.OPEN:
        text = _("Neighbours nearby have been told; you will hear as soon as someone can help.")
    elif need.state == Need.State.PARTLY_MATCHED:
        text = _(
            "%(matched)s %(unit)s promised so far; we keep looking for the other %(left)s."
        ) % {"matched": need.matched, "unit": need.category.unit, "left": need.remaining}
    else:
        text = _("All of it is promised: meet your neighbour and give them your pick-up code.")
    return Step(
        what=what,
        next=text,
        url=reverse("aid-need", args=[need.pk]),
        flag=_("Urgent") if need.urgency == "urgent" else "",
    )


def claim_step(claim: Claim, *, viewer: User) -> Step:
    offer = claim.offer
    what = amount(claim.quantity, offer.category.unit, offer.category.name)
    giver, receiver = offer.giver.display_name, claim.receiver.display_name
    url = reverse("aid-claim", args=[claim.pk])
    due = ""
    if claim.state == Claim.State.ACCEPTED and claim.accepted_at:
        due = _("Hand over by %(when)s") % {
            "when": when_words(claim.accepted_at + ACCEPTED_CLAIM_TTL)
        }
    if viewer.pk == claim.receiver_id:
        if claim.state == Claim.State.REQUESTED:
            text = _("You asked %(giver)s for %(what)s: waiting for their answer.")
        elif claim.handover_code_locked:
            text = _(
                "%(giver)s will give you %(what)s. The pick-up code was locked after wrong "
                "tries: tap here to get a new one."
            )
        else:
            text = _(
                "%(giver)s will give you %(what)s: when you meet, tell them your pick-up code "
                "%(code)s."
            )
        return Step(
            what=_("From %(giver)s") % {"giver": giver},
            next=text % {"giver": giver, "what": what, "code": claim.handover_code},
            url=url,
            due=due,
        )
    if claim.state == Claim.State.REQUESTED:
        text = _("%(receiver)s would like %(what)s from you: tap to say yes or no.")
    else:
        text = _(
            "You promised %(what)s to %(receiver)s: hand it over and ask them for their "
            "pick-up code."
        )
    return Step(
        what=_("For %(receiver)s") % {"receiver": receiver},
        next=text % {"receiver": receiver, "what": what},
        url=url,
        flag=_("Your answer") if claim.state == Claim.State.REQUESTED else "",
        due=due,
    )


def signup_step(signup: SignUp) -> Step:
    activity, slot = signup.activity, signup.slot
    values = {
        "when": when_words(slot.starts_at),
        "title": activity.title,
        "place": activity.place,
    }
    if signup.state == SignUp.State.WAITLISTED:
        text = _(
            "%(when)s %(title)s: you are on the waiting list; you will hear as soon as a place "
            "is free."
        )
    else:
        text = _(
            "%(when)s %(title)s at %(place)s: when you get there, scan the QR code on the "
            "screen to check in."
        )
    what = activity.title
    if signup.participant != "self":
        what = _("%(title)s, for %(name)s") % {
            "title": activity.title,
            "name": signup.participant_name,
        }
    if slot.role:
        what = f"{what} · {slot.role}"
    return Step(what=what, next=text % values, url=reverse("activity", args=[activity.pk]))


def nearby_step(need: Need) -> Step:
    return Step(
        what=_("%(name)s needs %(what)s")
        % {
            "name": need.requester.display_name,
            "what": amount(need.remaining, need.category.unit, need.category.name),
        },
        next=str(REASONS[need.tier]),
        url=reverse("aid-need", args=[need.pk]),
        flag=_("Urgent") if need.urgency == "urgent" else "",
    )

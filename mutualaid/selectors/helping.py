"""What the "我来帮忙" and "我要" forms are prefilled with: the giver's own open offer a
help can come from (and so its cap), the receiver's matching need, the quantity."""

import re

from django.db.models import F
from django.utils import timezone

from grids.models import ContentState, Post, PostKind
from mutualaid.models import Need, Offer
from mutualaid.selectors.needs import categories
from residents.models import User


def offer_to_help_from(user: User, need: Need) -> Offer | None:
    """The user's open offer of the need's kind, open to anyone (not directed, not given to
    a campaign), with the most left: help to that need is taken from it. One query on
    `offer_giver_idx`."""
    return (
        Offer.objects.filter(
            giver=user,
            category_id=need.category_id,
            state__in=Offer.OPEN_STATES,
            expires_at__gt=timezone.now(),
            for_need__isnull=True,
            for_person__isnull=True,
            campaign__isnull=True,
        )
        .annotate(left=F("quantity") - F("reserved") - F("given"))
        .filter(left__gt=0)
        .order_by("-left", "pk")
        .first()
    )


def help_prefill(user: User, need: Need) -> dict:
    """The "我来帮忙" form: what the need still lacks, capped by what the user's open offer
    has left when they have one."""
    own = offer_to_help_from(user, need)
    cap = need.remaining if own is None else min(need.remaining, own.available)
    return {"cap": cap, "prefill": cap, "from_offer": own}


def claim_prefill(user: User, offer: Offer, my_needs: list[Need]) -> dict:
    """The "我要" form: my matching need preselected when I have exactly one (else the
    one lacking most, or none: just for me), and the quantity min(its lack, what is left)."""
    chosen = max(my_needs, key=lambda n: (n.remaining, -n.pk)) if my_needs else None
    left = offer.available
    if chosen is not None:
        prefill = min(chosen.remaining, left)
    else:
        usual = 10 if offer.category.kind == offer.category.Kind.GOODS else 1
        prefill = min(left, usual)
    return {"need": chosen, "prefill": prefill, "cap": left}


NUMBER = re.compile(r"(?<![0-9])([0-9]{1,6})(?![0-9])")


def post_to_convert(user: User, post_id: int) -> dict | None:
    """The user's own bare board post asking for help, with the kind and the number its
    words name, if any ("家里老人感冒了，谁家有多余的口罩？" → 口罩, no number). None when
    the post is not theirs, not a request for help, already a need, or gone."""
    post = (
        Post.objects.filter(
            pk=post_id,
            author=user,
            kind=PostKind.NEED,
            ref_type="",
            state=ContentState.VISIBLE,
        )
        .only("pk", "body")
        .first()
    )
    if post is None:
        return None
    body = post.body or ""
    category = next((c for c in categories() if c.name in body), None)
    number = NUMBER.search(body)
    quantity = int(number.group(1)) if number and 0 < int(number.group(1)) <= 100_000 else None
    return {"post": post, "category": category, "quantity": quantity, "note": body[:300]}

"""Needs and offers: ask, offer (a directed donation too), cancel, withdraw. A new need
or offer gets a card on its grid's board, and the neighbours it best matches hear of it."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Membership, PostKind
from grids.services.posts import post_create, post_ref_attach, post_ref_state_set
from mutualaid import permissions
from mutualaid.errors import AidInvalid, TransitionRefused
from mutualaid.models import Category, Claim, Need, Offer, Urgency
from mutualaid.selectors.helping import post_to_convert
from mutualaid.selectors.matching import needs_for_offer, offers_for_need
from mutualaid.services.campaigns import campaign_for_post, campaigns_touch_for
from mutualaid.services.states import (
    NEED_REF,
    OFFER_REF,
    claim_end,
    claims_lock,
    need_lock,
    offer_lock,
    quantity_validate,
)
from residents.events import user_event_send_on_commit
from residents.models import User

DEFAULT_DAYS = 3


def _category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id, active=True).first()
    if category is None:
        raise AidInvalid(_("Choose one of the listed kinds of help."))
    return category


def _until(expires_at: datetime | None) -> datetime:
    now = timezone.now()
    if expires_at is None:
        return now + timedelta(days=DEFAULT_DAYS)
    if expires_at <= now:
        raise AidInvalid(_("The end date must be in the future."))
    return min(expires_at, now + timedelta(days=90))


def _tell_matches(matches, *, type: str, about: dict, top: int = 3) -> int:
    """The people a new need or offer best matches hear of it, live and in their messages.
    Returns how many were told (the page says so: "已告诉附近 3 位邻居")."""
    told: set[int] = set()
    for match in matches[:top]:
        user_id = getattr(match.item, "giver_id", None) or match.item.requester_id
        if user_id in told:
            continue
        told.add(user_id)
        user_event_send_on_commit(
            user_id=user_id, event={"type": type, "reason": match.reason, **about}
        )
    return len(told)


def _point(point: tuple[float, float] | None) -> dict:
    """An optional map point, checked: latitude -90..90, longitude -180..180."""
    if point is None:
        return {}
    latitude, longitude = point
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise AidInvalid(_("That map point is not on the map. Leave it out to use your building."))
    return {"latitude": round(latitude, 6), "longitude": round(longitude, 6)}


@transaction.atomic
def need_create(
    *,
    actor: User,
    category_id: int,
    quantity: int,
    description: str = "",
    urgency: str = Urgency.NORMAL,
    expires_at: datetime | None = None,
    on_behalf_of: str = "",
    campaign_id: int | None = None,
    point: tuple[float, float] | None = None,
    post_id: int | None = None,
) -> Need:
    """Ask the neighbourhood for something; it appears on the grid's board and the best
    matching givers are told (how many: `need.neighbours_told`). It may join a campaign
    running in the grid. With `post_id` (the asker's own board post asking for help, "转为
    互助") that post becomes the need's card instead of a new one."""
    home = permissions.home_of(actor)
    if urgency not in Urgency.values:
        raise AidInvalid(_("Choose how urgent it is."))
    category = _category(category_id)
    need = Need.objects.create(
        requester=actor,
        on_behalf_of=on_behalf_of.strip()[:30],
        category=category,
        campaign=campaign_for_post(campaign_id=campaign_id, grid=home.grid, category=category),
        quantity=quantity_validate(quantity),
        description=description.strip()[:300],
        urgency=urgency,
        grid=home.grid,
        community_id=home.grid.community_id,
        micro_grid=home.micro_grid,
        expires_at=_until(expires_at),
        **_point(point),
    )
    if post_id is not None:
        post_ref_attach(actor=actor, post_id=post_id, ref_type=NEED_REF, ref_id=need.pk)
    else:
        post_create(
            actor=actor,
            grid=home.grid,
            kind=PostKind.NEED,
            body=_card_text(need.category, need.quantity, need.description, need=True),
            ref_type=NEED_REF,
            ref_id=need.pk,
        )
    need.neighbours_told = _tell_matches(
        offers_for_need(need),
        type="aid.need_for_you",
        about={"need_id": need.pk, "category": need.category.name, "quantity": need.quantity},
    )
    if need.urgency == Urgency.URGENT:
        campaigns_touch_for(grid_id=need.grid_id, category_id=need.category_id)
    return need


def need_from_post(
    *, actor: User, post_id: int, category_id: int | None = None, quantity: int | None = None
) -> Need | None:
    """转为互助: the author's bare board post asking for help becomes a need, its card the
    same post. The kind and the number are the ones given, else the ones the post's words
    name ("需要20个口罩"); None when neither says them (the ask page is then shown
    prefilled from the post)."""
    found = post_to_convert(actor, post_id)
    if found is None:
        raise AidInvalid(_("Only your own request for help on the board can be turned into this."))
    category_id = category_id or (found["category"].pk if found["category"] else None)
    quantity = quantity or found["quantity"]
    if category_id is None or quantity is None:
        return None
    return need_create(
        actor=actor,
        category_id=category_id,
        quantity=quantity,
        description=found["note"],
        post_id=post_id,
    )


def _card_text(category: Category, quantity: int, description: str, *, need: bool) -> str:
    head = (
        _("Needs %(quantity)d %(unit)s of %(category)s")
        if need
        else _("Can give %(quantity)d %(unit)s of %(category)s")
    ) % {"quantity": quantity, "unit": category.unit, "category": category.name}
    return f"{head}\n{description}".strip()


@transaction.atomic
def offer_create(
    *,
    actor: User,
    category_id: int,
    quantity: int,
    description: str = "",
    handover: str = Offer.Handover.PICKUP,
    expires_at: datetime | None = None,
    for_need_id: int | None = None,
    for_person_id: int | None = None,
    campaign_id: int | None = None,
    on_behalf_of: str = "",
    point: tuple[float, float] | None = None,
) -> Offer:
    """Offer something spare. A directed donation goes to one need (`for_need_id`), one
    neighbour of the giver's community (`for_person_id`) or a campaign's area
    (`campaign_id`); only one of them. Directed offers get no board card."""
    home = permissions.home_of(actor)
    if handover not in Offer.Handover.values:
        raise AidInvalid(_("Choose pick-up or delivery."))
    if sum(x is not None for x in (for_need_id, for_person_id, campaign_id)) > 1:
        raise AidInvalid(_("Direct a donation to one need, one neighbour or one campaign."))
    category = _category(category_id)
    for_need = None
    if for_need_id is not None:
        for_need = Need.objects.filter(pk=for_need_id, state__in=Need.OPEN_STATES).first()
        if for_need is None or for_need.category_id != category.pk:
            raise AidInvalid(_("That need is no longer open for this kind of help."))
    for_person = None
    if for_person_id is not None:
        for_person = _neighbour(actor, for_person_id, community_id=home.grid.community_id)
    campaign = campaign_for_post(campaign_id=campaign_id, grid=home.grid, category=category)
    offer = Offer.objects.create(
        giver=actor,
        on_behalf_of=on_behalf_of.strip()[:30],
        category=category,
        quantity=quantity_validate(quantity),
        description=description.strip()[:300],
        handover=handover,
        grid=home.grid,
        community_id=home.grid.community_id,
        micro_grid=home.micro_grid,
        for_need=for_need,
        for_person=for_person,
        campaign=campaign,
        expires_at=_until(expires_at),
        **_point(point),
    )
    if for_need is None and for_person is None:
        post_create(
            actor=actor,
            grid=home.grid,
            kind=PostKind.OFFER,
            body=_card_text(category, offer.quantity, offer.description, need=False),
            ref_type=OFFER_REF,
            ref_id=offer.pk,
        )
    about = {"offer_id": offer.pk, "category": category.name, "quantity": offer.quantity}
    if for_person is not None:
        user_event_send_on_commit(
            user_id=for_person.pk,
            event={"type": "aid.offer_for_you", "reason": str(_("For you")), **about},
        )
    else:
        _tell_matches(needs_for_offer(offer), type="aid.offer_for_you", about=about)
    return offer


def _neighbour(actor: User, user_id: int, *, community_id: int) -> User:
    """A person a donation is directed to: a resident of the giver's community. Anyone
    else gets the same answer as someone who does not exist, so ids cannot be probed."""
    if user_id == actor.pk:
        raise AidInvalid(_("You cannot direct a donation to yourself."))
    lives_here = Membership.objects.filter(
        user_id=user_id, grid__community_id=community_id, left_at__isnull=True
    ).exists()
    person = User.objects.filter(pk=user_id, is_active=True).first() if lives_here else None
    if person is None:
        raise AidInvalid(_("Choose a neighbour of your own community."))
    return person


@transaction.atomic
def need_cancel(*, actor: User, need_id: int) -> Need:
    permissions.require_requester(actor, Need.objects.filter(pk=need_id).first())
    live = list(Claim.objects.filter(need_id=need_id, state__in=Claim.LIVE_STATES))
    for offer_id in sorted({c.offer_id for c in live}):
        offer_lock(offer_id)
    need = need_lock(need_id)
    if need.state not in (*Need.OPEN_STATES, Need.State.MATCHED):
        raise TransitionRefused(_("This need is already closed."))
    for claim in claims_lock(live):
        if claim.state in Claim.LIVE_STATES:
            claim_end(claim, Claim.State.CANCELLED)
    need.refresh_from_db()
    was_open = need.state in Need.OPEN_STATES
    need.state = Need.State.CANCELLED
    need.save(update_fields=["state"])
    post_ref_state_set(ref_type=NEED_REF, ref_id=need.pk, state=need.state)
    if need.urgency == Urgency.URGENT and was_open:
        campaigns_touch_for(grid_id=need.grid_id, category_id=need.category_id)
    return need


@transaction.atomic
def offer_withdraw(*, actor: User, offer_id: int) -> Offer:
    offer = permissions.require_giver(actor, offer_lock(offer_id))
    if offer.state not in (*Offer.OPEN_STATES, Offer.State.EXHAUSTED):
        raise TransitionRefused(_("This offer is already closed."))
    for claim in claims_lock(list(Claim.objects.filter(offer=offer, state__in=Claim.LIVE_STATES))):
        if claim.state in Claim.LIVE_STATES:
            claim_end(claim, Claim.State.CANCELLED)
    offer.refresh_from_db()
    offer.state = Offer.State.WITHDRAWN
    offer.save(update_fields=["state"])
    post_ref_state_set(ref_type=OFFER_REF, ref_id=offer.pk, state=offer.state)
    return offer

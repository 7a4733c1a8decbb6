"""Mutual aid (邻里互助): needs and offers of goods or services, and the claims that
hand quantities from one neighbour to another.

Quantities are invariants of the rows themselves (CheckConstraints), so no
race can over-allocate: a claim is accepted by one conditional UPDATE of the
offer that succeeds only while enough is left.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.geo import map_point_constraint, map_point_fields
from grids.models import Community, Grid, MicroGrid


class Category(models.Model):
    """口罩, 药品, 跑腿 …: goods counted in a unit, or services counted in times or hours."""

    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Service")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=10)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A drive run by the community's cadres (口罩援助, 爱心义卖): an area (the whole
    community, or some of its grids), kinds of help, a time window and an optional target.

    What a campaign counts is everything in its scope: every handover received in its
    area, of its kinds, inside its window, whether or not anyone attached their need or
    offer to it (see `selectors/campaigns.py`). Attaching is optional: it shows the campaign
    on the card, and an offer attached to a campaign is a directed donation to its area.
    `version` grows with every change the dashboard shows, so live snapshots are ordered.
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("Running")
        CLOSED = "closed", _("Closed")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grids = models.ManyToManyField(
        Grid,
        blank=True,
        related_name="+",
        verbose_name=_("grids"),
        help_text=_("None chosen: the whole community."),
    )
    categories = models.ManyToManyField(
        Category, related_name="campaigns", verbose_name=_("kinds of help")
    )
    title = models.CharField(_("title"), max_length=60)
    description = models.CharField(_("description"), max_length=1000, blank=True)
    target_quantity = models.PositiveIntegerField(
        _("target"), null=True, blank=True, help_text=_("In the unit of its kinds of help.")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(target_quantity__isnull=True) | Q(target_quantity__gt=0),
                name="campaign_target_positive",
            ),
            models.CheckConstraint(
                condition=(Q(state="active") & Q(closed_at__isnull=True))
                | (Q(state="closed") & Q(closed_at__isnull=False)),
                name="campaign_closed_has_time",
            ),
        ]
        indexes = [
            # A community's campaigns, newest first; and which run now where a handover was.
            models.Index(fields=["community", "-starts_at"], name="campaign_community_idx"),
            models.Index(
                fields=["community", "ends_at"],
                condition=Q(state="active"),
                name="campaign_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def counted_until(self):
        """Handovers count until the end, or until a cadre closed it earlier."""
        return min(self.ends_at, self.closed_at) if self.closed_at else self.ends_at


def open_indexes(prefix: str, open_states: list[str]) -> list[models.Index]:
    """The partial indexes over open needs (or offers) that matching and the lists use:
    one tier of a match (same building, grid, community; then the category) is one
    index range, and the 互助 tab's "open in my community, newest first" is another."""
    is_open = Q(state__in=open_states)
    tiers = {"building": "micro_grid", "grid": "grid", "community": "community"}
    return [
        *(
            models.Index(
                fields=["category", column, "created_at"],
                condition=is_open,
                name=f"{prefix}_open_{tier}_idx",
            )
            for tier, column in tiers.items()
        ),
        models.Index(
            fields=["community", "-created_at", "-id"],
            condition=is_open,
            name=f"{prefix}_open_nearby_idx",
        ),
        models.Index(
            fields=["category", "created_at"], condition=is_open, name=f"{prefix}_open_category_idx"
        ),
    ]


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Need(models.Model):
    """Someone short of something. `matched` counts what accepted claims have reserved
    for it, `fulfilled` what was handed over; both only grow through services."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        PARTLY_MATCHED = "partly_matched", _("Partly matched")
        MATCHED = "matched", _("Matched")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    OPEN_STATES = (State.OPEN, State.PARTLY_MATCHED)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="needs"
    )
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=30,
        blank=True,
        help_text=_("An elderly neighbour you post for (a name or how neighbours call them)."),
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="needs")
    quantity = models.PositiveIntegerField(_("quantity"))
    matched = models.PositiveIntegerField(default=0)
    fulfilled = models.PositiveIntegerField(default=0)
    description = models.CharField(_("details"), max_length=300, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    # The grid's community, kept here so the "same community" and "nearest communities"
    # tiers are one index range each (`*_open_community_idx`), not a join over its grids.
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    micro_grid = models.ForeignKey(MicroGrid, on_delete=models.PROTECT, related_name="+")
    # An optional map point (where exactly, when not at home). Never shown to anyone:
    # it only sharpens the distance a match states.
    latitude, longitude = map_point_fields()
    expires_at = models.DateTimeField(_("needed until"))
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        verbose_name=_("campaign"),
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="need_quantity_positive"),
            map_point_constraint("need_point"),
            models.CheckConstraint(
                condition=Q(fulfilled__lte=F("matched")) & Q(matched__lte=F("quantity")),
                name="need_never_over_matched",
            ),
        ]
        indexes = [
            *open_indexes("need", ["open", "partly_matched"]),
            models.Index(fields=["requester", "-created_at"], name="need_requester_idx"),
            models.Index(
                fields=["grid", "urgency", "created_at"],
                condition=Q(state__in=["open", "partly_matched"]),
                name="need_open_urgent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} × {self.quantity} ({self.get_state_display()})"

    @property
    def remaining(self) -> int:
        return self.quantity - self.matched


class Offer(models.Model):
    """Someone with something to spare. `reserved` is held by accepted claims, `given`
    was handed over; `quantity - reserved - given` is what others can still claim."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        PARTLY_CLAIMED = "partly_claimed", _("Partly claimed")
        EXHAUSTED = "exhausted", _("All given")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    OPEN_STATES = (State.OPEN, State.PARTLY_CLAIMED)

    class Handover(models.TextChoices):
        PICKUP = "pickup", _("Pick up from me")
        DELIVERY = "delivery", _("I bring it")

    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers"
    )
    on_behalf_of = models.CharField(_("on behalf of"), max_length=30, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="offers")
    quantity = models.PositiveIntegerField(_("quantity"))
    reserved = models.PositiveIntegerField(default=0)
    given = models.PositiveIntegerField(default=0)
    description = models.CharField(_("details"), max_length=300, blank=True)
    handover = models.CharField(
        _("handover"), max_length=10, choices=Handover.choices, default=Handover.PICKUP
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    # The grid's community, kept here so the "same community" and "nearest communities"
    # tiers are one index range each (`*_open_community_idx`), not a join over its grids.
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    micro_grid = models.ForeignKey(MicroGrid, on_delete=models.PROTECT, related_name="+")
    # An optional map point (where exactly, when not at home). Never shown to anyone:
    # it only sharpens the distance a match states.
    latitude, longitude = map_point_fields()
    for_need = models.ForeignKey(
        Need,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directed_offers",
        help_text=_("A directed donation: this offer is for that need only."),
    )
    for_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="directed_offers",
        help_text=_("A directed donation: only this neighbour may claim it."),
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
        verbose_name=_("campaign"),
        help_text=_("A donation to a campaign: only residents of its area may claim it."),
    )
    expires_at = models.DateTimeField(_("available until"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="offer_quantity_positive"),
            map_point_constraint("offer_point"),
            models.CheckConstraint(
                condition=Q(quantity__gte=F("reserved") + F("given")),
                name="offer_never_over_allocated",
            ),
            models.CheckConstraint(
                condition=~(Q(for_need__isnull=False) & Q(for_person__isnull=False))
                & ~(Q(for_need__isnull=False) & Q(campaign__isnull=False))
                & ~(Q(for_person__isnull=False) & Q(campaign__isnull=False)),
                name="offer_one_direction",
            ),
        ]
        indexes = [
            *open_indexes("offer", ["open", "partly_claimed"]),
            models.Index(fields=["giver", "-created_at"], name="offer_giver_idx"),
            models.Index(
                fields=["for_person", "-created_at"],
                condition=Q(for_person__isnull=False),
                name="offer_for_person_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} × {self.quantity} ({self.get_state_display()})"

    @property
    def available(self) -> int:
        return self.quantity - self.reserved - self.given


class Claim(models.Model):
    """A quantity asked of an offer (possibly for a need). Accepting reserves it; both
    sides confirming the handover gives it; cancelling before that releases it."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Asked")
        ACCEPTED = "accepted", _("Accepted")
        HANDED_OVER = "handed_over", _("Handed over")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    LIVE_STATES = (State.REQUESTED, State.ACCEPTED)
    HANDOVER_CODE_TRIES = 5

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="claims")
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims_received"
    )
    # Copied when the claim is made, never changed: the offer's kind, and the grid where it
    # is received (the need's grid, or the receiver's home grid then). Campaign figures
    # read handovers by these two on one index.
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    handover_code = models.CharField(max_length=6)
    # Wrong codes typed since this code was issued: at HANDOVER_CODE_TRIES it is locked
    # until the receiver issues a fresh one. Only a conditional UPDATE changes it.
    handover_code_misses = models.PositiveSmallIntegerField(default=0)
    receiver_confirmed_at = models.DateTimeField(null=True, blank=True)
    giver_confirmed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="claim_quantity_positive"),
            models.UniqueConstraint(
                fields=["offer", "receiver"],
                condition=Q(state__in=["requested", "accepted"]),
                name="claim_one_live_per_offer",
            ),
        ]
        indexes = [
            models.Index(fields=["offer", "state"], name="claim_offer_idx"),
            models.Index(fields=["receiver", "-created_at"], name="claim_receiver_idx"),
            models.Index(
                fields=["accepted_at"], condition=Q(state="accepted"), name="claim_accepted_idx"
            ),
            models.Index(
                fields=["grid", "category", "closed_at"],
                condition=Q(state="handed_over"),
                name="claim_handed_over_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk}: {self.quantity} of offer {self.offer_id}"

    @property
    def handover_code_locked(self) -> bool:
        return self.handover_code_misses >= self.HANDOVER_CODE_TRIES


class ClaimMessage(models.Model):
    """The two parties' thread, open once the claim is accepted."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["claim", "id"], name="claimmessage_claim_idx")]

    def __str__(self) -> str:
        return f"message {self.pk} on claim {self.claim_id}"

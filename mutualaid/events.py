"""Live campaign dashboards: a change bumps the campaign's version in the changing
transaction, and after commit its group hears a nudge ("look again"). The consumer then
reads a fresh snapshot itself, so a lost or late nudge never leaves a wrong figure,
only a later one.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from core.event_schema import (
    array,
    choice,
    declare_event,
    declare_stream,
    error_fields,
    fields,
    integer,
    nullable,
    record,
    string,
)
from core.events import group_send_on_commit
from mutualaid.models import Campaign
from residents.events import declare_me_event

CAMPAIGN_SNAPSHOT = "campaign.snapshot"

CAMPAIGN_STREAM = "campaign"
declare_stream(
    CAMPAIGN_STREAM,
    path="/ws/aid/campaigns/<campaign_id>/",
    description=(
        "A campaign's live dashboard, for residents and staff of its community: a whole "
        "snapshot on connect and after every change, newer versions only. Nothing is "
        "incremental, so a reconnect needs no replay. Read-only."
    ),
)
_count = integer("A count.", minimum=0)
declare_event(
    CAMPAIGN_STREAM,
    CAMPAIGN_SNAPSHOT,
    fields(
        {
            "version": integer("The dashboard's version; grows with every change.", minimum=0),
            "dashboard": record(
                {
                    "version": integer("The same version.", minimum=0),
                    "state": choice(Campaign.State.values, "Whether the campaign runs."),
                    "unit": string("The unit shared by all its kinds, or empty."),
                    "handed_over": integer("Quantity handed over, all kinds.", minimum=0),
                    "handovers": integer("Handovers counted.", minimum=0),
                    "needs_met": integer("Needs fulfilled by them.", minimum=0),
                    "open_urgent": integer("Open urgent needs in its area.", minimum=0),
                    "target": nullable(integer("The target quantity; null: none.")),
                    "progress": nullable(
                        integer(
                            "Percent of the target (at least 1 once anything was handed "
                            "over, 100 only when reached); null: no target.",
                            minimum=0,
                            maximum=100,
                        )
                    ),
                    "categories": array(
                        record(
                            {
                                "id": integer("The kind of help."),
                                "name": string("Its name."),
                                "unit": string("Its unit."),
                                "quantity": integer("Handed over.", minimum=0),
                                "handovers": _count,
                                "needs_met": _count,
                            },
                            "One kind of help.",
                        ),
                        "Figures per kind, in the campaign's order.",
                    ),
                    "urgent_by_grid": array(
                        record(
                            {
                                "id": integer("The grid."),
                                "name": string("Its name."),
                                "open_urgent": integer("Open urgent needs.", minimum=1),
                            },
                            "One grid.",
                        ),
                        "The grids of its area with open urgent needs.",
                    ),
                    "top_givers": array(
                        record(
                            {
                                "display_name": string("The giver's name."),
                                "quantity": integer("Given.", minimum=0),
                                "handovers": _count,
                            },
                            "One giver.",
                        ),
                        "The biggest givers, only those who chose to be named.",
                    ),
                },
                "The figures, as GET /api/v1/aid/campaigns/<id>/ gives them.",
            ),
        }
    ),
    "The whole dashboard; apply it only if its version is newer than the one shown.",
)
declare_event(
    CAMPAIGN_STREAM,
    "error",
    error_fields(["read_only", "invalid_message"]),
    "A message from the client was refused; the stream goes on.",
)

# What mutual aid tells a resident on their own stream (/ws/me/).
_match = {
    "reason": string("Why it fits, in words for the user (same community, distance…)."),
    "category": string("The kind of help, by name."),
    "quantity": integer("How much.", minimum=1),
}
declare_me_event(
    "aid.need_for_you",
    "A new need that the user's open offers could meet.",
    {"need_id": integer("The need."), **_match},
)
declare_me_event(
    "aid.offer_for_you",
    "A new offer that fits the user's open needs, or one directed to the user.",
    {"offer_id": integer("The offer."), **_match},
)
_claim = {
    "claim_id": integer("The claim."),
    "offer_id": integer("Its offer."),
    "quantity": integer("The quantity claimed.", minimum=1),
}
for _type, _description in (
    ("aid.claim_requested", "Someone asked for part of the user's offer."),
    ("aid.claim_accepted", "The giver accepted the user's claim."),
    ("aid.claim_declined", "The giver declined the user's claim."),
    ("aid.claim_cancelled", "The other party cancelled a claim."),
    ("aid.handed_over", "A claim was handed over (both parties hear it)."),
    (
        "aid.handover_code_locked",
        "A claim's handover code was locked after 5 wrong tries (both parties and the "
        "grid worker hear it); the receiver can issue a new one.",
    ),
    ("aid.handover_code_renewed", "The receiver issued a new handover code (the giver hears it)."),
):
    declare_me_event(_type, _description, _claim)
declare_me_event(
    "aid.help_coming",
    "A neighbour will give the user part of what their need lacks: the help is agreed "
    "already; the user shows the handover code when they meet.",
    {
        **_claim,
        "need_id": integer("The user's need."),
        "by": string("The giver's display name."),
        "category": string("The kind of help, by name."),
        "unit": string("Its unit (个, 盒, 次…)."),
    },
)
declare_me_event(
    "aid.message",
    "The other party of a claim wrote.",
    {
        "claim_id": integer("The claim."),
        "by": string("The writer's display name."),
        "excerpt": string("The message's first 60 characters.", maxLength=60),
    },
)


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

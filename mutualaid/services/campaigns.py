"""Campaigns (口罩援助, 爱心义卖): created, changed and closed by the community's cadres.

A campaign is a scope (an area, kinds of help, a time window) and a target; its figures
are read from the handovers in that scope (see `selectors/campaigns.py`). Every change
that moves the dashboard bumps the campaign's version and nudges its live group after
commit.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Community, Grid
from mutualaid import permissions
from mutualaid.errors import CampaignClosed, CampaignInvalid, NotFound
from mutualaid.events import campaigns_touch
from mutualaid.models import Campaign, Category
from mutualaid.selectors import campaigns as selectors
from residents.models import User

MAX_TARGET = 10_000_000
MAX_DAYS = 366


def _title(value: str) -> str:
    title = (value or "").strip()
    if not 2 <= len(title) <= 60:
        raise CampaignInvalid(_("Give the campaign a name of 2 to 60 characters."))
    return title


def _description(value: str) -> str:
    description = (value or "").strip()
    if len(description) > 1000:
        raise CampaignInvalid(_("The description can be up to 1000 characters."))
    return description


def _categories(category_ids: list[int]) -> list[Category]:
    ids = set(category_ids or [])
    categories = list(Category.objects.filter(pk__in=ids, active=True))
    if not ids or len(categories) != len(ids):
        raise CampaignInvalid(_("Choose at least one of the listed kinds of help."))
    return categories


def _grids(community: Community, grid_ids: list[int]) -> list[Grid]:
    ids = set(grid_ids or [])
    grids = list(Grid.objects.filter(pk__in=ids, community=community))
    if len(grids) != len(ids):
        raise CampaignInvalid(_("Choose grids of this community only (or none for all of it)."))
    return grids


def _target(value: int | None, categories: list[Category]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_TARGET:
        raise CampaignInvalid(_("The target must be a whole number of at least 1, or left empty."))
    if len({c.unit for c in categories}) > 1:
        raise CampaignInvalid(
            _("A target counts one unit: choose kinds of help with the same unit, or no target.")
        )
    return value


def _window(starts_at: datetime | None, ends_at: datetime | None) -> tuple[datetime, datetime]:
    now = timezone.now()
    starts_at = starts_at or now
    if ends_at is None or ends_at <= starts_at:
        raise CampaignInvalid(_("The campaign must end after it starts."))
    if ends_at <= now:
        raise CampaignInvalid(_("The end date must be in the future."))
    if ends_at - starts_at > timedelta(days=MAX_DAYS):
        raise CampaignInvalid(_("A campaign runs for at most a year."))
    return starts_at, ends_at


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    community_id: int,
    title: str,
    category_ids: list[int],
    ends_at: datetime,
    starts_at: datetime | None = None,
    grid_ids: list[int] | None = None,
    description: str = "",
    target_quantity: int | None = None,
) -> Campaign:
    """A cadre starts a drive in their community: no grids chosen means all of it."""
    community = permissions.require_manage_campaigns(
        actor, Community.objects.filter(pk=community_id).first()
    )
    categories = _categories(category_ids)
    grids = _grids(community, grid_ids or [])
    starts_at, ends_at = _window(starts_at, ends_at)
    campaign = Campaign.objects.create(
        community=community,
        title=_title(title),
        description=_description(description),
        target_quantity=_target(target_quantity, categories),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
    )
    campaign.categories.set(categories)
    campaign.grids.set(grids)
    return campaign


def _locked_campaign(actor: User, campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise NotFound(_("This campaign is not in your community."))
    if not permissions.can_manage_campaigns(actor, campaign.community):
        permissions.require_view_campaign(actor, campaign)  # a stranger gets 404
        permissions.require_manage_campaigns(actor, campaign.community)
    if campaign.state != Campaign.State.ACTIVE:
        raise CampaignClosed()
    return campaign


UNCHANGED = object()


@transaction.atomic
def campaign_update(
    *,
    actor: User,
    campaign_id: int,
    title: str | None = None,
    description: str | None = None,
    category_ids: list[int] | None = None,
    grid_ids: list[int] | None = None,
    target_quantity: int | object | None = UNCHANGED,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Campaign:
    """Change a running campaign; what is not given stays (`target_quantity=None` removes
    the target). Its figures follow the new scope at once."""
    campaign = _locked_campaign(actor, campaign_id)
    if title is not None:
        campaign.title = _title(title)
    if description is not None:
        campaign.description = _description(description)
    categories = (
        _categories(category_ids) if category_ids is not None else list(campaign.categories.all())
    )
    target = campaign.target_quantity if target_quantity is UNCHANGED else target_quantity
    campaign.target_quantity = _target(target, categories)
    if starts_at is not None or ends_at is not None:
        campaign.starts_at, campaign.ends_at = _window(
            starts_at or campaign.starts_at, ends_at or campaign.ends_at
        )
    campaign.save(update_fields=["title", "description", "target_quantity", "starts_at", "ends_at"])
    if category_ids is not None:
        campaign.categories.set(categories)
    if grid_ids is not None:
        campaign.grids.set(_grids(campaign.community, grid_ids))
    campaigns_touch([campaign.pk])
    return campaign


@transaction.atomic
def campaign_close(*, actor: User, campaign_id: int) -> Campaign:
    """End a campaign now: its figures stop counting from this moment and stay as they are."""
    campaign = _locked_campaign(actor, campaign_id)
    campaign.state = Campaign.State.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["state", "closed_at"])
    campaigns_touch([campaign.pk])
    return campaign


def campaign_for_post(
    *, campaign_id: int | None, grid: Grid, category: Category
) -> Campaign | None:
    """The campaign a resident attaches their need or offer to: it must be running, cover
    their grid and include this kind of help."""
    if campaign_id is None:
        return None
    campaign = (
        selectors.campaigns_open_for(grid=grid, category_id=category.pk)
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise CampaignInvalid(
            _("That campaign is not running here for this kind of help; post without it.")
        )
    return campaign


def campaigns_touch_for(*, grid_id: int, category_id: int) -> None:
    """A handover or an urgent need changed in this grid and kind: the dashboards of the
    campaigns covering it look again."""
    campaigns_touch(
        selectors.campaigns_covering(grid_id=grid_id, category_id=category_id, at=timezone.now())
    )

"""The activity or community an API request names, or the refusal the person should see."""

from activities import permissions, selectors
from activities.models import Activity
from activities.serializers import (
    ActivitySerializer,
)
from grids.models import Community
from grids.permissions import require_community
from grids.selectors.places import community_by_id


def activity_visible(request, activity_id: int) -> Activity:
    return permissions.require_view(
        request.user, selectors.activity_detail(activity_id=activity_id)
    )


def activity_run(request, activity_id: int) -> Activity:
    return permissions.require_run(request.user, selectors.activity_detail(activity_id=activity_id))


def community_or_404(community_id: int) -> Community:
    return require_community(community_by_id(community_id))


def activity_detail_data(activity_id: int) -> dict:
    return ActivitySerializer(selectors.activity_detail(activity_id=activity_id)).data

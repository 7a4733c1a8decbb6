"""The activity or community an API request names, or the refusal the person should see."""

from django.utils.translation import gettext as _

from activities import permissions, selectors
from activities.errors import NotFound
from activities.models import Activity
from activities.serializers import (
    ActivitySerializer,
)
from grids.models import Community


def activity_visible(request, activity_id: int) -> Activity:
    return permissions.require_view(
        request.user, selectors.activity_detail(activity_id=activity_id)
    )


def activity_run(request, activity_id: int) -> Activity:
    return permissions.require_run(request.user, selectors.activity_detail(activity_id=activity_id))


def community_or_404(community_id: int) -> Community:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound(_("No such community."))
    return community


def activity_detail_data(activity_id: int) -> dict:
    return ActivitySerializer(selectors.activity_detail(activity_id=activity_id)).data

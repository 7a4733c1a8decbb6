"""REST API of points (/api/v1/points/): parse → service/selector → serialize."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS, NewestFirstCursorPagination
from grids.models import Community
from grids.permissions import require_community
from grids.selectors.places import community_by_id, community_of
from points import permissions, selectors, services
from points.errors import NotFound
from points.serializers import (
    CollectSerializer,
    CorrectionSerializer,
    LeaderRowSerializer,
    PointsEntrySerializer,
    PointsSummarySerializer,
    PointsVisibilitySerializer,
    RedemptionSerializer,
    RewardCreateSerializer,
    RewardSerializer,
    RewardUpdateSerializer,
)


class PointsView(APIView):
    @extend_schema(responses={200: PointsSummarySerializer}, summary="My points and hours")
    def get(self, request):
        return Response(selectors.points_summary(request.user))

    @extend_schema(
        request=PointsVisibilitySerializer,
        responses={200: PointsSummarySerializer},
        summary="Show or hide my name on the leaderboard",
    )
    def patch(self, request):
        data = PointsVisibilitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.points_visibility_set(user=request.user, public=data.validated_data["public"])
        return Response(selectors.points_summary(request.user))


class PointsEntriesView(APIView):
    pagination_class = NewestFirstCursorPagination  # documents the page object in the schema

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str)],
        responses={200: PointsEntrySerializer(many=True)},
        summary="My points history, newest first",
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.points_history(request.user), request, view=self
        )
        return paginator.get_paginated_response(PointsEntrySerializer(page, many=True).data)


class PointsCorrectView(APIView):
    @extend_schema(
        request=CorrectionSerializer,
        responses={201: PointsEntrySerializer, **ERRORS},
        summary="Reverse a wrong entry with an opposite one (community cadres)",
    )
    def post(self, request, entry_id: int):
        data = CorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.points_correct(
            actor=request.user,
            community=_community(data.validated_data["community"]),
            entry_id=entry_id,
            reason=data.validated_data["reason"],
        )
        return Response(PointsEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


def _community(community_id: int) -> Community:
    return require_community(community_by_id(community_id))


def _community_param(request) -> Community:
    value = request.query_params.get("community", "")
    if value:
        if not value.isdecimal() or len(value) > 18:
            raise ValidationError({"community": [_("A community id.")]})
        community = _community(int(value))
    else:
        community = community_of(request.user)
        if community is None:
            raise NotFound(_("Join your grid first to see your community's rewards."))
    if not permissions.in_community(request.user, community.pk):
        raise NotFound(_("No such community."))
    return community


COMMUNITY_PARAM = [OpenApiParameter("community", int, description="Default: my community")]


class RewardsView(APIView):
    @extend_schema(
        parameters=COMMUNITY_PARAM,
        responses={200: RewardSerializer(many=True), **ERRORS},
        summary="Rewards points can be spent on",
    )
    def get(self, request):
        community = _community_param(request)
        rewards = selectors.rewards_for(
            community_id=community.pk,
            include_inactive=permissions.can_manage_rewards(request.user, community),
        )
        return Response(RewardSerializer(rewards, many=True).data)

    @extend_schema(
        request=RewardCreateSerializer,
        responses={201: RewardSerializer, **ERRORS},
        summary="List a reward (community cadres)",
    )
    def post(self, request):
        data = RewardCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reward = services.reward_create(
            actor=request.user, community=_community(values.pop("community")), **values
        )
        return Response(RewardSerializer(reward).data, status=status.HTTP_201_CREATED)


class RewardDetailView(APIView):
    @extend_schema(
        request=RewardUpdateSerializer,
        responses={200: RewardSerializer, **ERRORS},
        summary="Change a reward's stock or take it off offer (community cadres)",
    )
    def patch(self, request, reward_id: int):
        data = RewardUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reward = services.reward_update(
            actor=request.user, reward_id=reward_id, **data.validated_data
        )
        return Response(RewardSerializer(reward).data)


class RedeemView(APIView):
    @extend_schema(
        request=None,
        responses={201: RedemptionSerializer, **ERRORS},
        summary="Spend points on a reward; show the code when collecting it",
    )
    def post(self, request, reward_id: int):
        redemption = services.reward_redeem(actor=request.user, reward_id=reward_id)
        return Response(RedemptionSerializer(redemption).data, status=status.HTTP_201_CREATED)


class RedemptionsView(APIView):
    @extend_schema(responses={200: RedemptionSerializer(many=True)}, summary="My rewards")
    def get(self, request):
        return Response(
            RedemptionSerializer(selectors.redemptions_of(request.user)[:100], many=True).data
        )


class CollectView(APIView):
    @extend_schema(
        request=CollectSerializer,
        responses={200: RedemptionSerializer, **ERRORS},
        summary="Hand a reward over against its code (community cadres)",
    )
    def post(self, request):
        data = CollectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        redemption = services.redemption_collect(
            actor=request.user,
            community=_community(data.validated_data["community"]),
            code=data.validated_data["code"],
        )
        return Response(RedemptionSerializer(redemption).data)


class LeaderboardView(APIView):
    @extend_schema(
        parameters=COMMUNITY_PARAM,
        responses={200: LeaderRowSerializer(many=True), **ERRORS},
        summary="Who earned most; names only of those who chose to be named",
    )
    def get(self, request):
        community = _community_param(request)
        return Response(selectors.leaderboard(community_id=community.pk))

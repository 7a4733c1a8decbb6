"""REST API for grid staff keeping a board civil, and for members muting each other."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS, NewestFirstCursorPagination
from grids import permissions
from grids.models import ModerationAction
from grids.selectors import board as selectors
from grids.selectors.places import grid_by_id, grid_from_param, grids_managed_by
from grids.serializers.board import (
    ModerationActionSerializer,
    ModerationDecisionSerializer,
    ReviewItemSerializer,
)
from grids.services import moderation
from residents.models import User


class ReviewQueueView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("grid", int, required=False)],
        responses={200: ReviewItemSerializer(many=True), **ERRORS},
        summary="Reported posts and comments in the grids I serve",
    )
    def get(self, request):
        managed = _managed_grid_ids(request.user, request.query_params.get("grid"))
        return Response(ReviewItemSerializer(selectors.review_queue(grids=managed), many=True).data)


def _managed_grid_ids(user: User, grid_param: str | None) -> list[int]:
    if grid_param:
        return [permissions.require_manage_grid(user, grid_from_param(grid_param)).pk]
    return list(grids_managed_by(user).values_list("pk", flat=True))


DECISION = inline_serializer(
    "ModerationDecisionInput",
    {
        "post": serializers.IntegerField(),
        "comment": serializers.IntegerField(required=False, allow_null=True),
        "action": serializers.ChoiceField(choices=["hide", "restore", "warn"]),
        "reason": serializers.CharField(required=False, allow_blank=True),
    },
)


class ModerationDecisionView(APIView):
    @extend_schema(
        request=DECISION,
        responses={201: ModerationActionSerializer, **ERRORS},
        summary="Hide, restore or warn (grid staff)",
    )
    def post(self, request):
        data = ModerationDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            post_id = int(request.data.get("post"))
            comment_id = request.data.get("comment")
            comment_id = int(comment_id) if comment_id not in (None, "") else None
        except (TypeError, ValueError):
            raise ValidationError({"post": [_("Which post? Give its id.")]}) from None
        action = moderation.moderation_decide(
            actor=request.user, post_id=post_id, comment_id=comment_id, **data.validated_data
        )
        return Response(ModerationActionSerializer(action).data, status=status.HTTP_201_CREATED)


class ModerationLogView(APIView):
    pagination_class = NewestFirstCursorPagination  # documents the page object in the schema

    @extend_schema(
        responses={200: ModerationActionSerializer(many=True), **ERRORS},
        summary="Every moderation decision in a grid, newest first",
    )
    def get(self, request, grid_id: int):
        grid = permissions.require_manage_grid(request.user, grid_by_id(grid_id))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            ModerationAction.objects.filter(grid=grid).select_related("actor"), request, view=self
        )
        return paginator.get_paginated_response(ModerationActionSerializer(page, many=True).data)


class MuteView(APIView):
    @extend_schema(request=None, responses={204: None, **ERRORS}, summary="Mute a member")
    def put(self, request, user_id: int):
        moderation.mute_set(actor=request.user, user_id=user_id, muted=True)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None, **ERRORS}, summary="Unmute a member")
    def delete(self, request, user_id: int):
        moderation.mute_set(actor=request.user, user_id=user_id, muted=False)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""REST API of cadre notices: publish, read (and so mark read), unpin, withdraw,
supersede, read rates and who has not read."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS, NewestFirstCursorPagination
from grids import permissions
from grids.errors import OutOfScope
from grids.selectors import board as selectors
from grids.selectors.places import community_by_id, grid_from_param
from grids.serializers.board import (
    NoticeCreateSerializer,
    NoticeReceiptsSerializer,
    NoticeSerializer,
    NoticeSupersedeSerializer,
)
from grids.services import notices


class CommunityNoticesView(APIView):
    pagination_class = NewestFirstCursorPagination  # documents the page object in the schema

    @extend_schema(
        responses={200: NoticeSerializer(many=True), **ERRORS},
        summary="A community's notices, newest first (its cadres)",
    )
    def get(self, request, community_id: int):
        community = permissions.require_publish_notice(request.user, community_by_id(community_id))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.notices_for_community(community_id=community.pk).prefetch_related("grids"),
            request,
            view=self,
        )
        return paginator.get_paginated_response(NoticeSerializer(page, many=True).data)

    @extend_schema(
        request=NoticeCreateSerializer,
        responses={201: NoticeSerializer, **ERRORS},
        summary="Publish a notice to the community or chosen grids",
    )
    def post(self, request, community_id: int):
        community = permissions.require_publish_notice(request.user, community_by_id(community_id))
        data = NoticeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        notice = notices.notice_publish(
            actor=request.user,
            community=community,
            title=values["title"],
            body=values["body"],
            category=values["category"],
            grid_ids=values["grids"],
            pinned_until=values["pinned_until"],
        )
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class NoticeDetailView(APIView):
    @extend_schema(
        responses={200: NoticeSerializer, **ERRORS},
        summary="A notice; opening it marks it read",
    )
    def get(self, request, notice_id: int):
        notice = permissions.require_read_notice(request.user, selectors.notice_by_id(notice_id))
        notice.read_by_viewer = (
            notices.notice_read_mark(actor=request.user, notice_id=notice.pk) is not None
        )
        return Response(NoticeSerializer(notice).data)


class NoticeActionView(APIView):
    """unpin / withdraw / supersede: one URL each, one service each."""

    action = ""

    @extend_schema(request=NoticeSupersedeSerializer, responses={200: NoticeSerializer, **ERRORS})
    def post(self, request, notice_id: int):
        if self.action == "supersede":
            data = NoticeSupersedeSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            notice = notices.notice_supersede(
                actor=request.user,
                notice_id=notice_id,
                title=data.validated_data["title"],
                body=data.validated_data["body"],
                pinned_until=data.validated_data["pinned_until"],
            )
            return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)
        service = {"unpin": notices.notice_unpin, "withdraw": notices.notice_withdraw}
        notice = service[self.action](actor=request.user, notice_id=notice_id)
        return Response(NoticeSerializer(notice).data)


class NoticeReceiptsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "grid",
                int,
                required=False,
                description="Also list that grid's members who have not read",
            )
        ],
        responses={200: NoticeReceiptsSerializer, **ERRORS},
        summary="Read rate per grid; who has not read (cadres and the grid's worker)",
    )
    def get(self, request, notice_id: int):
        notice = selectors.notice_by_id(notice_id)
        grid_param = request.query_params.get("grid")
        if grid_param is None:
            notice = permissions.require_read_notice(request.user, notice)
            permissions.require_publish_notice(request.user, notice.community)
            return Response(NoticeReceiptsSerializer(selectors.notice_read_rates(notice)).data)
        grid = grid_from_param(grid_param)
        if notice is None or grid is None:
            raise OutOfScope()
        unread = notices.notice_unread_list(actor=request.user, notice=notice, grid=grid)
        rates = selectors.notice_read_rates(notice)
        rates["grids"] = [r for r in rates["grids"] if r["grid"] == grid.pk]
        rates["unread"] = [
            {
                "user_id": m.user_id,
                "display_name": m.user.display_name,
                "phone": m.user.national_phone,
                "building": m.micro_grid.label,
                "unit": m.unit,
            }
            for m in unread
        ]
        return Response(NoticeReceiptsSerializer(rates).data)

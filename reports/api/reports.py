"""Reports over REST: categories, 随手拍 (with the duplicate offer), my reports, one report
with its timeline, every move (accept … rate), and the queues: a unit's, a grid worker's,
a community's open reports for its cadres."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS, ID_MAX, NewestFirstCursorPagination
from grids.models import Community
from grids.selectors.places import community_by_id
from reports import permissions, viewing
from reports.models import Category
from reports.selectors import reports as selectors
from reports.selectors.cards import queue_cards
from reports.serializers import (
    CloseSerializer,
    ContactSerializer,
    DuplicateSerializer,
    NoteSerializer,
    RateSerializer,
    ReasonSerializer,
    ReportCategorySerializer,
    ReportCreateSerializer,
    ReportDetailSerializer,
    ReportSerializer,
    ReportUnitSerializer,
    RerouteSerializer,
)
from reports.services import submitting


class NewestPagination(NewestFirstCursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20


class DeadlinePagination(NewestFirstCursorPagination):
    """Queues: the soonest deadline first."""

    ordering = ("close_due", "id")
    page_size = 20


def _page(view, request, queryset, serializer=ReportSerializer):
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    viewing.decorate(page, viewer=request.user)
    data = serializer(page, many=True, context={"viewer": request.user}).data
    return paginator.get_paginated_response(data)


def _body(serializer_class, request) -> dict:
    """Validated fields of a JSON, form or multipart body; files come from `photos`. A form
    stays a QueryDict, so an empty field means "not given" as in any HTML form."""
    names = serializer_class().fields
    if isinstance(request.data, QueryDict):
        data = QueryDict(mutable=True)
        for name in names:
            if name in request.data and name != "photos":
                data.setlist(name, request.data.getlist(name))
        if "photos" in names:
            data.setlist("photos", request.FILES.getlist("photos"))
    else:
        data = {name: request.data[name] for name in names if name in request.data}
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def report_data(request, report_id: int) -> dict:
    report = selectors.report_for_viewer(viewer=request.user, report_id=report_id)
    return ReportDetailSerializer(report, context={"viewer": request.user}).data


def _category(category_id: int) -> Category:
    category = selectors.category_active(category_id)
    if category is None:
        raise ValidationError({"category": [_("Choose what kind of problem this is.")]})
    return category


class CategoriesView(APIView):
    @extend_schema(
        responses={200: ReportCategorySerializer(many=True)}, summary="Kinds of problem (事件类型)"
    )
    def get(self, request):
        categories = selectors.categories_active()
        return Response(ReportCategorySerializer(categories, many=True).data)


class ReportsView(APIView):
    pagination_class = NewestPagination

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str)],
        responses={200: ReportSerializer(many=True), **ERRORS},
        summary="What I reported or said +1 to, newest first",
    )
    def get(self, request):
        return _page(self, request, selectors.reports_of(request.user))

    @extend_schema(
        request={
            "multipart/form-data": ReportCreateSerializer,
            "application/json": ReportCreateSerializer,
        },
        responses={
            201: ReportDetailSerializer,
            **ERRORS,
            409: OpenApiResponse(
                DuplicateSerializer,
                description="`report_duplicate`: similar open reports (`report_ids`); +1 one "
                "of them, or send again with `not_duplicate`",
            ),
        },
        summary="Report a problem (随手拍): photos in `photos`, at most 4",
    )
    def post(self, request):
        values = _body(ReportCreateSerializer, request)
        place = submitting.place_resolve(
            actor=request.user,
            grid_id=values["grid"],
            micro_grid_id=values["micro_grid"],
            latitude=values["latitude"],
            longitude=values["longitude"],
            address=values["address"],
        )
        report = submitting.report_create(
            actor=request.user,
            category=_category(values["category"]),
            place=place,
            description=values["description"],
            photos=values["photos"],
            public=values["public"],
            contact_ok=values["contact_ok"],
            not_duplicate=values["not_duplicate"],
        )
        return Response(report_data(request, report.pk), status=status.HTTP_201_CREATED)


class SimilarQuery(serializers.Serializer):
    category = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    micro_grid = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )
    address = serializers.CharField(max_length=120, required=False, allow_blank=True)


class SimilarView(APIView):
    @extend_schema(
        parameters=[SimilarQuery],
        responses={200: ReportSerializer(many=True), **ERRORS},
        summary="Open reports that are probably the same problem (ask before sending)",
    )
    def get(self, request):
        query = SimilarQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        place = submitting.place_resolve(
            actor=request.user,
            micro_grid_id=values.get("micro_grid"),
            latitude=values.get("latitude"),
            longitude=values.get("longitude"),
            address=values.get("address", "") or "-",
        )
        found = submitting.similar_open(
            actor=request.user, category=_category(values["category"]), place=place
        )
        viewing.decorate(found, viewer=request.user)
        return Response(ReportSerializer(found, many=True, context={"viewer": request.user}).data)


class ReportDetailView(APIView):
    @extend_schema(
        responses={200: ReportDetailSerializer, **ERRORS},
        summary="One report with its photos and timeline",
    )
    def get(self, request, report_id: int):
        return Response(report_data(request, report_id))


def _move_view(name: str, body, summary: str):
    """One POST endpoint per move: validate the body, make the move (viewing.report_move),
    answer with the report as the caller now sees it."""

    class MoveView(APIView):
        @extend_schema(
            request=body, responses={200: ReportDetailSerializer, **ERRORS}, summary=summary
        )
        def post(self, request, report_id: int):
            values = _body(body, request) if body is not None else {}
            viewing.report_move(name, actor=request.user, report_id=report_id, values=values)
            return Response(report_data(request, report_id))

    MoveView.__name__ = f"Report{name.title()}View"
    MoveView.__qualname__ = MoveView.__name__
    return MoveView


# The API's body and summary of each move in viewing.MOVE_SERVICES.
MOVE_BODIES = {
    "follow": (None, "我也遇到了 +1: hear every update"),
    "accept": (None, "Accept (已受理) — unit staff"),
    "progress": (NoteSerializer, "Post a progress note (处理中) — unit staff"),
    "close": (CloseSerializer, "Mark done (已办结) with a note and result photos — unit staff"),
    "return": (ReasonSerializer, "Return it (退回) with a reason — unit staff"),
    "reroute": (RerouteSerializer, "Pass it on (流转) — cadres and the grid worker"),
    "confirm": (None, "Confirm it is fixed — the reporter"),
    "reopen": (ReasonSerializer, "Not fixed: send it back (重新处理) — the reporter"),
    "withdraw": (None, "Withdraw before it is accepted — the reporter"),
    "rate": (RateSerializer, "Rate the result (满意度 1–5) — the reporter"),
}
MOVE_VIEWS = {name: _move_view(name, *MOVE_BODIES[name]) for name in viewing.MOVE_SERVICES}


class ContactView(APIView):
    @extend_schema(
        responses={200: ContactSerializer, **ERRORS},
        summary="The reporter's phone, if they allowed it (handling unit; access-logged)",
    )
    def get(self, request, report_id: int):
        report = selectors.report_for_viewer(viewer=request.user, report_id=report_id)
        return Response({"phone": selectors.report_contact(viewer=request.user, report=report)})


QUEUE = {200: ReportSerializer(many=True), **ERRORS}


class UnitQueueView(APIView):
    pagination_class = DeadlinePagination

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str)],
        responses=QUEUE,
        summary="A unit's open reports, soonest deadline first — its staff",
    )
    def get(self, request, unit_id: int):
        if not permissions.is_unit_staff(request.user, unit_id):  # else: no unit read
            permissions.require_unit_staff(request.user, selectors.unit_by_id(unit_id))
        return _page(self, request, queue_cards(scope="unit", target_id=unit_id))


class HandlingView(APIView):
    pagination_class = DeadlinePagination

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str)],
        responses=QUEUE,
        summary="Reports I handle myself as grid worker (no unit matched), soonest first",
    )
    def get(self, request):
        return _page(self, request, queue_cards(scope="handler", target_id=request.user.pk))


def _community(request, community_id: int) -> Community:
    return permissions.require_manage_community(request.user, community_by_id(community_id))


class CommunityOpenView(APIView):
    pagination_class = DeadlinePagination

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str)],
        responses=QUEUE,
        summary="A community's open reports, soonest deadline first — its cadres",
    )
    def get(self, request, community_id: int):
        community = _community(request, community_id)
        return _page(self, request, queue_cards(scope="community", target_id=community.pk))


class CommunityUnitsView(APIView):
    @extend_schema(
        responses={200: ReportUnitSerializer(many=True), **ERRORS},
        summary="Units serving a community (where a report can be passed on to)",
    )
    def get(self, request, community_id: int):
        community = _community(request, community_id)
        units = selectors.units_serving(community.pk)
        return Response(ReportUnitSerializer(units, many=True).data)

"""Activities API: list, publish, read, edit, copy, cancel; the calendar feed."""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import calendar, selectors
from activities.api.lookups import (
    activity_detail_data,
    activity_visible,
    community_or_404,
)
from activities.models import Activity
from activities.serializers import (
    ActivityCreateSerializer,
    ActivityListSerializer,
    ActivitySerializer,
    ActivityUpdateSerializer,
    CalendarFeedSerializer,
    CancelSerializer,
    CopySerializer,
)
from activities.services import publishing
from activities.services.shifts import ShiftSpec
from core.api import ERRORS
from core.dates import DATE_BOUNDS
from residents.models import AgeBand


class SoonestFirstPagination(CursorPagination):
    ordering = ("starts_at", "id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices)
    age_band = django_filters.ChoiceFilter(choices=AgeBand.choices)
    date_from = django_filters.DateFilter(validators=DATE_BOUNDS)
    date_to = django_filters.DateFilter(validators=DATE_BOUNDS)


LIST_PARAMS = [
    OpenApiParameter("kind", str, enum=Activity.Kind.values),
    OpenApiParameter("age_band", str, enum=AgeBand.values, description="Who may join"),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
    OpenApiParameter("cursor", str),
]


class ActivitiesView(APIView):
    pagination_class = SoonestFirstPagination  # documents the page object in the schema

    @extend_schema(
        parameters=LIST_PARAMS,
        responses={200: ActivityListSerializer(many=True), **ERRORS},
        summary="Upcoming activities I may see, soonest first",
    )
    def get(self, request):
        filters = ActivityFilter(request.query_params, queryset=Activity.objects.none())
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        values = filters.form.cleaned_data
        activities = selectors.activities_upcoming(
            viewer=request.user,
            kind=values.get("kind") or None,
            age_band=values.get("age_band") or None,
            day_from=values.get("date_from"),
            day_to=values.get("date_to"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(activities, request, view=self)
        return paginator.get_paginated_response(ActivityListSerializer(page, many=True).data)

    @extend_schema(
        request=ActivityCreateSerializer,
        responses={201: ActivitySerializer, **ERRORS},
        summary="Publish an activity (cadres and volunteer leads)",
    )
    def post(self, request):
        data = ActivityCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        shifts = [ShiftSpec(**s) for s in values.pop("shifts")]
        activity = publishing.activity_create(
            actor=request.user,
            community=community_or_404(values.pop("community")),
            grid_ids=values.pop("grids"),
            shifts=shifts,
            **values,
        )
        return Response(activity_detail_data(activity.pk), status=status.HTTP_201_CREATED)


class ActivityDetailView(APIView):
    @extend_schema(responses={200: ActivitySerializer, **ERRORS}, summary="An activity")
    def get(self, request, activity_id: int):
        return Response(ActivitySerializer(activity_visible(request, activity_id)).data)

    @extend_schema(
        request=ActivityUpdateSerializer,
        responses={200: ActivitySerializer, **ERRORS},
        summary="Change an activity's title, description or place",
    )
    def patch(self, request, activity_id: int):
        activity_visible(request, activity_id)
        data = ActivityUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        publishing.activity_update(
            actor=request.user, activity_id=activity_id, **data.validated_data
        )
        return Response(activity_detail_data(activity_id))


class ActivityCancelView(APIView):
    @extend_schema(
        request=CancelSerializer,
        responses={200: ActivitySerializer, **ERRORS},
        summary="Cancel an activity (everyone signed up is told)",
    )
    def post(self, request, activity_id: int):
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publishing.activity_cancel(
            actor=request.user, activity_id=activity_id, reason=data.validated_data["reason"]
        )
        return Response(activity_detail_data(activity_id))


class ActivityCopyView(APIView):
    @extend_schema(
        request=CopySerializer,
        responses={201: ActivitySerializer, **ERRORS},
        summary="The same activity again at a new time",
    )
    def post(self, request, activity_id: int):
        data = CopySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy = publishing.activity_copy(
            actor=request.user, activity_id=activity_id, starts_at=data.validated_data["starts_at"]
        )
        return Response(activity_detail_data(copy.pk), status=status.HTTP_201_CREATED)


class CalendarFeedView(APIView):
    @extend_schema(
        responses={200: CalendarFeedSerializer},
        summary="The address of my personal calendar feed (.ics) for a calendar app",
    )
    def get(self, request):
        token = calendar.feed_token(request.user.pk)
        return Response({"url": request.build_absolute_uri(f"/activities/calendar/{token}.ics")})

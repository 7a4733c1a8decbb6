"""REST API of activities (/api/v1/activities/): parse → service/selector → serialize."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import calendar, permissions, selectors, services
from activities.errors import ActivityInvalid, NotFound
from activities.models import Activity
from activities.serializers import (
    ActivityCreateSerializer,
    ActivityListSerializer,
    ActivitySerializer,
    ActivityUpdateSerializer,
    AttendanceSerializer,
    AttendanceSummarySerializer,
    AttendeeSerializer,
    CalendarFeedSerializer,
    CancelSerializer,
    CheckInCodeSerializer,
    CheckInSerializer,
    CopySerializer,
    HouseholdMemberSerializer,
    MessageSerializer,
    SignUpCreateSerializer,
    SignUpSerializer,
)
from core.api import ERRORS
from grids.models import Community
from residents.models import AgeBand
from residents.services import household_member_add


class SoonestFirstPagination(CursorPagination):
    ordering = ("starts_at", "id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices)
    age_band = django_filters.ChoiceFilter(choices=AgeBand.choices)
    date_from = django_filters.DateFilter()
    date_to = django_filters.DateFilter()


LIST_PARAMS = [
    OpenApiParameter("kind", str, enum=Activity.Kind.values),
    OpenApiParameter("age_band", str, enum=AgeBand.values, description="Who may join"),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
    OpenApiParameter("cursor", str),
]


def _visible(request, activity_id: int) -> Activity:
    return permissions.require_view(
        request.user, selectors.activity_detail(activity_id=activity_id)
    )


def _run(request, activity_id: int) -> Activity:
    return permissions.require_run(request.user, selectors.activity_detail(activity_id=activity_id))


def _community(community_id: int) -> Community:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound(_("No such community."))
    return community


def _detail(activity_id: int) -> dict:
    return ActivitySerializer(selectors.activity_detail(activity_id=activity_id)).data


class ActivitiesView(APIView):
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
        paginator = SoonestFirstPagination()
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
        shifts = [services.ShiftSpec(**s) for s in values.pop("shifts")]
        activity = services.activity_create(
            actor=request.user,
            community=_community(values.pop("community")),
            grid_ids=values.pop("grids"),
            shifts=shifts,
            **values,
        )
        return Response(_detail(activity.pk), status=status.HTTP_201_CREATED)


class ActivityDetailView(APIView):
    @extend_schema(responses={200: ActivitySerializer, **ERRORS}, summary="An activity")
    def get(self, request, activity_id: int):
        return Response(ActivitySerializer(_visible(request, activity_id)).data)

    @extend_schema(
        request=ActivityUpdateSerializer,
        responses={200: ActivitySerializer, **ERRORS},
        summary="Change an activity's title, description or place",
    )
    def patch(self, request, activity_id: int):
        _visible(request, activity_id)
        data = ActivityUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.activity_update(actor=request.user, activity_id=activity_id, **data.validated_data)
        return Response(_detail(activity_id))


class ActivityCancelView(APIView):
    @extend_schema(
        request=CancelSerializer,
        responses={200: ActivitySerializer, **ERRORS},
        summary="Cancel an activity (everyone signed up is told)",
    )
    def post(self, request, activity_id: int):
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.activity_cancel(
            actor=request.user, activity_id=activity_id, reason=data.validated_data["reason"]
        )
        return Response(_detail(activity_id))


class ActivityCopyView(APIView):
    @extend_schema(
        request=CopySerializer,
        responses={201: ActivitySerializer, **ERRORS},
        summary="The same activity again at a new time",
    )
    def post(self, request, activity_id: int):
        data = CopySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy = services.activity_copy(
            actor=request.user, activity_id=activity_id, starts_at=data.validated_data["starts_at"]
        )
        return Response(_detail(copy.pk), status=status.HTTP_201_CREATED)


class SignUpsView(APIView):
    @extend_schema(
        request=SignUpCreateSerializer,
        responses={201: SignUpSerializer, **ERRORS},
        summary="Sign up (myself or a household member); confirmed or waitlisted",
    )
    def post(self, request, activity_id: int):
        activity = _visible(request, activity_id)
        data = SignUpCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        slot_id = values.get("slot")
        if slot_id is None:
            slots = list(activity.slots.all())
            if len(slots) != 1:
                raise ActivityInvalid(_("Choose a shift."), code="shift_required")
            slot_id = slots[0].pk
        elif not activity.slots.filter(pk=slot_id).exists():
            raise NotFound(_("No such shift in this activity."))
        signup = services.signup_create(
            actor=request.user,
            slot_id=slot_id,
            member_id=values["member"],
            age_band=values["age_band"],
        )
        return Response(SignUpSerializer(signup).data, status=status.HTTP_201_CREATED)


class MySignUpsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("activity", int)],
        responses={200: SignUpSerializer(many=True)},
        summary="My sign-ups (and my household's), by time",
    )
    def get(self, request):
        activity = request.query_params.get("activity", "")
        activity_id = int(activity) if activity.isdecimal() and len(activity) < 18 else None
        signups = selectors.my_signups(user=request.user, activity_id=activity_id)[:200]
        return Response(SignUpSerializer(signups, many=True).data)


class SignUpCancelView(APIView):
    @extend_schema(
        request=None,
        responses={200: SignUpSerializer, **ERRORS},
        summary="Cancel a sign-up (the first on the waitlist moves up)",
    )
    def post(self, request, signup_id: int):
        signup = services.signup_cancel(actor=request.user, signup_id=signup_id)
        return Response(SignUpSerializer(signup).data)


class AttendeesView(APIView):
    @extend_schema(
        responses={200: AttendeeSerializer(many=True), **ERRORS},
        summary="Everyone signed up, with status (organisers)",
    )
    def get(self, request, activity_id: int):
        activity = _run(request, activity_id)
        return Response(AttendeeSerializer(selectors.attendees(activity=activity), many=True).data)


class AttendanceSummaryView(APIView):
    @extend_schema(
        responses={200: AttendanceSummarySerializer, **ERRORS},
        summary="Attendance figures and rate (organisers)",
    )
    def get(self, request, activity_id: int):
        activity = _run(request, activity_id)
        return Response(selectors.attendance_summary(activity=activity))


class AttendanceView(APIView):
    @extend_schema(
        request=AttendanceSerializer,
        responses={200: AttendeeSerializer, **ERRORS},
        summary="Tick a name as attended, or mark a no-show (organisers)",
    )
    def post(self, request, signup_id: int):
        data = AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup = services.attendance_mark(
            actor=request.user, signup_id=signup_id, attended=data.validated_data["attended"]
        )
        return Response(AttendeeSerializer(signup).data)


class AttendanceCloseView(APIView):
    @extend_schema(
        request=None,
        responses={200: AttendanceSummarySerializer, **ERRORS},
        summary="After the end: whoever did not check in is a no-show",
    )
    def post(self, request, activity_id: int):
        services.attendance_close(actor=request.user, activity_id=activity_id)
        activity = _run(request, activity_id)
        return Response(selectors.attendance_summary(activity=activity))


class MessageView(APIView):
    @extend_schema(
        request=MessageSerializer,
        responses={200: AttendanceSummarySerializer, **ERRORS},
        summary="Message everyone signed up (organisers)",
    )
    def post(self, request, activity_id: int):
        data = MessageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.attendees_message(
            actor=request.user, activity_id=activity_id, body=data.validated_data["body"]
        )
        return Response(selectors.attendance_summary(activity=_run(request, activity_id)))


class CheckInCodeView(APIView):
    @extend_schema(
        responses={200: CheckInCodeSerializer, **ERRORS},
        summary="The current check-in code for the rotating QR (organisers)",
    )
    def get(self, request, activity_id: int):
        activity = _run(request, activity_id)
        code = services.checkin_code(activity)
        url = request.build_absolute_uri(f"/activities/{activity.pk}/check-in/?code={code}")
        return Response(
            {"code": code, "url": url, "valid_seconds": services.CHECKIN_WINDOW_SECONDS}
        )


class CheckInView(APIView):
    @extend_schema(
        request=CheckInSerializer,
        responses={200: SignUpSerializer(many=True), **ERRORS},
        summary="Check in with the code from the organiser's QR",
    )
    def post(self, request, activity_id: int):
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signups = services.checkin_by_code(
            actor=request.user, activity_id=activity_id, code=data.validated_data["code"]
        )
        return Response(SignUpSerializer(signups, many=True).data)


class HouseholdView(APIView):
    @extend_schema(
        responses={200: HouseholdMemberSerializer(many=True)},
        summary="People I sign up for (children, elderly parents)",
    )
    def get(self, request):
        return Response(
            HouseholdMemberSerializer(selectors.household_of(request.user), many=True).data
        )

    @extend_schema(
        request=HouseholdMemberSerializer,
        responses={201: HouseholdMemberSerializer, **ERRORS},
        summary="Remember a household member (a name and an age band, nothing more)",
    )
    def post(self, request):
        data = HouseholdMemberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = household_member_add(owner=request.user, **data.validated_data)
        return Response(HouseholdMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class CalendarFeedView(APIView):
    @extend_schema(
        responses={200: CalendarFeedSerializer},
        summary="The address of my personal calendar feed (.ics) for a calendar app",
    )
    def get(self, request):
        token = calendar.feed_token(request.user.pk)
        return Response({"url": request.build_absolute_uri(f"/activities/calendar/{token}.ics")})

"""Attendance API for organisers: attendees, check-in codes and check-in, marks,
closing, messages."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import selectors
from activities.api.lookups import (
    activity_run,
)
from activities.serializers import (
    AttendanceSerializer,
    AttendanceSummarySerializer,
    AttendeeSerializer,
    CheckInCodeSerializer,
    CheckInSerializer,
    MessageSerializer,
    SignUpSerializer,
)
from activities.services import attendance
from core.api import ERRORS


class AttendeesView(APIView):
    @extend_schema(
        responses={200: AttendeeSerializer(many=True), **ERRORS},
        summary="Everyone signed up, with status (organisers)",
    )
    def get(self, request, activity_id: int):
        activity = activity_run(request, activity_id)
        return Response(AttendeeSerializer(selectors.attendees(activity=activity), many=True).data)


class AttendanceSummaryView(APIView):
    @extend_schema(
        responses={200: AttendanceSummarySerializer, **ERRORS},
        summary="Attendance figures and rate (organisers)",
    )
    def get(self, request, activity_id: int):
        activity = activity_run(request, activity_id)
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
        signup = attendance.attendance_mark(
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
        attendance.attendance_close(actor=request.user, activity_id=activity_id)
        activity = activity_run(request, activity_id)
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
        attendance.attendees_message(
            actor=request.user, activity_id=activity_id, body=data.validated_data["body"]
        )
        return Response(selectors.attendance_summary(activity=activity_run(request, activity_id)))


class CheckInCodeView(APIView):
    @extend_schema(
        responses={200: CheckInCodeSerializer, **ERRORS},
        summary="The current check-in code for the rotating QR (organisers)",
    )
    def get(self, request, activity_id: int):
        activity = activity_run(request, activity_id)
        code = attendance.checkin_code(activity)
        url = request.build_absolute_uri(f"/activities/{activity.pk}/check-in/?code={code}")
        return Response(
            {"code": code, "url": url, "valid_seconds": attendance.CHECKIN_WINDOW_SECONDS}
        )


class CheckInView(APIView):
    @extend_schema(
        request=CheckInSerializer,
        responses={200: SignUpSerializer(many=True), **ERRORS},
        summary="Check in with the code from the organiser's QR",
        description=(
            "`code`: the ten letters and digits of the QR (400 `checkin_code_invalid` for "
            "anything else). Wrong codes count per person and activity: the 5th locks "
            "check-in by code for that person (409 `checkin_locked`, even for the right "
            "code); the organiser ticks them instead. Already checked in: 409."
        ),
    )
    def post(self, request, activity_id: int):
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        checked_in = attendance.checkin_by_code(
            actor=request.user, activity_id=activity_id, code=data.validated_data["code"]
        )
        return Response(SignUpSerializer(checked_in, many=True).data)

"""Sign-ups API: sign up (for me or a household member), mine, cancel; my household."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import selectors
from activities.api.lookups import (
    activity_visible,
)
from activities.errors import ActivityInvalid, NotFound
from activities.serializers import (
    HouseholdMemberSerializer,
    SignUpCreateSerializer,
    SignUpSerializer,
)
from activities.services import signups
from core.api import ERRORS
from residents.services import household_member_add


class SignUpsView(APIView):
    @extend_schema(
        request=SignUpCreateSerializer,
        responses={201: SignUpSerializer, **ERRORS},
        summary="Sign up (myself or a household member); confirmed or waitlisted",
    )
    def post(self, request, activity_id: int):
        activity = activity_visible(request, activity_id)
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
        signup = signups.signup_create(
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
        mine = selectors.my_signups(user=request.user, activity_id=activity_id)[:200]
        return Response(SignUpSerializer(mine, many=True).data)


class SignUpCancelView(APIView):
    @extend_schema(
        request=None,
        responses={200: SignUpSerializer, **ERRORS},
        summary="Cancel a sign-up (the first on the waitlist moves up)",
    )
    def post(self, request, signup_id: int):
        signup = signups.signup_cancel(actor=request.user, signup_id=signup_id)
        return Response(SignUpSerializer(signup).data)


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

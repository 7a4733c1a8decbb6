"""REST API of family help (/api/v1/family/): parse → service/selector → serialize.

The API never acts for anyone (family.acting refuses it while acting); it is how an app
asks, confirms, agrees, ends and reads."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import NewestFirstCursorPagination
from core.throttles import JoinRateThrottle, WriteRateThrottle
from family import selectors
from family.serializers import (
    ActionSerializer,
    CodeSerializer,
    GrantSerializer,
    GrantsSerializer,
    RequestCreateSerializer,
    RequestSerializer,
    RequestsSerializer,
)
from family.services import asks, grants

TAG = ["family"]


class GrantsView(APIView):
    @extend_schema(
        tags=TAG,
        responses={200: GrantsSerializer},
        summary="Who may act for me, and for whom I may act",
    )
    def get(self, request):
        me = request.user
        given = [g for g in selectors.grants_given(me)[: selectors.LIST_MAX] if g.is_active]
        held = list(selectors.grants_held(me)[: selectors.LIST_MAX])
        return Response(GrantsSerializer({"given": given, "held": held}).data)


class GrantRevokeView(APIView):
    @extend_schema(
        tags=TAG,
        request=None,
        responses={200: GrantSerializer},
        summary="End a family help (the resident, the helper, or a cadre of their community)",
    )
    def post(self, request, grant_id: int):
        grant = grants.proxy_grant_revoke(actor=request.user, grant_id=grant_id)
        return Response(GrantSerializer(grant).data)


class RequestsView(APIView):
    throttle_classes = [WriteRateThrottle, JoinRateThrottle]

    def get_throttles(self):
        # Reading my asks costs nothing; asking (which texts a code) is slow.
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [WriteRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        tags=TAG, responses={200: RequestsSerializer}, summary="Open asks: to me, and mine"
    )
    def get(self, request):
        me = request.user
        return Response(
            RequestsSerializer(
                {
                    "to_me": list(selectors.requests_to_me(me)[: selectors.LIST_MAX]),
                    "by_me": list(selectors.requests_by_me(me)[: selectors.LIST_MAX]),
                }
            ).data
        )

    @extend_schema(
        tags=TAG,
        request=RequestCreateSerializer,
        responses={201: RequestSerializer},
        summary="Ask to act for a resident, by their phone number",
        description=(
            "A 6-digit code is texted to the number if it belongs to a resident. The answer is "
            "the same whether or not it does. Asking again for the same number within a minute "
            "sends nothing new; after that a new code replaces the old one."
        ),
    )
    def post(self, request):
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = asks.proxy_request_create(agent=request.user, phone=data.validated_data["phone"])
        return Response(RequestSerializer(made).data, status=status.HTTP_201_CREATED)


class RequestConfirmView(APIView):
    throttle_classes = [WriteRateThrottle, JoinRateThrottle]

    @extend_schema(
        tags=TAG,
        request=CodeSerializer,
        responses={201: GrantSerializer},
        summary="Confirm my ask with the code the resident received",
        description=(
            "400 `family_code_wrong` for a wrong or expired code; after 5 wrong codes the ask "
            "is locked: 409 `family_code_locked`. 409 `family_request_closed` once answered."
        ),
    )
    def post(self, request, request_id: int):
        data = CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = asks.proxy_request_confirm(
            agent=request.user, request_id=request_id, code=data.validated_data["code"]
        )
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)


class RequestApproveView(APIView):
    @extend_schema(
        tags=TAG,
        request=None,
        responses={201: GrantSerializer},
        summary="Agree to an ask: the resident themselves, or their grid worker in person",
    )
    def post(self, request, request_id: int):
        grant = asks.proxy_request_approve(actor=request.user, request_id=request_id)
        return Response(GrantSerializer(grant).data, status=status.HTTP_201_CREATED)


class RequestDeclineView(APIView):
    @extend_schema(
        tags=TAG,
        request=None,
        responses={200: RequestSerializer},
        summary="Turn an ask down (resident, grid worker) or withdraw my own",
    )
    def post(self, request, request_id: int):
        declined = asks.proxy_request_decline(actor=request.user, request_id=request_id)
        return Response(RequestSerializer(declined).data)


class ActionsView(APIView):
    pagination_class = NewestFirstCursorPagination

    @extend_schema(
        tags=TAG,
        parameters=[
            OpenApiParameter(
                "by_me",
                bool,
                description="true: what I did for others; otherwise what was done for me",
            ),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int, description="Up to 200 (default 50)"),
        ],
        responses={200: ActionSerializer(many=True)},
        summary="What was done in my name by family (or what I did for others), newest first",
    )
    def get(self, request):
        by_me = request.query_params.get("by_me", "") in ("true", "1")
        rows = (selectors.actions_by if by_me else selectors.actions_for)(request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            rows.select_related("agent", "principal"), request, view=self
        )
        return paginator.get_paginated_response(ActionSerializer(page, many=True).data)

"""Claims over REST: ask an offer, mine, one claim (with the contacts its viewer may see),
accept / decline / cancel / confirm, and the two parties' messages."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS
from mutualaid import permissions
from mutualaid.api.paging import NewestPagination
from mutualaid.selectors import claims as selectors
from mutualaid.serializers import (
    ClaimConfirmSerializer,
    ClaimCreateSerializer,
    ClaimMessageSerializer,
    ClaimSerializer,
)
from mutualaid.services import claims


def claim_data(request, claim_id: int) -> dict:
    claim = selectors.claim_with_parties(claim_id)
    claim = permissions.require_party(request.user, claim)
    contacts = selectors.claim_contacts(viewer=request.user, claims=[claim])
    context = {"viewer": request.user, "contacts": contacts}
    return ClaimSerializer(claim, context=context).data


class OfferClaimsView(APIView):
    @extend_schema(
        request=ClaimCreateSerializer,
        responses={201: ClaimSerializer, **ERRORS},
        summary="Ask an offer for a quantity (for one of my needs, optionally)",
    )
    def post(self, request, offer_id: int):
        data = ClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = claims.claim_request(
            actor=request.user,
            offer_id=offer_id,
            quantity=data.validated_data["quantity"],
            need_id=data.validated_data["need"],
        )
        return Response(claim_data(request, claim.pk), status=status.HTTP_201_CREATED)


class ClaimsView(APIView):
    pagination_class = NewestPagination  # documents the page object in the schema

    @extend_schema(responses={200: ClaimSerializer(many=True)}, summary="Claims I give or receive")
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.claims_of(request.user), request, view=self)
        contacts = selectors.claim_contacts(viewer=request.user, claims=list(page))
        context = {"viewer": request.user, "contacts": contacts}
        return paginator.get_paginated_response(
            ClaimSerializer(page, many=True, context=context).data
        )


class ClaimDetailView(APIView):
    @extend_schema(responses={200: ClaimSerializer, **ERRORS}, summary="One claim")
    def get(self, request, claim_id: int):
        return Response(claim_data(request, claim_id))


class ClaimActionView(APIView):
    """accept / decline / cancel / confirm: one URL each, one service each."""

    action = ""

    @extend_schema(
        request=ClaimConfirmSerializer,
        responses={200: ClaimSerializer, **ERRORS},
        description=(
            "`confirm` with `code` (the giver): six digits. Each wrong code counts; the 5th "
            "locks it (409 `handover_code_locked`, even for the right code) until the "
            "receiver issues a new one with `renew-code`."
        ),
    )
    def post(self, request, claim_id: int):
        if self.action == "confirm":
            data = ClaimConfirmSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            claims.claim_confirm(
                actor=request.user, claim_id=claim_id, code=data.validated_data["code"]
            )
        else:
            service = {
                "accept": claims.claim_accept,
                "decline": claims.claim_decline,
                "cancel": claims.claim_cancel,
            }[self.action]
            service(actor=request.user, claim_id=claim_id)
        return Response(claim_data(request, claim_id))


class ClaimCodeRenewView(APIView):
    @extend_schema(
        request=None,
        responses={200: ClaimSerializer, **ERRORS},
        summary="Issue a new handover code (the receiver; after 5 wrong tries lock it)",
        description=(
            "The old code stops working and the count of tries starts again. The giver "
            "hears `aid.handover_code_renewed` on their stream."
        ),
    )
    def post(self, request, claim_id: int):
        claims.claim_code_renew(actor=request.user, claim_id=claim_id)
        return Response(claim_data(request, claim_id))


class ClaimMessagesView(APIView):
    @extend_schema(
        responses={200: ClaimMessageSerializer(many=True), **ERRORS},
        summary="The two parties' messages",
        description=(
            "Only the giver and the receiver read their thread. Grid staff who oversee the "
            "claim (and may read its contacts, logged) get 404 here, as anyone else."
        ),
    )
    def get(self, request, claim_id: int):
        claim = permissions.require_own_claim(request.user, selectors.claim_with_parties(claim_id))
        return Response(ClaimMessageSerializer(selectors.claim_messages(claim), many=True).data)

    @extend_schema(
        request=ClaimMessageSerializer, responses={201: ClaimMessageSerializer, **ERRORS}
    )
    def post(self, request, claim_id: int):
        body = request.data.get("body", "")
        if not isinstance(body, str):
            raise ValidationError({"body": [_("Write a message of up to 500 characters.")]})
        message = claims.claim_message_add(actor=request.user, claim_id=claim_id, body=body)
        return Response(ClaimMessageSerializer(message).data, status=status.HTTP_201_CREATED)

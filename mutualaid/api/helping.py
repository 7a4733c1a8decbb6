"""Help in three taps over REST: what the "我来帮忙" and "我要" forms are prefilled with,
help straight from a need, and a board post asking for help turned into a need."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import DEFAULT_ERRORS
from mutualaid import permissions
from mutualaid.api.claims import claim_data
from mutualaid.forms import quantity_chips
from mutualaid.selectors import helping as prefills
from mutualaid.selectors import needs as selectors
from mutualaid.serializers import (
    ClaimPrefillSerializer,
    ClaimSerializer,
    HelpCreateSerializer,
    HelpPrefillSerializer,
    NeedSerializer,
    PostConvertSerializer,
)
from mutualaid.services import helping, needs

ERRORS = {code: DEFAULT_ERRORS[code] for code in (400, 403, 404)}
REFUSED = {409: DEFAULT_ERRORS[409]}


def _chips(prefill: int, cap: int) -> list[int]:
    return [c["value"] for c in quantity_chips(prefill=prefill, cap=cap)] if cap > 0 else []


class NeedHelpView(APIView):
    @extend_schema(
        responses={200: HelpPrefillSerializer, **ERRORS},
        summary="The 我来帮忙 form: what a need lacks and what I may give",
    )
    def get(self, request, need_id: int):
        need = permissions.require_visible_need(request.user, selectors.need_by_id(need_id))
        prefill = prefills.help_prefill(request.user, need)
        own = prefill["from_offer"]
        return Response(
            HelpPrefillSerializer(
                {
                    "lacking": max(need.remaining, 0),
                    "cap": max(prefill["cap"], 0),
                    "quantity": max(prefill["prefill"], 0),
                    "chips": _chips(prefill["prefill"], prefill["cap"]),
                    "from_offer": own.pk if own is not None else None,
                }
            ).data
        )

    @extend_schema(
        request=HelpCreateSerializer,
        responses={201: ClaimSerializer, **ERRORS, **REFUSED},
        summary="我来帮忙: give part of what a need lacks, agreed at once",
        description=(
            "Makes an accepted claim for the need: on the caller's open offer of its kind "
            "(the one with most left) when they have one, else on a new offer directed to "
            "the need. The asker hears `aid.help_coming` on their stream and in their "
            "messages; the handover then runs as for any claim (the asker's code). 409 "
            "`need_over_quantity` when it lacks less now, `claim_over_quantity` when the "
            "caller's offer has less left, `aid_state` when the need is met or closed."
        ),
    )
    def post(self, request, need_id: int):
        data = HelpCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = helping.need_help(
            actor=request.user,
            need_id=need_id,
            quantity=data.validated_data["quantity"],
            handover=data.validated_data["handover"],
        )
        return Response(claim_data(request, claim.pk), status=status.HTTP_201_CREATED)


class OfferClaimPrefillView(APIView):
    @extend_schema(
        responses={200: ClaimPrefillSerializer, **ERRORS},
        summary="The 我要 form: my matching need and the quantity to prefill",
    )
    def get(self, request, offer_id: int):
        offer = permissions.require_visible_offer(request.user, selectors.offer_by_id(offer_id))
        mine = selectors.open_needs_of(request.user, category_id=offer.category_id)
        if offer.for_need_id is not None:
            mine = [n for n in mine if n.pk == offer.for_need_id]
        prefill = prefills.claim_prefill(request.user, offer, mine)
        cap = max(prefill["cap"], 0)
        return Response(
            ClaimPrefillSerializer(
                {
                    "need": prefill["need"].pk if prefill["need"] else None,
                    "needs": [n.pk for n in mine],
                    "quantity": max(prefill["prefill"], 0),
                    "cap": cap,
                    "chips": _chips(prefill["prefill"], cap),
                }
            ).data
        )


class PostConvertView(APIView):
    @extend_schema(
        request=PostConvertSerializer,
        responses={
            201: NeedSerializer,
            400: OpenApiResponse(
                DEFAULT_ERRORS[400].response,
                description="Not my own bare request for help on the board, or neither the "
                "body nor the post's words name the kind and the number: `{code, detail}`",
            ),
            **{code: ERRORS[code] for code in (403, 404)},
        },
        summary="转为互助: my board post asking for help becomes a need (the same card)",
    )
    def post(self, request, post_id: int):
        data = PostConvertSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        need = needs.need_from_post(
            actor=request.user,
            post_id=post_id,
            category_id=data.validated_data["category"],
            quantity=data.validated_data["quantity"],
        )
        if need is None:
            raise ValidationError(
                {"category": [_("Say what you need and how many: the post does not say.")]}
            )
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)

"""Needs and offers over REST: the community's lists, ask, offer, one need or offer with its
matches, cancel, withdraw, and the grid staff's urgent needs."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS
from grids import permissions as grid_permissions
from grids.selectors.places import grid_by_id
from mutualaid import permissions
from mutualaid.api.paging import NewestPagination
from mutualaid.models import Need, Offer, Urgency
from mutualaid.selectors import matching
from mutualaid.selectors import needs as selectors
from mutualaid.serializers import (
    CategorySerializer,
    MatchSerializer,
    NeedCreateSerializer,
    NeedSerializer,
    OfferCreateSerializer,
    OfferSerializer,
)
from mutualaid.services import needs


class AidFilter(django_filters.FilterSet):
    category = django_filters.NumberFilter(field_name="category_id", min_value=1)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)


def _filtered(request, queryset):
    filters = AidFilter(request.query_params, queryset=queryset)
    if not filters.is_valid():
        raise ValidationError(filters.errors)
    return filters.qs


def _page(view, request, queryset, serializer):
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


FILTERS = [
    OpenApiParameter("category", int),
    OpenApiParameter("urgency", str, enum=Urgency.values),
    OpenApiParameter("cursor", str),
]


class CategoriesView(APIView):
    @extend_schema(responses={200: CategorySerializer(many=True)}, summary="Kinds of help")
    def get(self, request):
        return Response(CategorySerializer(selectors.categories(), many=True).data)


class NeedsView(APIView):
    pagination_class = NewestPagination  # documents the page object in the schema

    @extend_schema(
        parameters=FILTERS,
        responses={200: NeedSerializer(many=True), **ERRORS},
        summary="Open needs in my community, newest first",
    )
    def get(self, request):
        home = permissions.home_of(request.user)
        nearby = selectors.needs_nearby(viewer=request.user, community_id=home.grid.community_id)
        return _page(self, request, _filtered(request, nearby), NeedSerializer)

    @extend_schema(
        request=NeedCreateSerializer,
        responses={201: NeedSerializer, **ERRORS},
        summary="Ask for help",
    )
    def post(self, request):
        data = NeedCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        need = needs.need_create(
            actor=request.user,
            category_id=values["category"],
            quantity=values["quantity"],
            description=values["description"],
            urgency=values["urgency"],
            expires_at=values["expires_at"],
            on_behalf_of=values["on_behalf_of"],
            point=_point(values),
            campaign_id=values["campaign"],
        )
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)


class OffersView(APIView):
    pagination_class = NewestPagination

    @extend_schema(
        parameters=FILTERS[:1] + FILTERS[2:],
        responses={200: OfferSerializer(many=True), **ERRORS},
        summary="Open offers in my community, newest first",
    )
    def get(self, request):
        home = permissions.home_of(request.user)
        offers = selectors.offers_nearby(viewer=request.user, community_id=home.grid.community_id)
        return _page(self, request, _filtered(request, offers), OfferSerializer)

    @extend_schema(
        request=OfferCreateSerializer,
        responses={201: OfferSerializer, **ERRORS},
        summary="Offer help (a directed donation with `for_need`, `for_person` or `campaign`)",
    )
    def post(self, request):
        data = OfferCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        offer = needs.offer_create(
            actor=request.user,
            category_id=values["category"],
            quantity=values["quantity"],
            description=values["description"],
            handover=values["handover"],
            expires_at=values["expires_at"],
            for_need_id=values["for_need"],
            for_person_id=values["for_person"],
            campaign_id=values["campaign"],
            on_behalf_of=values["on_behalf_of"],
            point=_point(values),
        )
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


def _point(values: dict) -> tuple[float, float] | None:
    if values.get("latitude") is None:
        return None
    return values["latitude"], values["longitude"]


def _need(request, need_id: int) -> Need:
    return permissions.require_visible_need(request.user, selectors.need_by_id(need_id))


def _offer(request, offer_id: int) -> Offer:
    return permissions.require_visible_offer(request.user, selectors.offer_by_id(offer_id))


class NeedDetailView(APIView):
    @extend_schema(responses={200: NeedSerializer, **ERRORS}, summary="One need")
    def get(self, request, need_id: int):
        permissions.home_of(request.user)
        return Response(NeedSerializer(_need(request, need_id)).data)


class NeedMatchesView(APIView):
    @extend_schema(
        responses={200: MatchSerializer(many=True), **ERRORS},
        summary="Offers that can serve this need, nearest first, each with why",
    )
    def get(self, request, need_id: int):
        permissions.home_of(request.user)
        matches = matching.offers_for_need(_need(request, need_id))
        return Response(
            MatchSerializer(
                [{"reason": m.reason, "offer": m.item} for m in matches], many=True
            ).data
        )


class OfferDetailView(APIView):
    @extend_schema(responses={200: OfferSerializer, **ERRORS}, summary="One offer")
    def get(self, request, offer_id: int):
        permissions.home_of(request.user)
        return Response(OfferSerializer(_offer(request, offer_id)).data)


class OfferMatchesView(APIView):
    @extend_schema(
        responses={200: MatchSerializer(many=True), **ERRORS},
        summary="Needs this offer can meet, nearest and most urgent first",
    )
    def get(self, request, offer_id: int):
        permissions.home_of(request.user)
        matches = matching.needs_for_offer(_offer(request, offer_id))
        return Response(
            MatchSerializer([{"reason": m.reason, "need": m.item} for m in matches], many=True).data
        )


class NeedCancelView(APIView):
    @extend_schema(
        request=None, responses={200: NeedSerializer, **ERRORS}, summary="Cancel my need"
    )
    def post(self, request, need_id: int):
        needs.need_cancel(actor=request.user, need_id=need_id)
        return Response(NeedSerializer(_need(request, need_id)).data)


class OfferWithdrawView(APIView):
    @extend_schema(
        request=None, responses={200: OfferSerializer, **ERRORS}, summary="Withdraw my offer"
    )
    def post(self, request, offer_id: int):
        needs.offer_withdraw(actor=request.user, offer_id=offer_id)
        return Response(OfferSerializer(_offer(request, offer_id)).data)


class UrgentNeedsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("hours", int, description="Unmatched for at least (6)")],
        responses={200: NeedSerializer(many=True), **ERRORS},
        summary="Urgent needs in a grid still unmatched after N hours (grid staff)",
    )
    def get(self, request, grid_id: int):
        grid = grid_by_id(grid_id)
        grid_permissions.require_manage_grid(request.user, grid)
        hours = request.query_params.get("hours", "6")
        if not (hours.isascii() and hours.isdecimal()) or not 0 < int(hours) <= 720:
            raise ValidationError({"hours": [_("A whole number of hours, 1 to 720.")]})
        urgent = selectors.urgent_unmatched(grid_id=grid.pk, older_than_hours=int(hours))
        return Response(NeedSerializer(urgent[:100], many=True).data)

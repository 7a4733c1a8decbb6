"""Campaigns over REST, under /api/v1/aid/campaigns/: parse → service/selector → serialize."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS
from mutualaid import permissions
from mutualaid.api.paging import NewestPagination
from mutualaid.selectors import campaigns as selectors
from mutualaid.serializers import (
    CampaignCreateSerializer,
    CampaignDetailSerializer,
    CampaignSerializer,
    CampaignUpdateSerializer,
)
from mutualaid.services import campaigns


def campaign_detail_data(request, campaign_id: int) -> dict:
    campaign = permissions.require_view_campaign(
        request.user, selectors.campaign_by_id(campaign_id)
    )
    return CampaignDetailSerializer(
        {
            "campaign": campaign,
            "dashboard": selectors.campaign_dashboard(campaign.pk),
            "can_manage": permissions.can_manage_campaigns(request.user, campaign.community),
        }
    ).data


class CampaignsView(APIView):
    pagination_class = NewestPagination  # documents the page object in the schema

    @extend_schema(
        responses={200: CampaignSerializer(many=True)},
        summary="Campaigns of my communities, newest first",
    )
    def get(self, request):
        paginator = self.pagination_class()
        followed = selectors.campaigns_for(request.user).order_by("-created_at", "-id")
        page = paginator.paginate_queryset(followed, request, view=self)
        return paginator.get_paginated_response(CampaignSerializer(page, many=True).data)

    @extend_schema(
        request=CampaignCreateSerializer,
        responses={201: CampaignDetailSerializer, **ERRORS},
        summary="Start a campaign (the community's cadres)",
    )
    def post(self, request):
        data = CampaignCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        campaign = campaigns.campaign_create(
            actor=request.user,
            community_id=values["community"],
            title=values["title"],
            description=values["description"],
            category_ids=values["categories"],
            grid_ids=values["grids"],
            target_quantity=values["target_quantity"],
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
        )
        return Response(campaign_detail_data(request, campaign.pk), status=status.HTTP_201_CREATED)


class CampaignDetailView(APIView):
    @extend_schema(
        responses={200: CampaignDetailSerializer, **ERRORS},
        summary="A campaign with its live dashboard",
    )
    def get(self, request, campaign_id: int):
        return Response(campaign_detail_data(request, campaign_id))

    @extend_schema(
        request=CampaignUpdateSerializer,
        responses={200: CampaignDetailSerializer, **ERRORS},
        summary="Change a running campaign (the community's cadres)",
    )
    def patch(self, request, campaign_id: int):
        data = CampaignUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        changes = {
            "title": values.get("title"),
            "description": values.get("description"),
            "category_ids": values.get("categories"),
            "grid_ids": values.get("grids"),
            "starts_at": values.get("starts_at"),
            "ends_at": values.get("ends_at"),
        }
        if "target_quantity" in values:
            changes["target_quantity"] = values["target_quantity"]
        campaigns.campaign_update(actor=request.user, campaign_id=campaign_id, **changes)
        return Response(campaign_detail_data(request, campaign_id))


class CampaignCloseView(APIView):
    @extend_schema(
        request=None,
        responses={200: CampaignDetailSerializer, **ERRORS},
        summary="End a campaign now (the community's cadres)",
    )
    def post(self, request, campaign_id: int):
        campaigns.campaign_close(actor=request.user, campaign_id=campaign_id)
        return Response(campaign_detail_data(request, campaign_id))

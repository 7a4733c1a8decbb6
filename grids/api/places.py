"""REST API for places, membership and roles: parse → service/selector → serialize."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS, NewestFirstCursorPagination
from core.throttles import JoinRateThrottle
from grids import permissions
from grids.errors import JoinCodeInvalid
from grids.models import Community, Grid, Membership, MicroGrid
from grids.selectors import places as selectors
from grids.serializers.places import (
    GridBriefSerializer,
    GridForViewerSerializer,
    GridJoinInfoSerializer,
    GridStaffSerializer,
    JoinInputSerializer,
    MemberForViewerSerializer,
    MemberStaffSerializer,
    MeSerializer,
    NeighbourSerializer,
    OwnMembershipSerializer,
    RemoveInputSerializer,
    RoleInputSerializer,
)
from grids.services import places as services
from residents.models import User
from residents.serializers import ProfileUpdateSerializer
from residents.services import profile_update


class MeView(APIView):
    @extend_schema(responses={200: MeSerializer}, summary="My account, home grid and roles")
    def get(self, request):
        return Response(MeSerializer(selectors.me_summary(request.user)).data)

    @extend_schema(
        request=ProfileUpdateSerializer,
        responses={200: MeSerializer, **ERRORS},
        summary="Change my display name",
    )
    def patch(self, request):
        data = ProfileUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile_update(user=request.user, **data.validated_data)
        return Response(MeSerializer(selectors.me_summary(request.user)).data)


class JoinInfoView(APIView):
    throttle_classes = [JoinRateThrottle]

    @extend_schema(
        responses={200: GridJoinInfoSerializer, **ERRORS},
        summary="The grid and buildings behind a join code",
    )
    def get(self, request, code: str):
        grid = selectors.grid_by_join_code(code)
        if grid is None:
            raise JoinCodeInvalid()
        return Response(GridJoinInfoSerializer(grid).data)


class JoinView(APIView):
    throttle_classes = [JoinRateThrottle]

    @extend_schema(
        request=JoinInputSerializer,
        responses={201: OwnMembershipSerializer, **ERRORS},
        summary="Join a grid with its code, naming my building",
    )
    def post(self, request):
        data = JoinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.grid_join(
            user=request.user,
            code=data.validated_data["code"],
            micro_grid_id=data.validated_data["micro_grid"],
            unit=data.validated_data["unit"],
        )
        return Response(OwnMembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class GridListView(generics.ListAPIView):
    serializer_class = GridBriefSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Grid.objects.none()
        return selectors.grids_visible_to(self.request.user)


class GridDetailView(APIView):
    @extend_schema(
        responses={200: GridForViewerSerializer, **ERRORS},
        summary="A grid (join code only for its staff)",
    )
    def get(self, request, grid_id: int):
        grid = permissions.require_view_grid(request.user, selectors.grid_with_worker(grid_id))
        if permissions.can_manage_grid(request.user, grid):
            return Response(GridStaffSerializer(grid).data)
        return Response(GridBriefSerializer(grid).data)


class GridJoinCodeRotateView(APIView):
    @extend_schema(
        request=None,
        responses={200: GridStaffSerializer, **ERRORS},
        summary="Replace the grid's join code",
    )
    def post(self, request, grid_id: int):
        grid = services.grid_join_code_rotate(actor=request.user, grid_id=grid_id)
        return Response(GridStaffSerializer(grid).data)


class MemberFilter(django_filters.FilterSet):
    micro_grid = django_filters.NumberFilter(field_name="micro_grid_id")
    verified = django_filters.BooleanFilter(
        field_name="verified_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Membership
        fields = ["micro_grid", "verified"]


class MemberCursorPagination(NewestFirstCursorPagination):
    ordering = ("-joined_at", "-id")


class GridMembersView(generics.ListAPIView):
    """Members of a grid. Staff see phone and unit (and that read is logged);
    members see neighbours masked; everyone else gets 404."""

    pagination_class = MemberCursorPagination
    filterset_class = MemberFilter

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):
            return MemberForViewerSerializer  # the schema: staff fields marked optional
        return MemberStaffSerializer if self.is_staff_view else NeighbourSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        grid = permissions.require_view_grid(
            self.request.user, selectors.grid_with_worker(self.kwargs["grid_id"])
        )
        self.grid = grid
        self.is_staff_view = permissions.can_manage_grid(self.request.user, grid)
        return selectors.grid_members(grid=grid)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if self.is_staff_view:
            services.members_listed(
                actor=request.user, grid=self.grid, count=len(response.data["results"])
            )
        return response


class MembershipVerifyView(APIView):
    @extend_schema(
        request=None,
        responses={200: MemberStaffSerializer, **ERRORS},
        summary="Confirm a member lives where they said",
    )
    def post(self, request, membership_id: int):
        membership = services.membership_verify(actor=request.user, membership_id=membership_id)
        return Response(MemberStaffSerializer(membership).data)


class MembershipRemoveView(APIView):
    @extend_schema(
        request=RemoveInputSerializer,
        responses={204: None, **ERRORS},
        summary="Remove a member from the grid",
    )
    def post(self, request, membership_id: int):
        data = RemoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.membership_remove(
            actor=request.user, membership_id=membership_id, reason=data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _role_target(request, community: Community, data: dict) -> dict:
    """Resolve ids to objects inside the community; out-of-community ids are refused."""
    target = {
        "user": get_object_or_404(User, pk=data["user"]),
        "role": data["role"],
        "community": community,
        "grid": None,
        "micro_grid": None,
    }
    if "grid" in data:
        target["grid"] = get_object_or_404(Grid, pk=data["grid"], community=community)
    if "micro_grid" in data:
        target["micro_grid"] = get_object_or_404(
            MicroGrid.objects.select_related("grid"),
            pk=data["micro_grid"],
            grid__community=community,
        )
    return target


def _managed_community(user: User, community_id: int) -> Community:
    return permissions.require_grant_roles(user, Community.objects.filter(pk=community_id).first())


class CommunityRoleGrantView(APIView):
    @extend_schema(
        request=RoleInputSerializer,
        responses={204: None, **ERRORS},
        summary="Appoint a cadre, volunteer, grid worker or building head",
    )
    def post(self, request, community_id: int):
        community = _managed_community(request.user, community_id)
        data = RoleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.role_grant(
            actor=request.user, **_role_target(request, community, data.validated_data)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommunityRoleRevokeView(APIView):
    @extend_schema(
        request=RoleInputSerializer, responses={204: None, **ERRORS}, summary="Remove a role"
    )
    def post(self, request, community_id: int):
        community = _managed_community(request.user, community_id)
        data = RoleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.role_revoke(
            actor=request.user, **_role_target(request, community, data.validated_data)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

"""Output shapes. Which one a caller gets is decided by `grids.permissions`, never here."""

from rest_framework import serializers

from grids.models import Community, Grid, Membership, MicroGrid, Role
from residents.phones import mask_phone, national_number
from residents.serializers import OwnAccountSerializer


class CommunityBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Community
        fields = ["id", "name", "street", "city"]


class MicroGridSerializer(serializers.ModelSerializer):
    class Meta:
        model = MicroGrid
        fields = ["id", "label"]


class GridBriefSerializer(serializers.ModelSerializer):
    community = CommunityBriefSerializer()
    grid_worker_name = serializers.SerializerMethodField()

    class Meta:
        model = Grid
        fields = ["id", "number", "name", "community", "grid_worker_name"]

    def get_grid_worker_name(self, grid: Grid) -> str | None:
        return grid.grid_worker.display_name if grid.grid_worker_id else None


class GridJoinInfoSerializer(GridBriefSerializer):
    """What a scanned code shows before joining: the grid and its buildings."""

    micro_grids = MicroGridSerializer(many=True)

    class Meta(GridBriefSerializer.Meta):
        fields = [*GridBriefSerializer.Meta.fields, "micro_grids"]


class GridStaffSerializer(GridBriefSerializer):
    """For the grid's staff: the join code and when it was last changed."""

    member_count = serializers.IntegerField(read_only=True, required=False)

    class Meta(GridBriefSerializer.Meta):
        fields = [
            *GridBriefSerializer.Meta.fields,
            "join_code",
            "join_code_rotated_at",
            "member_count",
        ]


class GridForViewerSerializer(GridStaffSerializer):
    """The schema of `GET /grids/{id}/` (documentation only): the grid's staff get the join code
    fields (`GridStaffSerializer`), everyone else the brief fields (`GridBriefSerializer`)."""

    join_code = serializers.CharField(required=False, help_text="Only for the grid's staff")
    join_code_rotated_at = serializers.DateTimeField(
        required=False, help_text="Only for the grid's staff"
    )
    member_count = serializers.IntegerField(required=False, help_text="Only for the grid's staff")


class OwnMembershipSerializer(serializers.ModelSerializer):
    grid = GridBriefSerializer()
    micro_grid = MicroGridSerializer()
    verified = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = [
            "id",
            "grid",
            "micro_grid",
            "unit",
            "joined_at",
            "verified",
            "left_at",
            "left_reason",
        ]

    def get_verified(self, membership: Membership) -> bool:
        return membership.verified_at is not None


class NeighbourSerializer(serializers.ModelSerializer):
    """A neighbour as a resident sees them: display name, building, masked phone. No unit."""

    display_name = serializers.CharField(source="user.display_name")
    building = serializers.CharField(source="micro_grid.label")
    phone_masked = serializers.SerializerMethodField()
    verified = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "display_name", "building", "phone_masked", "verified"]

    def get_phone_masked(self, membership: Membership) -> str:
        return mask_phone(membership.user.phone)

    def get_verified(self, membership: Membership) -> bool:
        return membership.verified_at is not None


class MemberStaffSerializer(NeighbourSerializer):
    """A member as grid staff see them (every such read is written to the access log)."""

    user_id = serializers.IntegerField()
    phone = serializers.SerializerMethodField()
    micro_grid = serializers.IntegerField(source="micro_grid_id")

    class Meta(NeighbourSerializer.Meta):
        fields = [
            *NeighbourSerializer.Meta.fields,
            "user_id",
            "phone",
            "unit",
            "micro_grid",
            "joined_at",
            "verified_at",
        ]

    def get_phone(self, membership: Membership) -> str:
        return national_number(membership.user.phone)


class MemberForViewerSerializer(NeighbourSerializer):
    """The schema of a member row in `GET /grids/{id}/members/` (documentation only): the
    grid's staff get `MemberStaffSerializer`, its residents `NeighbourSerializer`."""

    user_id = serializers.IntegerField(required=False, help_text="Only for the grid's staff")
    phone = serializers.CharField(required=False, help_text="Only for the grid's staff")
    unit = serializers.CharField(required=False, help_text="Only for the grid's staff")
    micro_grid = serializers.IntegerField(required=False, help_text="Only for the grid's staff")
    joined_at = serializers.DateTimeField(required=False, help_text="Only for the grid's staff")
    verified_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Only for the grid's staff"
    )

    class Meta(NeighbourSerializer.Meta):
        fields = MemberStaffSerializer.Meta.fields


class RoleHeldSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    label = serializers.CharField()
    scope = serializers.ChoiceField(choices=["community", "grid", "micro_grid"])
    scope_id = serializers.IntegerField()
    scope_name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    account = OwnAccountSerializer()
    home = OwnMembershipSerializer(allow_null=True)
    history = OwnMembershipSerializer(many=True)
    roles = RoleHeldSerializer(many=True)


class JoinInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    micro_grid = serializers.IntegerField(min_value=1)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class RemoveInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RoleInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(
        choices=[
            Role.CADRE,
            Role.VOLUNTEER,
            Role.VOLUNTEER_LEAD,
            Role.GRID_WORKER,
            Role.BUILDING_HEAD,
        ]
    )
    grid = serializers.IntegerField(min_value=1, required=False)
    micro_grid = serializers.IntegerField(min_value=1, required=False)

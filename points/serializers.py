"""Shapes of points, rewards and redemptions. The leaderboard names only those who
chose to be named."""

from rest_framework import serializers

from points.models import PointsEntry, Redemption, Reward


class PointsEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = PointsEntry
        fields = ["id", "amount", "balance_after", "kind", "reason", "reverses", "created_at"]


class PointsSummarySerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    public = serializers.BooleanField()
    volunteer_hours = serializers.FloatField()


class PointsVisibilitySerializer(serializers.Serializer):
    public = serializers.BooleanField()


class RewardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reward
        fields = ["id", "community", "name", "description", "cost", "stock", "active"]
        read_only_fields = ["id"]


class RewardCreateSerializer(serializers.Serializer):
    community = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=40)
    description = serializers.CharField(max_length=200, allow_blank=True, default="")
    cost = serializers.IntegerField(min_value=1, max_value=1_000_000)
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000)


class RewardUpdateSerializer(serializers.Serializer):
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000)
    active = serializers.BooleanField()


class RedemptionSerializer(serializers.ModelSerializer):
    reward_name = serializers.CharField(source="reward.name")

    class Meta:
        model = Redemption
        fields = ["id", "reward", "reward_name", "cost", "code", "state", "created_at"]


class CollectSerializer(serializers.Serializer):
    community = serializers.IntegerField(min_value=1)
    code = serializers.CharField(max_length=6)


class CorrectionSerializer(serializers.Serializer):
    community = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=200)


class LeaderRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField(allow_null=True, help_text="null: did not choose to be named")
    earned = serializers.IntegerField()

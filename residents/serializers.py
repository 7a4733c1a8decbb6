from rest_framework import serializers

from residents.models import User
from residents.phones import national_number


class OwnAccountSerializer(serializers.ModelSerializer):
    """The signed-in user's own account: the only place their full number is shown to them."""

    phone = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "phone", "phone_verified", "display_name", "date_joined"]
        read_only_fields = fields

    def get_phone(self, user: User) -> str:
        return national_number(user.phone)


class ProfileUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=30, min_length=1, trim_whitespace=True)


class NotificationSerializer(serializers.Serializer):
    """One entry of my personal stream; the same shape /ws/me/ sends."""

    id = serializers.IntegerField()
    seq = serializers.IntegerField(help_text="Position in my stream; `after` takes it")
    type = serializers.CharField()
    created_at = serializers.DateTimeField()
    read = serializers.BooleanField()
    data = serializers.DictField(source="payload")


class NotificationsReadSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(min_value=0, help_text="Mark this seq and older as read")

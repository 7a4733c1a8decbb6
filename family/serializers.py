"""What the family-help API reads and answers. Neighbours' numbers never appear: a person is
their display name; the only number shown is the one the asker typed themselves."""

from rest_framework import serializers

from family.models import CODE_ATTEMPTS_MAX, ProxyAction, ProxyGrant, ProxyRequest, Via


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class GrantSerializer(serializers.ModelSerializer):
    principal = PersonSerializer(help_text="The resident acted for.")
    agent = PersonSerializer(help_text="The person who may act for them.")
    via = serializers.ChoiceField(choices=Via.choices, help_text="How it was agreed.")
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = ProxyGrant
        fields = ["id", "principal", "agent", "via", "active", "created_at", "revoked_at"]


class GrantsSerializer(serializers.Serializer):
    given = GrantSerializer(many=True, help_text="Who may act for me (active ones).")
    held = GrantSerializer(many=True, help_text="For whom I may act.")


class RequestSerializer(serializers.ModelSerializer):
    """An ask to act for someone. For the asker it looks the same whether or not the number
    is on Linli."""

    phone = serializers.CharField(source="national_phone", help_text="As the asker typed it.")
    state = serializers.ChoiceField(choices=ProxyRequest.State.choices)
    attempts_left = serializers.SerializerMethodField()

    class Meta:
        model = ProxyRequest
        fields = ["id", "phone", "state", "attempts_left", "created_at", "expires_at"]

    def get_attempts_left(self, request: ProxyRequest) -> int:
        return max(0, CODE_ATTEMPTS_MAX - request.code_attempts)


class RequestToMeSerializer(serializers.ModelSerializer):
    agent = PersonSerializer(help_text="Who asks to act for me.")

    class Meta:
        model = ProxyRequest
        fields = ["id", "agent", "created_at", "expires_at"]


class RequestsSerializer(serializers.Serializer):
    to_me = RequestToMeSerializer(many=True, help_text="Asks to act for me, open.")
    by_me = RequestSerializer(many=True, help_text="My open asks to act for someone.")


class RequestCreateSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20, help_text="The resident's mobile number.")


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12, help_text="The 6-digit code the resident got.")


class ActionSerializer(serializers.ModelSerializer):
    agent = PersonSerializer(help_text="Who did it.")
    principal = PersonSerializer(help_text="In whose name.")

    class Meta:
        model = ProxyAction
        fields = [
            "id",
            "grant",
            "agent",
            "principal",
            "label",
            "object_type",
            "object_id",
            "created_at",
        ]

"""Mutual-aid shapes. Before a giver accepts, each side sees a name, a building and a
masked phone; after, the two parties see each other's number and room."""

from rest_framework import serializers

from mutualaid.models import Category, Claim, ClaimMessage, Need, Offer, Urgency


def person(user, micro_grid=None) -> dict:
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "phone": user.masked_phone,
        "building": micro_grid.label if micro_grid is not None else None,
    }


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "kind", "unit"]


class NeedSerializer(serializers.ModelSerializer):
    category = CategorySerializer()
    requester = serializers.SerializerMethodField()
    remaining = serializers.IntegerField()
    grid_name = serializers.CharField(source="grid.name")

    class Meta:
        model = Need
        fields = [
            "id",
            "category",
            "quantity",
            "matched",
            "fulfilled",
            "remaining",
            "urgency",
            "description",
            "on_behalf_of",
            "state",
            "expires_at",
            "created_at",
            "requester",
            "grid",
            "grid_name",
        ]

    def get_requester(self, need: Need) -> dict:
        return person(need.requester, need.micro_grid)


class OfferSerializer(serializers.ModelSerializer):
    category = CategorySerializer()
    giver = serializers.SerializerMethodField()
    available = serializers.IntegerField()
    grid_name = serializers.CharField(source="grid.name")

    class Meta:
        model = Offer
        fields = [
            "id",
            "category",
            "quantity",
            "reserved",
            "given",
            "available",
            "handover",
            "description",
            "on_behalf_of",
            "for_need",
            "state",
            "expires_at",
            "created_at",
            "giver",
            "grid",
            "grid_name",
        ]

    def get_giver(self, offer: Offer) -> dict:
        return person(offer.giver, offer.micro_grid)


class MatchSerializer(serializers.Serializer):
    reason = serializers.CharField()
    need = NeedSerializer(required=False)
    offer = OfferSerializer(required=False)


class NeedCreateSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    description = serializers.CharField(max_length=300, allow_blank=True, default="")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    on_behalf_of = serializers.CharField(max_length=30, allow_blank=True, default="")


class OfferCreateSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    description = serializers.CharField(max_length=300, allow_blank=True, default="")
    handover = serializers.ChoiceField(choices=Offer.Handover.choices, default="pickup")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    for_need = serializers.IntegerField(required=False, allow_null=True, default=None)
    on_behalf_of = serializers.CharField(max_length=30, allow_blank=True, default="")


class ClaimCreateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    need = serializers.IntegerField(required=False, allow_null=True, default=None)


class ClaimConfirmSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=6, allow_blank=True, default="")


class ClaimMessageSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = ClaimMessage
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]


class ClaimSerializer(serializers.ModelSerializer):
    """`contact` is filled by the view: the other party's number and room once accepted,
    null before. `handover_code` is shown to the receiver only (they show it to the giver)."""

    offer = OfferSerializer()
    need = serializers.PrimaryKeyRelatedField(read_only=True)
    receiver = serializers.SerializerMethodField()
    handover_code = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "offer",
            "need",
            "receiver",
            "quantity",
            "state",
            "handover_code",
            "receiver_confirmed_at",
            "giver_confirmed_at",
            "accepted_at",
            "created_at",
            "contact",
        ]

    def get_receiver(self, claim: Claim) -> dict:
        return person(claim.receiver)

    def get_handover_code(self, claim: Claim) -> str | None:
        viewer = self.context.get("viewer")
        if viewer is not None and viewer.pk == claim.receiver_id:
            return claim.handover_code
        return None

    def get_contact(self, claim: Claim) -> dict | None:
        return self.context.get("contacts", {}).get(claim.pk)

"""Mutual-aid shapes. Before a giver accepts, each side sees a name, a building and a
masked phone; after, the two parties see each other's number and room."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ID_MAX
from mutualaid.models import Campaign, Category, Claim, ClaimMessage, Need, Offer, Urgency


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
            "campaign",
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
            "for_person",
            "campaign",
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


class MapPointFields(serializers.Serializer):
    """An optional map point on a need or an offer."""

    latitude = serializers.FloatField(
        required=False,
        allow_null=True,
        default=None,
        min_value=-90,
        max_value=90,
        help_text="An optional map point (with longitude). Never shown to anyone: it only "
        "makes the distance a match states more exact.",
    )
    longitude = serializers.FloatField(
        required=False, allow_null=True, default=None, min_value=-180, max_value=180
    )

    def validate(self, data):
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise serializers.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class NeedCreateSerializer(MapPointFields):
    category = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    description = serializers.CharField(max_length=300, allow_blank=True, default="")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    on_behalf_of = serializers.CharField(max_length=30, allow_blank=True, default="")
    campaign = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A running campaign to join."
    )


class OfferCreateSerializer(MapPointFields):
    category = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    description = serializers.CharField(max_length=300, allow_blank=True, default="")
    handover = serializers.ChoiceField(choices=Offer.Handover.choices, default="pickup")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    for_need = serializers.IntegerField(required=False, allow_null=True, default=None)
    for_person = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A neighbour of your community (user id): only they may claim it.",
    )
    campaign = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A running campaign: only residents of its area may claim it.",
    )
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
    need = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    receiver = serializers.SerializerMethodField()
    handover_code = serializers.SerializerMethodField()
    handover_code_locked = serializers.BooleanField(
        read_only=True, help_text="5 wrong codes were typed: the receiver must issue a new one."
    )
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
            "handover_code_locked",
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


# Campaigns


def _ids(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), **kwargs
    )


class GridRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CampaignSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name")
    categories = CategorySerializer(many=True)
    grids = GridRefSerializer(many=True, help_text="Empty: the whole community.")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "community",
            "community_name",
            "title",
            "description",
            "categories",
            "grids",
            "target_quantity",
            "starts_at",
            "ends_at",
            "state",
            "created_at",
            "closed_at",
        ]


class CampaignCreateSerializer(serializers.Serializer):
    community = serializers.IntegerField()
    title = serializers.CharField(max_length=60)
    description = serializers.CharField(max_length=1000, allow_blank=True, default="")
    categories = _ids(min_length=1)
    grids = _ids(default=list, help_text="Empty: the whole community.")
    target_quantity = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1
    )
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Empty: now."
    )
    ends_at = serializers.DateTimeField()


class CampaignUpdateSerializer(serializers.Serializer):
    """Every field optional: what is sent changes; `target_quantity: null` removes the target."""

    title = serializers.CharField(max_length=60, required=False)
    description = serializers.CharField(max_length=1000, allow_blank=True, required=False)
    categories = _ids(min_length=1, required=False)
    grids = _ids(required=False)
    target_quantity = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)


class CategoryFigureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    quantity = serializers.IntegerField(help_text="Handed over in the campaign's scope.")
    handovers = serializers.IntegerField()
    needs_met = serializers.IntegerField()


class GridFigureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    open_urgent = serializers.IntegerField()


class GiverSerializer(serializers.Serializer):
    display_name = serializers.CharField()
    quantity = serializers.IntegerField()
    handovers = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    """The live figures. Counted: every handover received in the campaign's area, of its
    kinds, inside its window (attached to the campaign or not)."""

    version = serializers.IntegerField(help_text="Grows with every change; apply the newest.")
    state = serializers.CharField(source="campaign.state")
    unit = serializers.CharField(help_text="The unit shared by all its kinds, or empty.")
    handed_over = serializers.IntegerField()
    handovers = serializers.IntegerField()
    needs_met = serializers.IntegerField()
    open_urgent = serializers.IntegerField()
    target = serializers.IntegerField(allow_null=True)
    progress = serializers.IntegerField(
        allow_null=True,
        help_text="Percent of the target: at least 1 once anything was handed over, 100 only "
        "when it is reached; null without a target.",
    )
    categories = CategoryFigureSerializer(many=True)
    urgent_by_grid = GridFigureSerializer(many=True)
    top_givers = GiverSerializer(many=True, help_text="Only givers who chose to be named.")


class CampaignDetailSerializer(serializers.Serializer):
    campaign = CampaignSerializer()
    dashboard = DashboardSerializer()
    can_manage = serializers.BooleanField()


# Help in three taps: "我来帮忙" on a need, "我要" on an offer, "转为互助" for a board post.


class HelpCreateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=1, max_value=100_000, help_text="How much to give; at most what it lacks."
    )
    handover = serializers.ChoiceField(
        choices=Offer.Handover.choices,
        default=Offer.Handover.DELIVERY,
        help_text="How it gets there: the giver brings it (default) or it is picked up.",
    )


class HelpPrefillSerializer(serializers.Serializer):
    lacking = serializers.IntegerField(min_value=0, help_text="What the need still lacks.")
    cap = serializers.IntegerField(
        min_value=0,
        help_text="The most the viewer may give: what it lacks, or less when their open "
        "offer of this kind has less left.",
    )
    quantity = serializers.IntegerField(min_value=0, help_text="The amount to prefill.")
    chips = serializers.ListField(
        child=serializers.IntegerField(min_value=1), help_text="Amounts to offer as chips."
    )
    from_offer = serializers.IntegerField(
        allow_null=True, help_text="The viewer's open offer the help comes from; null: a new one."
    )


class ClaimPrefillSerializer(serializers.Serializer):
    need = serializers.IntegerField(
        allow_null=True,
        help_text="The viewer's need to preselect (their only matching one, else the one "
        "lacking most); null: just for themselves.",
    )
    needs = serializers.ListField(
        child=serializers.IntegerField(), help_text="The viewer's open needs this offer can serve."
    )
    quantity = serializers.IntegerField(
        min_value=0, help_text="min(what the chosen need lacks, what is left)."
    )
    cap = serializers.IntegerField(min_value=0, help_text="What the offer has left.")
    chips = serializers.ListField(
        child=serializers.IntegerField(min_value=1), help_text="Amounts to offer as chips."
    )


class PostConvertSerializer(serializers.Serializer):
    category = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The kind of help; left out: the one the post's words name.",
    )
    quantity = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=100_000,
        help_text="How many; left out: the number the post's words name.",
    )

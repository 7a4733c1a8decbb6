"""Shapes of activities and sign-ups. Attendees are shown to organisers by the
name they signed up with and an age band: never a phone number or a unit."""

from django.core.files.storage import default_storage
from rest_framework import serializers

from activities.models import Activity, SignUp, Slot
from core.api import ID_MAX
from core.text import refuse_line_breaks
from residents.models import AgeBand, HouseholdMember


class SlotSerializer(serializers.ModelSerializer):
    left = serializers.IntegerField(source="seats_left")

    class Meta:
        model = Slot
        fields = [
            "id",
            "role",
            "starts_at",
            "ends_at",
            "capacity",
            "confirmed",
            "waitlisted",
            "left",
        ]


class ActivityListSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name")
    organiser_name = serializers.CharField(source="organiser.display_name")
    capacity = serializers.IntegerField(source="capacity_total")
    left = serializers.SerializerMethodField()
    cover = serializers.SerializerMethodField()
    age_bands = serializers.ListField(source="age_band_list", child=serializers.CharField())

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "title",
            "place",
            "starts_at",
            "ends_at",
            "signup_closes_at",
            "audience",
            "age_bands",
            "community",
            "community_name",
            "organiser_name",
            "capacity",
            "left",
            "waitlist",
            "cover",
        ]

    def get_left(self, activity) -> int:
        return max(0, activity.capacity_total - activity.confirmed_total)

    def get_cover(self, activity) -> str | None:
        return default_storage.url(activity.cover) if activity.cover else None


class ActivitySerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name")
    organiser_name = serializers.CharField(source="organiser.display_name")
    slots = SlotSerializer(many=True)
    grids = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    photos = serializers.SerializerMethodField()
    age_bands = serializers.ListField(source="age_band_list", child=serializers.CharField())
    calendar = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "signup_opens_at",
            "signup_closes_at",
            "cancel_until",
            "audience",
            "age_bands",
            "waitlist",
            "points_per_hour",
            "state",
            "community",
            "community_name",
            "grids",
            "organiser_name",
            "repeat_of",
            "slots",
            "photos",
            "version",
            "calendar",
        ]

    def get_photos(self, activity) -> list[dict]:
        return [
            {
                "url": default_storage.url(p.image),
                "thumb": default_storage.url(p.thumb),
                "width": p.width,
                "height": p.height,
            }
            for p in activity.photos.all()
        ]

    def get_calendar(self, activity) -> str:
        return f"/activities/{activity.pk}/calendar.ics"


class ShiftInputSerializer(serializers.Serializer):
    role = serializers.CharField(max_length=30, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=10000)


class ActivityCreateSerializer(serializers.Serializer):
    community = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=Activity.Kind.choices, default=Activity.Kind.CLASS)
    title = serializers.CharField(max_length=60, validators=[refuse_line_breaks])
    description = serializers.CharField(max_length=2000, allow_blank=True, default="")
    place = serializers.CharField(max_length=100, validators=[refuse_line_breaks])
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    signup_opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    signup_closes_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    cancel_until = serializers.DateTimeField(required=False, allow_null=True, default=None)
    grids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        default=list,
        max_length=200,
    )
    capacity = serializers.IntegerField(min_value=1, max_value=10000, required=False)
    shifts = ShiftInputSerializer(many=True, required=False, default=list)
    audience = serializers.ChoiceField(
        choices=Activity.Audience.choices, default=Activity.Audience.ALL
    )
    age_bands = serializers.ListField(
        child=serializers.ChoiceField(choices=AgeBand.choices), required=False, default=list
    )
    waitlist = serializers.BooleanField(default=True)
    points_per_hour = serializers.IntegerField(
        min_value=0, max_value=1000, required=False, allow_null=True, default=None
    )
    repeat_weeks = serializers.IntegerField(min_value=0, max_value=12, default=0)


class ActivityUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=60, validators=[refuse_line_breaks])
    description = serializers.CharField(max_length=2000, allow_blank=True, default="")
    place = serializers.CharField(max_length=100, validators=[refuse_line_breaks])


class CopySerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True, default="")


class SignUpCreateSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, required=False)
    member = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False, default="")


class SignUpSerializer(serializers.ModelSerializer):
    activity_title = serializers.CharField(source="activity.title")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    role = serializers.CharField(source="slot.role")

    class Meta:
        model = SignUp
        fields = [
            "id",
            "activity",
            "activity_title",
            "slot",
            "role",
            "starts_at",
            "ends_at",
            "participant_name",
            "age_band",
            "state",
            "late",
            "checked_in_at",
            "hours",
            "created_at",
        ]


class AttendeeSerializer(SignUpSerializer):
    """What an organiser sees: who signed up (by the name neighbours know), not how to
    reach them; messages go through the portal."""

    account_name = serializers.CharField(source="user.display_name")

    class Meta(SignUpSerializer.Meta):
        fields = [*SignUpSerializer.Meta.fields, "account_name"]


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField()


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)


class MessageSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=500)


class CheckInCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    url = serializers.CharField()
    valid_seconds = serializers.IntegerField()


class AttendanceSummarySerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    attended = serializers.IntegerField()
    no_show = serializers.IntegerField()
    late = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True, help_text="Attended, % of those decided")


class HouseholdMemberSerializer(serializers.ModelSerializer):
    age_band = serializers.ChoiceField(choices=AgeBand.choices)

    class Meta:
        model = HouseholdMember
        fields = ["id", "name", "age_band"]


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.CharField()


# Points

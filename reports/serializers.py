"""Report shapes for the API (the pages render the same objects with `reports.viewing`).

Who reported is shown as a display name, to neighbours as on the board and to the unit;
the reporter's phone never appears here (it has its own access-logged endpoint, for the
handling unit, and only when the reporter allowed it). Each report says which moves the
viewer may make now (`can`), so a client shows exactly the buttons that will work.
"""

from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ID_MAX, moment
from core.photos import photo_url_maker
from reports.models import (
    DESCRIPTION_MAX_CHARS,
    NOTE_MAX_CHARS,
    Category,
    CategoryAttribute,
    HandlingUnit,
    Report,
    ReportPhoto,
    ReportStep,
)
from reports.viewing import ACTIONS, report_actions


class ReportCategoryAttributeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CategoryAttribute
        fields = ["code", "description", "datatype", "required", "values"]


class ReportCategorySerializer(serializers.ModelSerializer):
    attributes = ReportCategoryAttributeSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "group",
            "description",
            "public_default",
            "accept_hours",
            "close_hours",
            "attributes",
        ]


class ReportCategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name"]


class ReportUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandlingUnit
        fields = ["id", "name", "kind", "phone"]


class ReportPhotoSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)
    thumb_url = serializers.CharField(read_only=True)

    class Meta:
        model = ReportPhoto
        fields = ["kind", "url", "thumb_url", "width", "height"]


class ReportStepSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display")

    class Meta:
        model = ReportStep
        fields = ["id", "action", "action_label", "state", "actor_label", "note", "created_at"]


class ReportSerializer(serializers.ModelSerializer):
    """A report in a list: enough for a card (state, deadline, place, first photos)."""

    category = ReportCategoryBriefSerializer()
    state_label = serializers.CharField(source="get_state_display")
    building = serializers.SerializerMethodField()
    grid_name = serializers.CharField(source="grid.name")
    unit = ReportUnitSerializer(allow_null=True)
    overdue = serializers.SerializerMethodField()
    photos = ReportPhotoSerializer(many=True)
    can = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "category",
            "state",
            "state_label",
            "description",
            "address",
            "building",
            "grid",
            "grid_name",
            "latitude",
            "longitude",
            "public",
            "source",
            "reporter_name",
            "unit",
            "accept_due",
            "close_due",
            "overdue",
            "escalation",
            "reopen_count",
            "followers_count",
            "result_note",
            "rating",
            "created_at",
            "updated_at",
            "closed_at",
            "version",
            "photos",
            "can",
        ]

    def get_building(self, report: Report) -> str | None:
        return report.micro_grid.label if report.micro_grid_id else None

    def get_overdue(self, report: Report) -> bool:
        return report.overdue()

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(ACTIONS)))
    )
    def get_can(self, report: Report) -> list[str]:
        viewer = self.context.get("viewer")
        return report_actions(viewer, report) if viewer is not None else []

    def to_representation(self, report: Report) -> dict:
        """Built by hand: a queue page is 20 of these, and DRF's field-by-field rendering
        was most of the page's time. The declared fields above stay the schema;
        tests/reports/test_api.py checks this equals DRF's own rendering
        (`drf_representation`) field for field."""
        unit = report.unit
        tz, url = self._page_constants
        return {
            "id": report.pk,
            "category": {
                "id": report.category.pk,
                "code": report.category.code,
                "name": report.category.name,
            },
            "state": report.state,
            "state_label": str(Report.State(report.state).label),
            "description": report.description,
            "address": report.address,
            "building": self.get_building(report),
            "grid": report.grid_id,
            "grid_name": report.grid.name,
            "latitude": _decimal(report.latitude),
            "longitude": _decimal(report.longitude),
            "public": report.public,
            "source": report.source,
            "reporter_name": report.reporter_name,
            "unit": None
            if unit is None
            else {"id": unit.pk, "name": unit.name, "kind": unit.kind, "phone": unit.phone},
            "accept_due": moment(report.accept_due, tz),
            "close_due": moment(report.close_due, tz),
            "overdue": report.overdue(),
            "escalation": report.escalation,
            "reopen_count": report.reopen_count,
            "followers_count": report.followers_count,
            "result_note": report.result_note,
            "rating": report.rating,
            "created_at": moment(report.created_at, tz),
            "updated_at": moment(report.updated_at, tz),
            "closed_at": moment(report.closed_at, tz),
            "version": report.version,
            "photos": [
                {
                    "kind": photo.kind,
                    "url": url(photo.image),
                    "thumb_url": url(photo.thumb),
                    "width": photo.width,
                    "height": photo.height,
                }
                for photo in report.photos.all()
            ],
            "can": self.get_can(report),
        }

    def drf_representation(self, report: Report) -> dict:
        return super().to_representation(report)

    @cached_property
    def _page_constants(self) -> tuple:
        """The time zone and the photo URL maker, looked up once for a page's reports."""
        return timezone.get_current_timezone(), photo_url_maker()


def _decimal(value) -> str | None:
    """As DRF's DecimalField writes a map coordinate (6 places, a string)."""
    return None if value is None else f"{value.quantize(Decimal('0.000001')):f}"


class ReportDetailSerializer(ReportSerializer):
    """One report with its timeline; `contact_ok` says whether the unit may ask for the
    reporter's phone (GET …/contact/), never the phone itself."""

    steps = ReportStepSerializer(many=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "rating_comment", "contact_ok", "steps"]

    def to_representation(self, report: Report) -> dict:
        return {
            **super().to_representation(report),
            "rating_comment": report.rating_comment,
            "contact_ok": report.contact_ok,
            "steps": ReportStepSerializer(report.steps.all(), many=True).data,
        }

    def drf_representation(self, report: Report) -> dict:
        return serializers.ModelSerializer.to_representation(self, report)


class ReportCreateSerializer(serializers.Serializer):
    """随手拍: a category and a place (a building, a map point or words); photos go in the
    multipart field `photos` (at most 4)."""

    category = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    micro_grid = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, allow_null=True, default=None
    )
    grid = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, allow_null=True, default=None
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        default=None,
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
        default=None,
    )
    address = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_CHARS, required=False, allow_blank=True, default=""
    )
    public = serializers.BooleanField(required=False, allow_null=True, default=None)
    contact_ok = serializers.BooleanField(required=False, default=False)
    not_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Send it even though a similar open report exists (else 409 "
        "`report_duplicate` with `report_ids`).",
    )
    photos = serializers.ListField(
        child=serializers.ImageField(), required=False, default=list, max_length=4
    )

    def validate(self, values):
        if (values["latitude"] is None) != (values["longitude"] is None):
            raise serializers.ValidationError(
                {"longitude": [_("A map point needs both latitude and longitude.")]}
            )
        return values


class DuplicateSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    report_ids = serializers.ListField(child=serializers.IntegerField())


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX_CHARS, allow_blank=True)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX_CHARS, allow_blank=True)
    photos = serializers.ListField(
        child=serializers.ImageField(), required=False, default=list, max_length=4
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX_CHARS, allow_blank=True)


class RerouteSerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        allow_null=True,
        help_text="The unit to pass it to; null: to the grid worker.",
    )
    note = serializers.CharField(
        max_length=NOTE_MAX_CHARS, required=False, allow_blank=True, default=""
    )


class RateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=NOTE_MAX_CHARS, required=False, allow_blank=True, default=""
    )


class ContactSerializer(serializers.Serializer):
    phone = serializers.CharField()

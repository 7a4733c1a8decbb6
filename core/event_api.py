"""The declared live events, served to app developers: GET /api/v1/events/schema/.

Its own module: `core.api` is named in the DRF settings, so it may not import DRF's views.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.event_schema import event_catalogue

LIVE_EVENTS = inline_serializer(
    "LiveEventCatalogue",
    {
        "dialect": serializers.CharField(help_text="The JSON Schema dialect of every schema."),
        "streams": serializers.DictField(
            help_text="Stream name → the stream.",
            child=inline_serializer(
                "LiveStream",
                {
                    "path": serializers.CharField(help_text="The WebSocket path to connect to."),
                    "description": serializers.CharField(),
                    "events": serializers.DictField(
                        help_text="Message `type` → what the message means and carries.",
                        child=inline_serializer(
                            "LiveEventDeclaration",
                            {
                                "description": serializers.CharField(),
                                "schema": serializers.DictField(
                                    help_text="The JSON Schema of the whole message."
                                ),
                            },
                        ),
                    ),
                },
            ),
        ),
    },
)


class LiveEventsAutoSchema(AutoSchema):
    """The catalogue is its own example, so every declaration shows in /api/docs/ too."""

    def get_examples(self) -> list[OpenApiExample]:
        return [OpenApiExample("The declared events", value=event_catalogue(), response_only=True)]


class LiveEventsSchemaView(APIView):
    permission_classes = [AllowAny]
    schema = LiveEventsAutoSchema()

    @extend_schema(
        responses={200: LIVE_EVENTS},
        summary="Every message the WebSocket streams send, with its JSON Schema",
        description=(
            'The live streams (`/ws/...`) send JSON messages `{"type": ..., ...}`. Every '
            "message type of every stream is declared here with a JSON Schema of the whole "
            "message: each field described, the required ones listed, and no undeclared field "
            "ever sent. The test suite checks every message it makes against these schemas."
        ),
    )
    def get(self, request):
        return Response(event_catalogue())

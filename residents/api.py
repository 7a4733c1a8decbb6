"""My notifications over REST: the personal stream's history, for apps and catch-up."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import NewestFirstCursorPagination
from residents.selectors import notifications_for, unread_count
from residents.serializers import NotificationSerializer, NotificationsReadSerializer
from residents.services import notifications_mark_read


def _rows(notifications):
    for n in notifications:
        n.read = n.read_at is not None
    return NotificationSerializer(notifications, many=True).data


# Two shapes: a page `{next, previous, results}`; with `after`, the plain list since that seq.
NOTIFICATIONS_OR_CATCH_UP = PolymorphicProxySerializer(
    component_name="NotificationsOrCatchUp",
    serializers=[
        inline_serializer(
            "NotificationPage",
            {
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": NotificationSerializer(many=True),
            },
        ),
        NotificationSerializer(many=True),
    ],
    resource_type_field_name=None,
    many=False,
)


class NotificationsView(APIView):
    pagination_class = NewestFirstCursorPagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "after", int, description="Only those after this seq, oldest first (catch-up)"
            ),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int, description="Up to 200 (default 50)"),
        ],
        responses={200: NOTIFICATIONS_OR_CATCH_UP},
        summary="My notifications, newest first (or, with `after`, everything since)",
    )
    def get(self, request):
        after = request.query_params.get("after")
        if after is not None:
            if not (after.isascii() and after.isdecimal()) or len(after) > 18:
                raise serializers.ValidationError({"after": [_("A whole number.")]})
            rows = notifications_for(request.user).filter(seq__gt=int(after)).order_by("seq")[:200]
            return Response(_rows(list(rows)))
        paginator = self.pagination_class()
        paginator.ordering = ("-seq",)
        page = paginator.paginate_queryset(notifications_for(request.user), request, view=self)
        return paginator.get_paginated_response(_rows(page))


class NotificationsReadView(APIView):
    @extend_schema(
        request=NotificationsReadSerializer,
        responses={200: inline_serializer("Unread", {"unread": serializers.IntegerField()})},
        summary="Mark my notifications read up to an id",
    )
    def post(self, request):
        data = NotificationsReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notifications_mark_read(user=request.user, up_to=data.validated_data["up_to"])
        return Response({"unread": unread_count(request.user)})

"""Open311 GeoReport v2 under /open311/v2/: thin views (parse → one service or selector →
a document), in XML or JSON by the path's suffix, errors in the spec's `[{code,
description}]` with the HTTP status as the code. They stand outside the /api/v1 schema.

Reading needs no key and sees only public reports. Posting needs a client's `api_key`;
every POST spends the address's budget before the key is looked at, so guessing keys is
as slow as posting.
"""

from datetime import datetime, time, timedelta

from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import id_parse
from core.errors import ServiceError
from core.overload import is_overload, retry_after_seconds, unavailable_message
from core.parsers import FormParser, MultiPartParser
from core.text import CONTROL_MESSAGE, first_bad_text
from core.throttles import WriteRateThrottle
from reports.errors import ReportInvalid
from reports.open311 import serializers
from reports.open311.renderers import (
    Document,
    Open311JSONRenderer,
    Open311XMLRenderer,
    SuffixNegotiation,
)
from reports.selectors import open311 as selectors
from reports.services import open311

DEFAULT_WINDOW = timedelta(days=90)
FIRST_YEAR, LAST_YEAR = 1970, 9000


class Open311PostThrottle(WriteRateThrottle):
    """Posting: by address (a civic app signs in with no account), on its own budget
    (THROTTLE_OPEN311); a request with a wrong api_key spends it too."""

    scope = "open311"


def _first_message(detail) -> str:
    while isinstance(detail, dict | list) and detail:
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail) if detail else _("Please check what you sent.")


def exception_handler(exc, context):
    """Every refusal as `<errors><error><code/><description/></error></errors>` (or its
    JSON list), the HTTP status as the code. Anything else is a bug and stays a 500."""
    headers = {}
    if isinstance(exc, ServiceError):
        code, description = exc.status, str(exc.message)
    elif isinstance(exc, Http404):
        code, description = status.HTTP_404_NOT_FOUND, _("Not found.")
    elif is_overload(exc):
        code, description = status.HTTP_503_SERVICE_UNAVAILABLE, unavailable_message()
        headers["Retry-After"] = str(retry_after_seconds())
    elif isinstance(exc, exceptions.Throttled):
        code = status.HTTP_429_TOO_MANY_REQUESTS
        description = _("Too many requests. Please wait a moment and try again.")
        if exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    elif isinstance(exc, exceptions.ValidationError):
        code, description = status.HTTP_400_BAD_REQUEST, _first_message(exc.detail)
    elif isinstance(exc, exceptions.APIException):
        code, description = exc.status_code, _first_message(exc.detail)
    else:
        return None
    document = Document("errors", [{"code": code, "description": description}])
    return Response(document, status=code, headers=headers)


class Open311View(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()
    renderer_classes = (Open311XMLRenderer, Open311JSONRenderer)
    parser_classes = (FormParser, MultiPartParser)
    content_negotiation_class = SuffixNegotiation
    metadata_class = None

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        """The text rule of every field (core.text) holds for the address and the query
        too: a NUL in a service_code is refused before the database sees it."""
        super().initial(request, *args, **kwargs)
        sent = {key: request.query_params.getlist(key) for key in request.query_params}
        sent.update({key: value for key, value in kwargs.items() if isinstance(value, str)})
        if first_bad_text(sent):
            raise ReportInvalid(CONTROL_MESSAGE)

    def jurisdiction(self) -> int:
        return selectors.jurisdiction_resolve(self.request.query_params.get("jurisdiction_id"))


@extend_schema(exclude=True)
class ServicesView(Open311View):
    def get(self, request, format=None):
        self.jurisdiction()
        return Response(
            Document("services", [serializers.service(c) for c in selectors.services()])
        )


@extend_schema(exclude=True)
class ServiceDefinitionView(Open311View):
    def get(self, request, service_code, format=None):
        self.jurisdiction()
        category = selectors.service(service_code)
        return Response(Document("service_definition", serializers.service_definition(category)))


def _list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _moment(raw: str | None, name: str) -> datetime | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            value = datetime.combine(day, time.min) if day else None
    except ValueError:
        value = None
    if value is None or not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ReportInvalid(
            _("%(name)s is not a date and time such as 2026-01-31T08:00:00+08:00.") % {"name": name}
        )
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _ids(raw: str | None) -> list[int] | None:
    if not (raw or "").strip():
        return None
    ids = [id_parse(part) for part in _list(raw)[: selectors.REQUESTS_MAX + 1]]
    if not ids or None in ids or len(ids) > selectors.REQUESTS_MAX:
        raise ReportInvalid(_("service_request_id is a list of ids, such as 12,15."))
    return ids


def _filters(params) -> dict:
    statuses = _list(params.get("status"))
    if not set(statuses) <= set(selectors.STATUSES):
        raise ReportInvalid(_("status is open, closed or both (open,closed)."))
    end = _moment(params.get("end_date"), "end_date") or timezone.now()
    start = _moment(params.get("start_date"), "start_date") or end - DEFAULT_WINDOW
    if start > end:
        raise ReportInvalid(_("start_date comes after end_date."))
    codes = selectors.codes_check(_list(params.get("service_code")))
    return {"codes": codes, "start": start, "end": end, "statuses": statuses}


@extend_schema(exclude=True)
class RequestsView(Open311View):
    def get_throttles(self):
        return [Open311PostThrottle()] if self.request.method == "POST" else []

    def get(self, request, format=None):
        community_id = self.jurisdiction()
        ids = _ids(request.query_params.get("service_request_id"))
        if ids is not None:  # asked by id, the other filters do not apply (the spec)
            reports = selectors.requests_public(community_id=community_id, ids=ids)
        else:
            reports = selectors.requests_public(
                community_id=community_id, **_filters(request.query_params)
            )
        absolute = request.build_absolute_uri
        return Response(
            Document(
                "service_requests",
                [serializers.service_request(r, absolute=absolute) for r in reports],
            )
        )

    def post(self, request, format=None):
        data = request.data
        client = open311.client_for_key(data.get("api_key"))
        jurisdiction = data.get("jurisdiction_id") or request.query_params.get("jurisdiction_id")
        if jurisdiction and id_parse(jurisdiction) != client.community_id:
            raise open311.Open311KeyInvalid(
                _("This api_key is for another jurisdiction_id: use %(id)d.")
                % {"id": client.community_id}
            )
        address_id = None
        if (data.get("address_id") or "").strip():
            address_id = id_parse(data["address_id"])
            if address_id is None:
                raise ReportInvalid(_("No such building."))
        report = open311.request_submit(
            client=client,
            service_code=data.get("service_code", ""),
            latitude=data.get("lat"),
            longitude=data.get("long"),
            address=data.get("address_string", ""),
            address_id=address_id,
            answers=open311.attributes_parse(data),
            description=data.get("description", ""),
            contact_phone=data.get("phone", ""),
        )
        notice = (
            ""
            if report.public
            else _("This kind of report is never published: it will not be listed here.")
        )
        answer = {
            "service_request_id": str(report.pk),
            "token": report.token,
            "service_notice": notice,
            "account_id": None,
        }
        return Response(Document("service_requests", [answer]), status=status.HTTP_201_CREATED)


@extend_schema(exclude=True)
class RequestView(Open311View):
    def get(self, request, request_id, format=None):
        report = selectors.request_public(community_id=self.jurisdiction(), request_id=request_id)
        answer = serializers.service_request(report, absolute=request.build_absolute_uri)
        return Response(Document("service_requests", [answer]))


@extend_schema(exclude=True)
class TokenView(Open311View):
    def get(self, request, token, format=None):
        request_id = selectors.request_id_for_token(community_id=self.jurisdiction(), token=token)
        answer = {"service_request_id": str(request_id), "token": token}
        return Response(Document("service_requests", [answer]))


@extend_schema(exclude=True)
class UnknownView(Open311View):
    """Any other address under /open311/v2/: a 404 in the spec's format."""

    def get(self, request, rest="", format=None):
        raise Http404

    post = get

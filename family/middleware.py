"""Acting for a resident: for one request at a time, `request.user` is the resident and
`request.agent` the person really there.

The grant is read again on every request, so a revoked grant ends acting at the next one.
Only what family.acting allows passes; each successful write is written down
(family.services.grants.proxy_action_record) and the resident is told.
"""

import re

from django.contrib import messages
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from family.acting import SESSION_KEY, acted_object, acting_rule
from family.models import ProxyGrant
from family.services.grants import proxy_action_record

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)
# Tables every request may touch without anyone having done anything.
_BOOKKEEPING = {"django_session", "usersessions_usersession", "django_cache"}


class WritesSeen:
    """Which tables a view wrote to (a database execute wrapper): a button a service
    refused answers 200 with the reason in the card, and writes nothing."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql) if isinstance(sql, str) else None
        if match:
            self.tables.add(match.group(1).split(".")[-1])
        return execute(sql, params, many, context)

    @property
    def any(self) -> bool:
        return bool(self.tables - _BOOKKEEPING)


def _succeeded(request, response, writes: WritesSeen) -> bool:
    """A write went through: it redirected (or answered an htmx swap), showed no error
    message, and wrote to the database. A form shown again with its errors is no action."""
    ok = 300 <= response.status_code < 400 or (
        200 <= response.status_code < 300 and getattr(request, "htmx", False)
    )
    if not ok or not writes.any:
        return False
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return not any(message.level >= messages.ERROR for message in queued)


def refusal(request, grant: ProxyGrant):
    message = _(
        "While you act for %(name)s you cannot do this. Tap “Stop acting” at the top first."
    ) % {"name": grant.principal.display_name}
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "family_acting_refused", "detail": message}, status=403)
    return render(request, "error.html", {"message": message}, status=403)


class ActingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        grant_id = session.get(SESSION_KEY) if session is not None else None
        if grant_id is None:
            return self.get_response(request)
        agent = request.user
        grant = None
        if agent.is_authenticated and isinstance(grant_id, int):
            grant = (
                ProxyGrant.objects.select_related("principal", "agent")
                .filter(
                    pk=grant_id, agent=agent, revoked_at__isnull=True, principal__is_active=True
                )
                .first()
            )
        if grant is None:
            session.pop(SESSION_KEY, None)
            if agent.is_authenticated:
                messages.info(request, _("Family help has ended. You are yourself again."))
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and match.url_name == "account_logout":
            session.pop(SESSION_KEY, None)  # signing out ends acting first
            return self.get_response(request)
        allowed, label = acting_rule(request, match)
        request.agent = agent
        request.acting_grant = grant
        request.user = grant.principal

        async def auser():
            return grant.principal

        request.auser = auser
        if not allowed:
            return refusal(request, grant)
        if request.method in SAFE_METHODS or not label:
            return self.get_response(request)
        writes = WritesSeen()
        with connection.execute_wrapper(writes):
            response = self.get_response(request)
        if _succeeded(request, response, writes):
            kind, object_id = acted_object(match, response.get("Location"))
            proxy_action_record(
                grant=grant,
                label=label,
                object_type=kind,
                object_id=object_id,
                path=request.path_info,
            )
        return response

"""Asking to act for a resident, and the resident's (or their grid worker's) answer.

Codes: six digits, sent only by the SMS gateway, kept only as an HMAC (never logged, never
stored in clear); five wrong tries lock the request. Whether a phone number belongs to an
account never shows in an answer: an ask for an unknown number is stored and answered like
any other, and its code can never be right.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import access_log_record
from family import permissions
from family.errors import (
    AlreadyHelping,
    CodeLocked,
    CodeWrong,
    NotYourself,
    PhoneInvalid,
    RequestClosed,
    RequestNotFound,
)
from family.events import family_event_emit
from family.models import CODE_ATTEMPTS_MAX, AssistedResident, ProxyGrant, ProxyRequest, Via
from family.services import grants
from residents.models import User
from residents.phones import normalize_phone
from residents.sms import sms_send

REQUEST_DAYS = 7
CODE_MINUTES = 15
RESEND_SECONDS = 60
TEXTS_PER_PHONE_PER_DAY = 5


def _code_hash(request_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"family:{request_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _has_phone(user: User | None) -> bool:
    return (
        user is not None
        and not user.phone.startswith(grants.PLACEHOLDER_PREFIX)
        and not AssistedResident.objects.filter(user=user).exists()
    )


def _texts_today(phone: str) -> int:
    return ProxyRequest.objects.filter(
        phone=phone, code_sent_at__gte=timezone.now() - timedelta(days=1)
    ).count()


def _code_issue(request: ProxyRequest, *, agent: User) -> None:
    """A fresh code for the request; texted after commit if the number is a resident's.
    For an unknown number a code is made and thrown away, so the work done is the same."""
    code = f"{secrets.randbelow(10**6):06d}"
    send = _has_phone(request.principal) and _texts_today(request.phone) < TEXTS_PER_PHONE_PER_DAY
    request.code_hash = _code_hash(request.pk, code)
    request.code_sent_at = timezone.now()
    request.code_attempts = 0
    request.save(update_fields=["code_hash", "code_sent_at", "code_attempts"])
    if send:
        phone = request.principal.phone
        message = _(
            "[Linli] %(name)s asks to help you on Linli (act for you). If you agree, tell "
            "them this code: %(code)s. If you do not know them, ignore this message."
        ) % {"name": agent.display_name, "code": code}
        transaction.on_commit(lambda: sms_send(phone=phone, message=message))


@transaction.atomic
def proxy_request_create(*, agent: User, phone: str) -> ProxyRequest:
    """Ask to act for the owner of `phone`. The answer is the same whether or not it is known."""
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        raise PhoneInvalid(error.messages[0]) from None
    if phone == agent.phone:
        raise NotYourself()
    now = timezone.now()
    User.objects.select_for_update().filter(pk=agent.pk).get()  # one ask at a time per agent
    request = (
        ProxyRequest.objects.select_related("principal")
        .filter(agent=agent, phone=phone, state=ProxyRequest.State.PENDING)
        .first()
    )
    if request is not None and request.expires_at <= now:
        request.state = ProxyRequest.State.WITHDRAWN
        request.decided_at = now
        request.save(update_fields=["state", "decided_at"])
        request = None
    if request is None:
        principal = User.objects.filter(phone=phone, is_active=True).first()
        if (
            principal is not None
            and ProxyGrant.objects.filter(
                principal=principal, agent=agent, revoked_at__isnull=True
            ).exists()
        ):
            raise AlreadyHelping()  # they already act for this person: nothing to learn
        request = ProxyRequest.objects.create(
            agent=agent,
            phone=phone,
            principal=principal,
            created_at=now,
            expires_at=now + timedelta(days=REQUEST_DAYS),
        )
        _code_issue(request, agent=agent)
        if principal is not None:
            family_event_emit(
                user_id=principal.pk,
                event={
                    "type": "family.requested",
                    "request_id": request.pk,
                    "by": agent.display_name,
                },
            )
    elif request.code_sent_at is None or request.code_sent_at <= now - timedelta(
        seconds=RESEND_SECONDS
    ):
        _code_issue(request, agent=agent)  # asked again: a new code (a minute apart at most)
    return request


def _request_for_agent(*, agent: User, request_id: int) -> ProxyRequest:
    request = (
        ProxyRequest.objects.select_for_update(of=("self",))
        .select_related("principal")
        .filter(pk=request_id, agent=agent)
        .first()
    )
    if request is None:
        raise RequestNotFound()
    return request


def _check_open(request: ProxyRequest) -> None:
    if request.state == ProxyRequest.State.LOCKED:
        raise CodeLocked()
    if not request.is_open:
        raise RequestClosed()


def _request_decide(request: ProxyRequest, *, state: str, by: User) -> None:
    request.state = state
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["state", "decided_at", "decided_by"])


def proxy_request_confirm(*, agent: User, request_id: int, code: str) -> ProxyGrant:
    """The helper types the code the resident received. Five wrong codes lock the request.

    Two confirmations at once queue on the request's row lock: one makes the grant, the
    other finds the request answered."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    with transaction.atomic():
        request = _request_for_agent(agent=agent, request_id=request_id)
        _check_open(request)
        fresh = request.code_sent_at is not None and request.code_sent_at > timezone.now() - (
            timedelta(minutes=CODE_MINUTES)
        )
        right = (
            request.principal is not None
            and fresh
            and len(code) == 6
            and hmac.compare_digest(request.code_hash, _code_hash(request.pk, code))
        )
        if right:
            _request_decide(request, state=ProxyRequest.State.CONFIRMED, by=agent)
            return grants.grant_create(
                request=request,
                principal=request.principal,
                agent=agent,
                via=Via.SMS,
                approved_by=None,
            )
        request.code_attempts += 1
        locked = request.code_attempts >= CODE_ATTEMPTS_MAX
        fields = ["code_attempts"]
        if locked:
            request.state = ProxyRequest.State.LOCKED
            request.decided_at = timezone.now()
            fields += ["state", "decided_at"]
        request.save(update_fields=fields)
        left = CODE_ATTEMPTS_MAX - request.code_attempts
    # Outside the transaction: the count of wrong tries is kept.
    if locked:
        raise CodeLocked()
    if not fresh and request.code_sent_at is not None:
        raise CodeWrong(_("This code has run out. Tap “Send the code again”."))
    raise CodeWrong(_("The code is not right. You can try %(left)d more times.") % {"left": left})


@transaction.atomic
def proxy_request_approve(*, actor: User, request_id: int) -> ProxyGrant:
    """The resident agrees on their own page, or their grid worker after checking in person."""
    request = (
        ProxyRequest.objects.select_for_update(of=("self",))
        .select_related("principal", "agent")
        .filter(pk=request_id, principal__isnull=False)
        .first()
    )
    if request is None:
        raise RequestNotFound()
    if request.principal_id == actor.pk:
        via = Via.RESIDENT
    elif permissions.can_verify_for(actor, request.principal):
        via = Via.GRID_WORKER
        access_log_record(
            actor=actor,
            action="family.request_approved",
            subject=request.principal,
            detail={"request": request.pk, "agent": request.agent_id},
        )
    else:
        raise RequestNotFound()
    _check_open(request)
    _request_decide(request, state=ProxyRequest.State.CONFIRMED, by=actor)
    return grants.grant_create(
        request=request,
        principal=request.principal,
        agent=request.agent,
        via=via,
        approved_by=actor,
    )


@transaction.atomic
def proxy_request_decline(*, actor: User, request_id: int) -> ProxyRequest:
    """The resident or their grid worker says no; the asker may withdraw their own ask."""
    request = (
        ProxyRequest.objects.select_for_update(of=("self",))
        .select_related("principal")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise RequestNotFound()
    if request.agent_id == actor.pk:
        state = ProxyRequest.State.WITHDRAWN
    elif request.principal is not None and (
        request.principal_id == actor.pk or permissions.can_verify_for(actor, request.principal)
    ):
        state = ProxyRequest.State.DECLINED
    else:
        raise RequestNotFound()
    if request.state != ProxyRequest.State.PENDING:
        raise RequestClosed()
    _request_decide(request, state=state, by=actor)
    return request

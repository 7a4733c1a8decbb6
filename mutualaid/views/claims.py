"""A claim's pages: ask an offer for a quantity, the claim with its handover code and the
parties' contacts and messages, and the buttons that move it on. Thin over services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.throttles import throttle_page
from mutualaid import permissions
from mutualaid.forms import quantity_from
from mutualaid.selectors import claims as selectors
from mutualaid.services import claims


@login_required
@require_POST
@throttle_page("write")
def offer_claim(request, offer_id: int):
    quantity = quantity_from(request.POST)
    raw_need = (request.POST.get("need") or "").strip()
    bad_need = raw_need and not (raw_need.isascii() and raw_need.isdecimal() and len(raw_need) < 19)
    if quantity is None or bad_need:
        messages.error(request, _("The quantity must be a whole number of at least 1."))
        return redirect("aid-offer", offer_id=offer_id)
    need_id = int(raw_need) if raw_need else None
    try:
        claim = claims.claim_request(
            actor=request.user, offer_id=offer_id, quantity=quantity, need_id=need_id
        )
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("aid-offer", offer_id=offer_id)
    return redirect("aid-claim", claim_id=claim.pk)


@login_required
def claim_detail(request, claim_id: int):
    claim = selectors.claim_with_parties(claim_id)
    claim = permissions.require_party(request.user, claim)
    # The page is the parties' own: staff overseeing the claim read contacts through the
    # API (logged there); here they see the claim without them.
    party = permissions.is_party(request.user, claim)
    contacts = selectors.claim_contacts(viewer=request.user, claims=[claim]) if party else {}
    return render(
        request,
        "mutualaid/claim.html",
        {
            "claim": claim,
            "contact": contacts.get(claim.pk),
            "is_giver": claim.offer.giver_id == request.user.pk,
            "is_receiver": claim.receiver_id == request.user.pk,
            "thread": selectors.claim_messages(claim) if claim.pk in contacts else [],
        },
    )


@login_required
@require_POST
@throttle_page("write")
def claim_action(request, claim_id: int, action: str):
    try:
        if action == "confirm":
            claims.claim_confirm(
                actor=request.user, claim_id=claim_id, code=request.POST.get("code", "")
            )
        elif action == "renew-code":
            claims.claim_code_renew(actor=request.user, claim_id=claim_id)
            messages.success(request, _("A new code is ready. Show it to your neighbour."))
        elif action == "message":
            claims.claim_message_add(
                actor=request.user, claim_id=claim_id, body=request.POST.get("body", "")
            )
        else:
            service = {
                "accept": claims.claim_accept,
                "decline": claims.claim_decline,
                "cancel": claims.claim_cancel,
            }.get(action)
            if service is None:
                raise Http404
            service(actor=request.user, claim_id=claim_id)
    except ServiceError as error:
        messages.error(request, str(error.message))
    return redirect("aid-claim", claim_id=claim_id)

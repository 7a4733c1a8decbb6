"""Help in three taps: the ask page (a kind by chips, a quantity by chips, 发布), "我来帮忙"
on a need, and "转为互助" for a board post asking for help. Each step ends on a page that
says, in plain words, what happens next. Thin over services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.throttles import throttle_page
from mutualaid import permissions
from mutualaid.errors import NoHomeGrid
from mutualaid.forms import NeedAskForm, quantity_chips, quantity_from, usual_quantity
from mutualaid.models import Urgency
from mutualaid.selectors import campaigns
from mutualaid.selectors import needs as selectors
from mutualaid.selectors.helping import help_prefill, post_to_convert
from mutualaid.services import helping, needs

ASK_CHIPS = (1, 5, 10, 20, 50)


def told_message(told: int) -> str:
    if told:
        return ngettext(
            "%(n)d neighbour nearby has been told. We will let you know when someone helps.",
            "%(n)d neighbours nearby have been told. We will let you know when someone helps.",
            told,
        ) % {"n": told}
    return _(
        "Your request is on your grid's board for the neighbours to see. "
        "We will let you know when someone helps."
    )


def _ask_context(form, categories, chosen, quantity):
    chips = quantity_chips(prefill=quantity)
    values = {c["value"] for c in chips}
    for value in ASK_CHIPS:
        if value not in values:
            chips.append({"value": value, "label": str(value), "checked": False, "all": False})
    chips.sort(key=lambda c: c["value"])
    return {
        "form": form,
        "categories": categories,
        "chosen": chosen,
        "chips": chips,
        "quantity": quantity,
    }


@login_required
@throttle_page("write")
def need_new(request):
    """Ask for help: one tap on a kind (口罩, 药品, …), the quantity is prefilled with what
    neighbours usually ask for, one tap on 发布. A note is optional."""
    try:
        home = permissions.home_of(request.user)
    except NoHomeGrid as error:
        messages.error(request, str(error.message))
        return redirect("mutualaid")
    categories = list(selectors.categories())
    by_slug = {c.slug: c for c in categories}
    by_id = {c.pk: c for c in categories}
    chosen = by_slug.get(request.GET.get("category", ""))
    initial = {}
    quantity = None
    converting = post_to_convert(request.user, _post_id(request.GET.get("post")) or 0)
    if converting is not None:  # "转为互助" of a post that names no kind or no number
        chosen = chosen or converting["category"]
        initial["description"] = converting["note"]
        quantity = converting["quantity"]
    if chosen is not None:
        initial["category"] = chosen.pk
    running = list(campaigns.campaigns_open_for(grid=home.grid))
    form = NeedAskForm(
        request.POST or None, initial=initial, categories=categories, campaigns=running
    )
    quantity = quantity or usual_quantity(chosen)
    if request.method == "POST":
        quantity = quantity_from(request.POST)
        if form.is_valid():
            values = form.cleaned_data
            try:
                need = needs.need_create(
                    actor=request.user,
                    category_id=values["category"],
                    quantity=quantity if quantity is not None else 0,
                    description=values["description"],
                    urgency=Urgency.URGENT if values["urgent"] else Urgency.NORMAL,
                    campaign_id=values.get("campaign"),
                    post_id=_post_id(request.POST.get("post")),
                )
            except ServiceError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, told_message(need.neighbours_told))
                return redirect("aid-need", need_id=need.pk)
        chosen = by_id.get(form.cleaned_data.get("category")) if form.is_bound else chosen
    context = _ask_context(form, categories, chosen, quantity or usual_quantity(chosen))
    context["post"] = _post_id(request.POST.get("post") or request.GET.get("post"))
    return render(request, "mutualaid/need_new.html", context)


def _post_id(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 12 else None


@login_required
@require_POST
@throttle_page("write")
def need_help(request, need_id: int):
    """我来帮忙: the help exists at once, agreed by the giver; the page then says who
    hears of it and what to do when the two meet."""
    quantity = quantity_from(request.POST)
    try:
        claim = helping.need_help(
            actor=request.user,
            need_id=need_id,
            quantity=quantity if quantity is not None else 0,
            handover=request.POST.get("handover") or "delivery",
        )
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("aid-need", need_id=need_id)
    messages.success(
        request,
        _("Thank you! %(name)s has been told you will help.")
        % {"name": claim.receiver.display_name},
    )
    return redirect("aid-claim", claim_id=claim.pk)


@login_required
@require_POST
@throttle_page("write")
def post_convert(request, post_id: int):
    """转为互助 on the author's own board post asking for help: when the post names a
    kind and a number, the need is made at once from it; otherwise the ask page opens with
    the post's words as the note and the kind and number still to choose."""
    try:
        need = needs.need_from_post(actor=request.user, post_id=post_id)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("aid-need-new")
    if need is None:
        return redirect(f"{reverse('aid-need-new')}?post={post_id}")
    messages.success(request, told_message(need.neighbours_told))
    return redirect("aid-need", need_id=need.pk)


def need_page_context(request, need) -> dict:
    """What "我来帮忙" on a need's page needs: the chips, capped by what the viewer can
    give, and the helps already agreed for it."""
    context = {}
    if need.requester_id != request.user.pk and need.remaining > 0:
        prefill = help_prefill(request.user, need)
        context["help"] = prefill
        context["help_chips"] = quantity_chips(prefill=prefill["prefill"], cap=prefill["cap"])
    return context

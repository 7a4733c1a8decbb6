"""The family-help pages: thin, every write through family.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.throttles import throttle_page
from core.views import refuse
from family import selectors
from family.acting import SESSION_KEY
from family.forms import AskForm, AssistedForm, CodeForm
from family.models import ProxyRequest
from family.services import asks, grants
from grids.models import MicroGrid


def help_page(request):
    """How a family member can help; open without signing in (the sign-in pages link here)."""
    return render(request, "family/help.html")


@login_required
def home(request):
    """Who may act for me, whom I help, and what was done in my name."""
    me = request.user
    context = {
        "given": [g for g in selectors.grants_given(me)[: selectors.LIST_MAX] if g.is_active],
        "held": list(selectors.grants_held(me)[: selectors.LIST_MAX]),
        "to_me": list(selectors.requests_to_me(me)[: selectors.LIST_MAX]),
        "by_me": list(selectors.requests_by_me(me)[: selectors.LIST_MAX]),
        "actions": list(selectors.actions_for(me)[: selectors.LIST_MAX]),
        "is_staff": selectors.is_staff_for_family(me),
    }
    return render(request, "family/home.html", context)


@login_required
@throttle_page("join")
def ask(request):
    """A family member types the resident's number; a code goes to the resident's phone."""
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ask = asks.proxy_request_create(agent=request.user, phone=form.cleaned_data["phone"])
        except ServiceError as error:
            form.add_error("phone", str(error.message))
        else:
            return redirect("family-request", request_id=ask.pk)
    return render(request, "family/ask.html", {"form": form}, status=400 if form.errors else 200)


def _my_request(request, request_id: int) -> ProxyRequest:
    ask = ProxyRequest.objects.filter(pk=request_id, agent=request.user).first()
    if ask is None:
        raise Http404
    return ask


@login_required
@throttle_page("join")
def request_detail(request, request_id: int):
    """Type the code the resident received (the family member is usually beside them)."""
    ask = _my_request(request, request_id)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = asks.proxy_request_confirm(
                agent=request.user, request_id=ask.pk, code=form.cleaned_data["code"]
            )
        except ServiceError as error:
            form.add_error("code", str(error.message))
            ask.refresh_from_db()
        else:
            messages.success(
                request,
                _("Done. You can now act for %(name)s.") % {"name": grant.principal.display_name},
            )
            return redirect("family-home")
    return render(
        request,
        "family/request.html",
        {"ask": ask, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@throttle_page("join")
def request_resend(request, request_id: int):
    ask = _my_request(request, request_id)
    try:
        ask = asks.proxy_request_create(agent=request.user, phone=ask.phone)
    except ServiceError as error:
        refuse(request, error)
        return redirect("family-home")
    messages.success(request, _("If this number is on Linli, a new code is on its way."))
    return redirect("family-request", request_id=ask.pk)


@login_required
@require_POST
@throttle_page("write")
def request_approve(request, request_id: int):
    """The resident agrees on their page, or the grid worker after checking in person."""
    try:
        grant = asks.proxy_request_approve(actor=request.user, request_id=request_id)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(
            request,
            _("%(name)s can now act for %(whom)s.")
            % {"name": grant.agent.display_name, "whom": grant.principal.display_name},
        )
    return redirect("family-staff" if request.POST.get("from") == "staff" else "family-home")


@login_required
@require_POST
@throttle_page("write")
def request_decline(request, request_id: int):
    try:
        asks.proxy_request_decline(actor=request.user, request_id=request_id)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Done. Nobody was given access."))
    return redirect("family-staff" if request.POST.get("from") == "staff" else "family-home")


@login_required
@require_POST
@throttle_page("write")
def grant_revoke(request, grant_id: int):
    try:
        grants.proxy_grant_revoke(actor=request.user, grant_id=grant_id)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Family help has ended. They can no longer act for you."))
        if request.session.get(SESSION_KEY) == grant_id:
            request.session.pop(SESSION_KEY, None)
    return redirect("family-staff" if request.POST.get("from") == "staff" else "family-home")


@login_required
@require_POST
@throttle_page("write")
def acting_start(request, grant_id: int):
    """“Act for 王阿姨”: the session remembers the grant; every page shows the banner."""
    grant = grants.acting_grant(agent=request.user, grant_id=grant_id)
    request.session[SESSION_KEY] = grant.pk
    messages.success(
        request,
        _("You are now acting for %(name)s. Everything you do is shown to them.")
        % {"name": grant.principal.display_name},
    )
    return redirect("home")


@require_POST
def acting_stop(request):
    """“Stop acting”: back to oneself. Allowed while acting (family.acting.QUIET)."""
    request.session.pop(SESSION_KEY, None)
    return redirect("family-home")


@login_required
def staff(request):
    """Grid workers: asks to check in person, residents with no phone they help; cadres:
    the family help grid workers hold, which they may end."""
    if not selectors.is_staff_for_family(request.user):
        raise Http404
    buildings = list(
        MicroGrid.objects.filter(grid__grid_worker=request.user)
        .select_related("grid")
        .order_by("grid__number", "label")
    )
    form = AssistedForm(buildings=buildings)
    return render(
        request,
        "family/staff.html",
        {
            "pending": selectors.requests_for_grid_worker(request.user),
            "held": selectors.staff_held_grants_for(request.user),
            "form": form if buildings else None,
        },
    )


@login_required
@require_POST
@throttle_page("write")
def assisted_register(request):
    buildings = list(
        MicroGrid.objects.filter(grid__grid_worker=request.user).select_related("grid")
    )
    form = AssistedForm(request.POST, buildings=buildings)
    if form.is_valid():
        building = next(b for b in buildings if b.pk == form.cleaned_data["micro_grid"])
        try:
            grant = grants.assisted_resident_register(
                actor=request.user,
                grid_id=building.grid_id,
                micro_grid_id=building.pk,
                name=form.cleaned_data["name"],
            )
        except ServiceError as error:
            refuse(request, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered. You can now act for them.")
                % {"name": grant.principal.display_name},
            )
    else:
        messages.error(request, _("Please give a name and choose a building."))
    return redirect("family-staff")

"""Pages for residents and grid staff: thin, like the API, over services and selectors."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.throttles import throttle_page
from grids import permissions
from grids.errors import OutOfScope
from grids.forms import CommunityRoleForm, JoinCodeForm, JoinForm, RemoveForm
from grids.models import Community, Grid
from grids.selectors import places as selectors
from grids.services import places as services
from residents.forms import ProfileForm
from residents.phones import normalize_phone
from residents.selectors import unread_count
from residents.services import profile_update


@require_POST
def join_entry(request):
    """The form on the home page: a code typed instead of scanned."""
    form = JoinCodeForm(request.POST)
    if form.is_valid():
        code = services.normalize_join_code(form.cleaned_data["code"])
        if code:
            return redirect("join", code=code)
    messages.error(request, _("Please enter the join code printed under the QR code."))
    return redirect("home")


@throttle_page("join")
def join(request, code: str):
    """What a scanned QR code opens: the grid, then log in or sign up, then pick a building."""
    grid = selectors.grid_by_join_code(code)
    if grid is None:
        return render(request, "grids/join_invalid.html", {"code_form": JoinCodeForm()}, status=404)
    if not request.user.is_authenticated:
        return render(request, "grids/join.html", {"grid": grid, "next": request.path})
    form = JoinForm(request.POST or None, grid=grid)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.grid_join(
                    user=request.user,
                    code=grid.join_code,
                    micro_grid_id=form.cleaned_data["micro_grid"],
                    unit=form.cleaned_data["unit"],
                )
            except ServiceError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Welcome to %(grid)s!") % {"grid": grid.name})
                return redirect("home")
        status = 400
    return render(
        request,
        "grids/join.html",
        {"grid": grid, "form": form, "current": selectors.home_membership(request.user)},
        status=status,
    )


def _managed_grid(request, grid_id: int) -> Grid:
    grid = selectors.grid_with_worker(grid_id)
    if grid is None or not permissions.can_manage_grid(request.user, grid):
        raise Http404(str(OutOfScope().message))
    return grid


@login_required
def grid_manage(request, grid_id: int):
    """The grid worker's page: members with phone and room, verify or remove, the join code."""
    grid = _managed_grid(request, grid_id)
    members = selectors.grid_members(grid=grid)
    building = request.GET.get("building", "")
    if building.isdigit():
        members = members.filter(micro_grid_id=int(building))
    to_verify = request.GET.get("show") == "unverified"
    if to_verify:
        members = members.filter(verified_at__isnull=True)
    members = list(members[:500])
    services.members_listed(actor=request.user, grid=grid, count=len(members), page="manage")
    return render(
        request,
        "grids/manage.html",
        {
            "grid": grid,
            "members": members,
            "micro_grids": grid.micro_grids.all(),
            "building": building,
            "to_verify": to_verify,
            "can_publish": permissions.can_publish_notice(request.user, grid.community),
        },
    )


@login_required
@require_POST
@throttle_page("write")
def membership_verify(request, membership_id: int):
    try:
        membership = services.membership_verify(actor=request.user, membership_id=membership_id)
    except ServiceError as error:
        return HttpResponse(str(error.message), status=error.status)
    if request.htmx:
        return render(request, "grids/_member_row.html", {"m": membership})
    return redirect("grid-manage", grid_id=membership.grid_id)


@login_required
@require_POST
@throttle_page("write")
def membership_remove(request, membership_id: int):
    form = RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        membership = services.membership_remove(
            actor=request.user, membership_id=membership_id, reason=reason
        )
    except ServiceError as error:
        return HttpResponse(str(error.message), status=error.status)
    if request.htmx:
        return HttpResponse("")
    return redirect("grid-manage", grid_id=membership.grid_id)


@login_required
@require_POST
@throttle_page("write")
def join_code_rotate(request, grid_id: int):
    try:
        services.grid_join_code_rotate(actor=request.user, grid_id=grid_id)
    except ServiceError as error:
        raise Http404(str(error.message)) from error
    messages.success(request, _("The join code was replaced. Print the new poster."))
    return redirect("grid-manage", grid_id=grid_id)


def _join_url(request, grid: Grid) -> str:
    return request.build_absolute_uri(reverse("join", kwargs={"code": grid.join_code}))


@login_required
def grid_poster(request, grid_id: int):
    """A printable A4 poster: scan to join this grid."""
    grid = _managed_grid(request, grid_id)
    url = _join_url(request, grid)
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(
        scale=8, dark="#111", title=_("Join code %(code)s") % {"code": grid.join_code}
    )
    return render(request, "grids/poster.html", {"grid": grid, "qr_svg": svg, "join_url": url})


@login_required
def grid_qr(request, grid_id: int, fmt: str):
    grid = _managed_grid(request, grid_id)
    qr = segno.make(_join_url(request, grid), error="m")
    response = HttpResponse(content_type="image/svg+xml" if fmt == "svg" else "image/png")
    qr.save(response, kind=fmt, scale=12, border=2)
    response["Content-Disposition"] = f'inline; filename="grid-{grid.pk}-join.{fmt}"'
    return response


def _managed_community(request, community_id: int) -> Community:
    community = selectors.community_by_id(community_id)
    if community is None or not permissions.can_manage_community(request.user, community):
        raise Http404
    return community


@login_required
def community_overview(request, community_id: int):
    """For cadres: every grid of the community with its members, code and poster; the
    volunteers and volunteer leads they have appointed."""
    community = _managed_community(request, community_id)
    grids = selectors.grids_managed_by(request.user).filter(community=community)
    return render(
        request,
        "grids/community.html",
        {
            "community": community,
            "grids": grids,
            "appointed": selectors.volunteers_appointed(community),
            "role_form": CommunityRoleForm(),
        },
    )


@require_POST
@login_required
@throttle_page("write")
def community_role_grant(request, community_id: int):
    community = _managed_community(request, community_id)
    form = CommunityRoleForm(request.POST)
    user = None
    if form.is_valid():
        try:
            phone = normalize_phone(form.cleaned_data["phone"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("community", community.pk)
        user = selectors.resident_by_phone(community, phone)
    if user is None:
        messages.error(request, _("No resident of this community has that number."))
        return redirect("community", community.pk)
    services.role_grant(
        actor=request.user, user=user, role=form.cleaned_data["role"], community=community
    )
    messages.success(request, _("Appointed: %(name)s.") % {"name": user.display_name})
    return redirect("community", community.pk)


@require_POST
@login_required
@throttle_page("write")
def community_role_revoke(request, community_id: int, grant_id: int):
    community = _managed_community(request, community_id)
    grant = selectors.appointed_by_id(community, grant_id)
    if grant is None:
        raise Http404
    services.role_revoke(actor=request.user, user=grant.user, role=grant.role, community=community)
    messages.success(request, _("Role removed: %(name)s.") % {"name": grant.user.display_name})
    return redirect("community", community.pk)


@login_required
@throttle_page("write")
def profile(request):
    """我的: my account, my home grid and its history, my roles, display settings."""
    form = ProfileForm(request.POST or None, initial={"display_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, _("Saved."))
        return redirect("profile")
    return render(
        request,
        "grids/profile.html",
        {"form": form, "unread": unread_count(request.user), **selectors.me_summary(request.user)},
    )

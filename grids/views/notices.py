"""Notice pages: reading (which marks read), the cadre's composer and list with read
rates, who has not read (for the grid's staff), unpin and withdraw. Thin over services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.throttles import throttle_page
from grids import permissions
from grids.errors import OutOfScope
from grids.forms import NoticeForm
from grids.models import Community, Notice
from grids.selectors import board as selectors
from grids.selectors.places import (
    community_by_id,
    grid_by_id,
    grid_from_param,
    grids_managed_by,
    home_membership,
)
from grids.services import notices


def _notice(request, notice_id: int) -> Notice:
    return permissions.require_read_notice(request.user, selectors.notice_by_id(notice_id))


@login_required
def notice_detail(request, notice_id: int):
    notice = _notice(request, notice_id)
    read = notices.notice_read_mark(actor=request.user, notice_id=notice.pk)
    membership = home_membership(request.user)
    can_manage = permissions.can_publish_notice(request.user, notice.community)
    served = []
    if not can_manage:
        # A grid worker: who has not read it, in each grid they serve that it reaches.
        targets = {g.pk for g in notice.grids.all()}
        served = [
            g
            for g in grids_managed_by(request.user).filter(community_id=notice.community_id)
            if notice.all_grids or g.pk in targets
        ]
    return render(
        request,
        "grids/notice.html",
        {
            "notice": notice,
            "read": read,
            "can_manage": can_manage,
            "served_grids": served,
            "back_grid": membership.grid if membership else (served[0] if served else None),
        },
    )


def _community_for_notices(request, community_id: int) -> Community:
    community = community_by_id(community_id)
    try:
        return permissions.require_publish_notice(request.user, community)
    except OutOfScope:
        raise Http404 from None


@login_required
@throttle_page("write")
def notice_list(request, community_id: int):
    """The cadre's notices with their read rates, and the composer."""
    community = _community_for_notices(request, community_id)
    grids = list(community.grids.order_by("number"))
    form = NoticeForm(request.POST or None, grids=grids)
    if request.method == "POST" and form.is_valid():
        try:
            notice = notices.notice_publish(
                actor=request.user,
                community=community,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                category=form.cleaned_data["category"],
                grid_ids=[int(g) for g in form.cleaned_data["grids"]],
                pinned_until=form.cleaned_data["pinned_until"],
            )
        except ServiceError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Notice published."))
            return redirect("notice-receipts", notice_id=notice.pk)
    recent = list(selectors.notices_for_community(community_id=community.pk).order_by("-id")[:20])
    rates = selectors.notices_read_summary(community_id=community.pk, notices=recent)
    return render(
        request,
        "grids/notices.html",
        {
            "community": community,
            "form": form,
            "notices": [(n, rates[n.pk]) for n in recent],
        },
        status=400 if form.errors else 200,
    )


@login_required
def grid_notices(request, grid_id: int):
    """The grid staff's list: the latest notices reaching this grid, how many of its members
    have not read each, and a way to the list of who (the doors to knock on)."""
    grid = permissions.require_manage_grid(request.user, grid_by_id(grid_id))
    return render(
        request,
        "grids/grid_notices.html",
        {
            "grid": grid,
            "rows": selectors.notices_for_grid(grid=grid),
            "can_publish": permissions.can_publish_notice(request.user, grid.community),
        },
    )


@login_required
def notice_receipts(request, notice_id: int):
    """Read rate per grid; for one grid, who has not read it (doors to knock on)."""
    notice = selectors.notice_by_id(notice_id)
    grid_param = request.GET.get("grid", "")
    grid = None
    if grid_param:
        grid = grid_from_param(grid_param)
        if notice is None or grid is None:
            raise Http404
    else:
        if notice is None:
            raise Http404
        _community_for_notices(request, notice.community_id)
    unread = []
    if grid is not None:
        unread = notices.notice_unread_list(actor=request.user, notice=notice, grid=grid)
    rates = selectors.notice_read_rates(notice)
    if grid is not None:
        rates["grids"] = [r for r in rates["grids"] if r["grid"] == grid.pk]
    can_publish = grid is None or permissions.can_publish_notice(request.user, notice.community)
    return render(
        request,
        "grids/notice_receipts.html",
        {
            "notice": notice,
            "rates": rates,
            "grid": grid,
            "unread": unread,
            "can_publish": can_publish,
        },
    )


@login_required
@require_POST
@throttle_page("write")
def notice_action(request, notice_id: int, action: str):
    service = {"unpin": notices.notice_unpin, "withdraw": notices.notice_withdraw}.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, notice_id=notice_id)
    except OutOfScope:
        raise Http404 from None
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Done."))
    return redirect("notice-receipts", notice_id=notice_id)

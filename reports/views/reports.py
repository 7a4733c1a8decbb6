"""Reports' pages: 随手拍 (photo → kind → 发送, the place already the person's building),
"已有人反映 +1" before sending, my reports with their live state and rating, one report
with its timeline and the buttons the viewer may press, and the queues — a unit's on a
phone in the street, a grid worker's, a community's for its cadres. Thin over services;
live through /ws/me/ and /ws/reports/<scope>/<id>/ (static/js/reports.js)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.api import id_parse
from core.errors import ServiceError
from core.throttles import throttle_page
from grids.models import Grid
from grids.selectors.places import community_by_id, grid_by_id, grids_managed_by, home_membership
from reports import permissions, viewing
from reports.forms import CloseForm, NoteForm, RateForm, ReasonForm, ReportForm, RerouteForm
from reports.models import Report
from reports.selectors import reports as selectors
from reports.selectors.cards import queue_cards
from reports.services import submitting
from reports.services.submitting import ReportDuplicate

PAGE_SIZE = 20


def _grid_for(request) -> Grid | None:
    """Where the person reports: the grid named (staff on patrol), else their home grid,
    else the first grid they serve."""
    wanted = id_parse(request.POST.get("grid") or request.GET.get("grid"))
    if wanted:
        grid = grid_by_id(wanted)
        if grid is not None and permissions.can_report_in(request.user, grid):
            return grid
    home = home_membership(request.user)
    if home is not None:
        return home.grid
    patrol = selectors.patrol_grids(request.user)
    return patrol[0] if patrol else None


def _new_context(request, grid, form, categories, *, similar=(), chosen=None):
    home = home_membership(request.user)
    patrol = [] if home is not None else selectors.patrol_grids(request.user)
    return {
        "patrol_grids": patrol if len(patrol) > 1 else [],
        "form": form,
        "grid": grid,
        "categories": categories,
        "chosen": chosen,
        "home_building": home.micro_grid if home and home.grid_id == grid.pk else None,
        "similar": similar,
    }


@login_required
@throttle_page("write")
def report_new(request):
    """随手拍. Three taps: a photo, a kind of problem, 发送."""
    grid = _grid_for(request)
    if grid is None:
        messages.error(
            request,
            _("Join your grid first (scan the QR code on your building), then report a problem."),
        )
        return redirect("home")
    buildings = selectors.buildings_of(grid)
    categories = list(selectors.categories_active())
    home = home_membership(request.user)
    initial = {
        "micro_grid": home.micro_grid_id if home and home.grid_id == grid.pk else None,
        "public": True,
    }
    if id_parse(request.GET.get("category")):
        initial["category"] = id_parse(request.GET.get("category"))
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        categories=categories,
        buildings=buildings,
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        category = next(c for c in categories if c.pk == values["category"])
        try:
            place = submitting.place_resolve(
                actor=request.user,
                grid_id=grid.pk,
                micro_grid_id=values["micro_grid"],
                address=values["address"],
            )
            report = submitting.report_create(
                actor=request.user,
                category=category,
                place=place,
                description=values["description"],
                photos=values["photos"],
                public=values["public"],
                contact_ok=values["contact_ok"],
                not_duplicate=values["not_duplicate"],
            )
        except ReportDuplicate as duplicate:
            similar = selectors.reports_by_ids(duplicate.report_ids)
            _with_actions(similar, request.user)
            context = _new_context(
                request, grid, form, categories, similar=similar, chosen=category
            )
            return render(request, "reports/new.html", context, status=409)
        except ServiceError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, sent_message(report))
            return redirect("report", report.pk)
    chosen = None
    if form.is_bound and id_parse(form.data.get("category")):
        chosen = next((c for c in categories if c.pk == id_parse(form.data["category"])), None)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "reports/new.html",
        _new_context(request, grid, form, categories, chosen=chosen),
        status=status,
    )


def sent_message(report: Report) -> str:
    who = report.unit.name if report.unit_id else _("your grid worker")
    return _(
        "Sent to %(who)s. They are to accept it by %(accept)s and finish by %(close)s; "
        "you will see every step here."
    ) % {
        "who": who,
        "accept": _when(report.accept_due),
        "close": _when(report.close_due),
    }


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


@login_required
def similar(request):
    """The "已有人反映" box for the 随手拍 page (htmx, when a kind is chosen)."""
    grid = _grid_for(request)
    found = []
    category_id = id_parse(request.GET.get("category"))
    if grid is not None and category_id:
        category = selectors.category_active(category_id)
        if category is not None:
            try:
                place = submitting.place_resolve(
                    actor=request.user,
                    grid_id=grid.pk,
                    micro_grid_id=id_parse(request.GET.get("micro_grid")),
                    address="-",
                )
                found = submitting.similar_open(actor=request.user, category=category, place=place)
            except ServiceError:
                found = []
    _with_actions(found, request.user)
    return render(request, "reports/_similar.html", {"similar": found})


def _page(queryset, request, *, by_deadline: bool):
    """One page and the id to continue after: newest first (`-id`) or, for queues, by
    deadline (`close_due, id`, a keyset on both, so page 2 neither skips nor repeats)."""
    after = id_parse(request.GET.get("after"))
    if after and by_deadline:
        due = selectors.close_due_of(after)
        if due is not None:
            queryset = queryset.after(due, after)
    elif after:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset[: PAGE_SIZE + 1])
    more = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    _with_actions(rows, request.user)
    return rows, more


def _with_actions(reports, user) -> None:
    viewing.decorate(reports, viewer=user)
    for report in reports:
        report.actions = viewing.report_actions(user, report)


def _list(request, template_context: dict, queryset, *, fragment_id: str):
    reports, more = _page(queryset, request, by_deadline=bool(template_context.get("queue")))
    context = {**template_context, "reports": reports, "more": more, "fragment_id": fragment_id}
    if request.GET.get("fragment"):
        return render(request, "reports/_report_list.html", context)
    return render(request, "reports/list.html", context)


@login_required
def mine(request):
    """What I reported or said +1 to, newest first, each with its state, live."""
    return _list(
        request,
        {
            "title": _("My reports"),
            "socket": "/ws/me/",
            "empty": _("You have not reported anything yet. Seen a problem? Take a photo."),
            "show_new": True,
        },
        selectors.reports_of(request.user).order_by("-id"),
        fragment_id="my-reports",
    )


@login_required
def unit_queue(request, unit_id: int):
    """A unit's queue on a phone: soonest deadline first, 受理 in one tap."""
    try:
        unit = permissions.require_unit_staff(request.user, selectors.unit_by_id(unit_id))
    except ServiceError:
        raise Http404 from None
    return _list(
        request,
        {
            "title": unit.name,
            "socket": f"/ws/reports/unit/{unit.pk}/",
            "empty": _("Nothing waits for your unit. New reports appear here at once."),
            "queue": True,
            "dashboard_url": reverse("reports-dashboard-unit", args=[unit.pk]),
        },
        queue_cards(scope="unit", target_id=unit.pk).order_by("close_due", "id"),
        fragment_id="unit-queue",
    )


@login_required
def handling_queue(request):
    """The reports a grid worker handles themself (no unit matched)."""
    grids = grids_managed_by(request.user)
    mine_grids = [g for g in grids if g.grid_worker_id == request.user.pk]
    return _list(
        request,
        {
            "title": _("Reports I handle"),
            "socket": f"/ws/reports/grid/{mine_grids[0].pk}/" if mine_grids else "",
            "empty": _("No report waits for you."),
            "queue": True,
            "dashboard_url": reverse("reports-dashboard-grid", args=[mine_grids[0].pk])
            if mine_grids
            else "",
        },
        queue_cards(scope="handler", target_id=request.user.pk).order_by("close_due", "id"),
        fragment_id="handling-queue",
    )


@login_required
def community_open(request, community_id: int):
    """A community's open reports for its cadres: returned ones and overdue ones to act on."""
    try:
        community = permissions.require_manage_community(
            request.user, community_by_id(community_id)
        )
    except ServiceError:
        raise Http404 from None
    return _list(
        request,
        {
            "title": _("Open reports · %(community)s") % {"community": community.name},
            "socket": f"/ws/reports/community/{community.pk}/",
            "empty": _("No open reports in this community."),
            "queue": True,
            "dashboard_url": reverse("reports-dashboard-community", args=[community.pk]),
        },
        queue_cards(scope="community", target_id=community.pk).order_by("close_due", "id"),
        fragment_id="community-open",
    )


@login_required
def work(request):
    """Staff's way in: their unit's queue, or the reports they handle, or their
    community's open reports."""
    first = selectors.first_unit_of(request.user)
    if first is not None:
        return redirect("reports-unit-queue", first.pk)
    communities = permissions.cadre_communities(request.user)
    if communities:
        return redirect("reports-community-open", min(communities))
    if any(g.grid_worker_id == request.user.pk for g in grids_managed_by(request.user)):
        return redirect("reports-handling")
    return redirect("reports-mine")


def _detail_context(request, report: Report) -> dict:
    viewing.decorate([report], viewer=request.user)
    actions = viewing.report_actions(request.user, report)
    context = {
        "report": report,
        "actions": actions,
        "note_form": NoteForm(),
        "close_form": CloseForm(),
        "reason_form": ReasonForm(),
        "rate_form": RateForm(),
        "steps": list(report.steps.all()),
        "report_photos": [p for p in report.photos.all() if p.kind == "report"],
        "result_photos": [p for p in report.photos.all() if p.kind == "result"],
        "socket": _detail_socket(request, report),
        "contact_allowed": report.contact_ok
        and (
            permissions.can_handle(request.user, report) or viewing.oversees(request.user, report)
        ),
    }
    if "reroute" in actions:
        units = selectors.units_serving(report.community_id)
        context["reroute_form"] = RerouteForm(units=units)
    return context


def _detail_socket(request, report: Report) -> str:
    if report.unit_id and permissions.is_unit_staff(request.user, report.unit_id):
        return f"/ws/reports/unit/{report.unit_id}/"
    if viewing.oversees(request.user, report):
        return f"/ws/reports/grid/{report.grid_id}/"
    return "/ws/me/"


def _report_or_404(request, report_id: int) -> Report:
    try:
        return selectors.report_for_viewer(viewer=request.user, report_id=report_id)
    except ServiceError:
        raise Http404 from None


@login_required
def detail(request, report_id: int):
    report = _report_or_404(request, report_id)
    context = _detail_context(request, report)
    if request.GET.get("fragment"):
        return render(request, "reports/_report_detail.html", context)
    return render(request, "reports/detail.html", context)


@login_required
@require_POST
@never_cache
def contact(request, report_id: int):
    """The reporter's phone for the unit, when allowed: shown on its own, access-logged."""
    report = _report_or_404(request, report_id)
    try:
        phone = selectors.report_contact(viewer=request.user, report=report)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("report", report.pk)
    return render(request, "reports/contact.html", {"report": report, "phone": phone})


def _form_values(form_class, request, **kwargs) -> dict:
    form = form_class(request.POST, request.FILES or None, **kwargs)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        raise ServiceError(first)
    return form.cleaned_data


# The form of each move in viewing.MOVE_SERVICES (None: a button without fields).
MOVE_FORMS = {
    "follow": None,
    "accept": None,
    "progress": NoteForm,
    "close": CloseForm,
    "return": ReasonForm,
    "reroute": RerouteForm,
    "confirm": None,
    "reopen": ReasonForm,
    "withdraw": None,
    "rate": RateForm,
}

DONE = {
    "follow": gettext_lazy("You will hear every update of this report."),
    "accept": gettext_lazy("Accepted. The reporter has been told."),
    "progress": gettext_lazy("Update sent to the reporter."),
    "close": gettext_lazy("Marked done. The reporter has been told and can confirm it."),
    "return": gettext_lazy("Returned. The community's cadres will pass it on."),
    "reroute": gettext_lazy("Passed on. The new handler has been told."),
    "confirm": gettext_lazy("Thank you for confirming."),
    "reopen": gettext_lazy("Sent back to the unit with your reason."),
    "withdraw": gettext_lazy("Withdrawn."),
    "rate": gettext_lazy("Thank you for your rating."),
}


@login_required
@require_POST
@throttle_page("write")
def action(request, report_id: int, name: str):
    if name not in MOVE_FORMS:
        raise Http404
    form_class = MOVE_FORMS[name]
    kwargs = {}
    if form_class is RerouteForm:
        report = _report_or_404(request, report_id)
        kwargs["units"] = selectors.units_serving(report.community_id)
    try:
        values = _form_values(form_class, request, **kwargs) if form_class else {}
        viewing.report_move(name, actor=request.user, report_id=report_id, values=values)
    except ServiceError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, str(error.message))
    else:
        messages.success(request, str(DONE[name]))
    back = request.POST.get("next", "")
    if back.startswith("/reports/") and "//" not in back:
        return redirect(back)
    return redirect(reverse("report", args=[report_id]))

"""Organisers' pages: publish, the dashboard (attendees, ticks, rate, CSV, message,
copy, cancel, close), the rotating check-in QR; and the attendee's check-in landing."""

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import permissions, selectors
from activities.errors import CheckInRefused
from activities.forms import (
    ActivityForm,
    CancelForm,
    CopyForm,
    EditForm,
    MessageForm,
    ShiftFormSet,
)
from activities.models import Activity, SignUp
from activities.services import attendance as attendance_services
from activities.services import publishing, states
from activities.services.shifts import ShiftSpec
from activities.views.common import qr_svg
from core.errors import NotAllowed, NotFound, ServiceError
from core.throttles import throttle_page
from core.views import back, refuse
from grids.selectors.places import community_of
from residents.models import AgeBand

QR_REFRESH_SECONDS = 20


@login_required
@throttle_page("write")
def activity_new(request):
    community = community_of(request.user)
    permissions.require_organise(request.user, community)
    grids = list(community.grids.order_by("number", "pk"))
    form = ActivityForm(request.POST or None, request.FILES or None, grids=grids)
    shifts = ShiftFormSet(request.POST or None, prefix="shift")
    if request.method == "POST" and form.is_valid() and shifts.is_valid():
        data = form.cleaned_data
        specs = [
            ShiftSpec(
                role=s.cleaned_data.get("role", ""),
                starts_at=s.cleaned_data["starts_at"],
                ends_at=s.cleaned_data["ends_at"],
                capacity=s.cleaned_data["capacity"],
            )
            for s in shifts
            if not s.is_blank
        ]
        try:
            activity = publishing.activity_create(
                actor=request.user,
                community=community,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                place=data["place"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                signup_closes_at=data["signup_closes_at"],
                cancel_until=data["cancel_until"],
                capacity=data["capacity"],
                shifts=specs,
                audience=data["audience"],
                age_bands=data["age_bands"],
                waitlist=data["waitlist"],
                grid_ids=data["grids"],
                photos=data["photos"],
                repeat_weeks=data["repeat_weeks"] or 0,
            )
        except ServiceError as error:
            if isinstance(error, NotFound | NotAllowed):
                raise
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Published. Residents see it on their boards now."))
            return redirect("activity", activity_id=activity.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "shifts": shifts,
            "shifts_shown": _shift_rows_in_use(shifts),
            "community": community,
        },
        status=status,
    )


def _shift_rows_in_use(shifts) -> int:
    """How many shift rows to unfold: up to the last one filled in (none on a new form)."""
    used = [i + 1 for i, row in enumerate(shifts) if row.is_bound and row.has_changed()]
    return max(used or [0])


def _run(request, activity_id: int) -> Activity:
    return permissions.require_run(request.user, selectors.activity_detail(activity_id=activity_id))


@login_required
def manage(request, activity_id: int):
    activity = _run(request, activity_id)
    rows = list(selectors.attendees(activity=activity))
    next_week = timezone.localtime(activity.starts_at) + timedelta(weeks=1)
    return render(
        request,
        "activities/manage.html",
        {
            "activity": activity,
            "slots": list(activity.slots.all()),
            "attendees": rows,
            "summary": selectors.attendance_summary(activity=activity),
            "message_form": MessageForm(),
            "copy_form": CopyForm(initial={"starts_at": next_week}),
            "edit_form": EditForm(
                initial={
                    "title": activity.title,
                    "place": activity.place,
                    "description": activity.description,
                }
            ),
            "cancel_form": CancelForm(),
            "over": activity.ends_at <= timezone.now(),
        },
    )


@login_required
@require_POST
@throttle_page("write")
def attendance(request, signup_id: int):
    try:
        marked = attendance_services.attendance_mark(
            actor=request.user, signup_id=signup_id, attended=request.POST.get("attended") == "1"
        )
    except ServiceError as error:
        refuse(request, error)
        return back(request, reverse("activities"))
    messages.success(
        request,
        _("%(name)s: %(state)s")
        % {"name": marked.participant_name, "state": SignUp.State(marked.state).label},
    )
    return back(request, reverse("activity-manage", args=[marked.activity_id]))


@login_required
def ticket(request, activity_id: int, signup_id: int):
    """Where an attendee's ticket QR leads: the organiser ticks them in with one tap."""
    activity = _run(request, activity_id)
    row = selectors.attendees(activity=activity).filter(pk=signup_id).first()
    if row is None:
        raise Http404
    return render(request, "activities/ticket.html", {"activity": activity, "signup": row})


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula is run by spreadsheets: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def attendees_csv(request, activity_id: int):
    activity = _run(request, activity_id)
    attendance_services.attendees_export_logged(actor=request.user, activity=activity)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.csv"'
    response.write("\ufeff")  # spreadsheet apps read UTF-8 Chinese with the mark
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Participant"),
            _("Age"),
            _("Shift"),
            _("State"),
            _("Late"),
            _("Checked in"),
            _("Signed up by"),
        ]
    )
    for s in selectors.attendees(activity=activity):
        shift = timezone.localtime(s.slot.starts_at).strftime("%Y-%m-%d %H:%M")
        checked = s.checked_in_at and timezone.localtime(s.checked_in_at).strftime("%H:%M")
        writer.writerow(
            _csv_cell(v)
            for v in (
                s.participant_name,
                AgeBand(s.age_band).label if s.age_band else "",
                f"{s.slot.role} {shift}".strip(),
                SignUp.State(s.state).label,
                _("yes") if s.late else "",
                checked or "",
                s.user.display_name,
            )
        )
    return response


@login_required
@require_POST
@throttle_page("write")
def message_all(request, activity_id: int):
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message of up to 500 characters."))
        return redirect("activity-manage", activity_id=activity_id)
    try:
        told = attendance_services.attendees_message(
            actor=request.user, activity_id=activity_id, body=form.cleaned_data["body"]
        )
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Sent to %(n)d people.") % {"n": told})
    return redirect("activity-manage", activity_id=activity_id)


@login_required
@require_POST
@throttle_page("write")
def edit(request, activity_id: int):
    form = EditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a title and a place."))
        return redirect("activity-manage", activity_id=activity_id)
    try:
        publishing.activity_update(actor=request.user, activity_id=activity_id, **form.cleaned_data)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("activity-manage", activity_id=activity_id)


@login_required
@require_POST
@throttle_page("write")
def copy(request, activity_id: int):
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the new date and time."))
        return redirect("activity-manage", activity_id=activity_id)
    try:
        made = publishing.activity_copy(
            actor=request.user, activity_id=activity_id, starts_at=form.cleaned_data["starts_at"]
        )
    except ServiceError as error:
        refuse(request, error)
        return redirect("activity-manage", activity_id=activity_id)
    messages.success(request, _("Copied to the new date and published."))
    return redirect("activity-manage", activity_id=made.pk)


@login_required
@require_POST
@throttle_page("write")
def cancel(request, activity_id: int):
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        publishing.activity_cancel(actor=request.user, activity_id=activity_id, reason=reason)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The activity is cancelled and everyone signed up is told."))
    return redirect("activity-manage", activity_id=activity_id)


@login_required
@require_POST
@throttle_page("write")
def close_attendance(request, activity_id: int):
    try:
        count = attendance_services.attendance_close(actor=request.user, activity_id=activity_id)
    except ServiceError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Attendance closed: %(n)d marked absent.") % {"n": count})
    return redirect("activity-manage", activity_id=activity_id)


def _qr_context(request, activity: Activity) -> dict:
    code = attendance_services.checkin_code(activity)
    url = request.build_absolute_uri(reverse("activity-checkin", args=[activity.pk]))
    url = f"{url}?code={code}"
    return {
        "activity": activity,
        "checkin_url": url,
        "qr_svg": qr_svg(url, title=_("Check in to %(title)s") % {"title": activity.title}),
        "refresh": QR_REFRESH_SECONDS,
    }


@login_required
def checkin_qr(request, activity_id: int):
    """The organiser's screen at the door: a QR that changes every few seconds, so a
    photo of it sent to someone at home stops working."""
    activity = _run(request, activity_id)
    return render(request, "activities/checkin_qr.html", _qr_context(request, activity))


@login_required
def checkin_qr_partial(request, activity_id: int):
    activity = _run(request, activity_id)
    return render(request, "activities/_checkin_qr.html", _qr_context(request, activity))


@login_required
@throttle_page("write")
def checkin(request, activity_id: int):
    """Where the door QR leads: confirm, and my places on now are marked attended."""
    activity = permissions.require_view(request.user, states.activity_from_id(activity_id))
    code = request.POST.get("code") or request.GET.get("code", "")
    context = {"activity": activity, "code": code}
    if request.method != "POST":
        return render(request, "activities/checkin.html", context)
    try:
        done = attendance_services.checkin_by_code(
            actor=request.user, activity_id=activity.pk, code=code
        )
    except CheckInRefused as error:
        context["error"] = error.message
        return render(request, "activities/checkin.html", context, status=error.status)
    context |= {
        "done": done,
        "hours": sum(float(s.hours) for s in done),
        "points": selectors.points_for_signups(user=request.user, signup_ids=[s.pk for s in done]),
    }
    return render(request, "activities/checkin.html", context)

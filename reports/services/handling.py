"""A report's life after dispatch: the unit accepts, updates and closes it (with a result
photo), or returns it; a cadre passes it on (流转); the reporter confirms, sends it back
(重新处理, counted against the unit), withdraws it before it is accepted, and rates it.

Every move locks the report and checks it against `states.MOVES`: of two staff acting
at once, the second is told what the first did (409).
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.photos import PreparedPhoto, photo_files, photo_prepare
from reports import events, permissions
from reports.errors import NotFound, ReportInvalid, ReportStateConflict
from reports.models import MAX_PHOTOS, NOTE_MAX_CHARS, HandlingUnit, Report, ReportPhoto, ReportStep
from reports.services import states, stats
from residents.models import User

A = ReportStep.Action


def _note(text: str, *, required: str = "") -> str:
    text = (text or "").strip()
    if len(text) > NOTE_MAX_CHARS:
        raise ReportInvalid(_("Please keep it under %(n)d characters.") % {"n": NOTE_MAX_CHARS})
    if required and not text:
        raise ReportInvalid(required)
    return text


@transaction.atomic
def report_accept(*, actor: User, report_id: int, now=None) -> Report:
    """已受理: the unit takes it on. Of two staff accepting at once, one wins."""
    report = states.locked_report(report_id)
    permissions.require_handle(actor, report)
    now = now or timezone.now()
    return states.move(report, A.ACCEPTED, actor=actor, now=now, fields={"accepted_at": now})


@transaction.atomic
def report_progress(*, actor: User, report_id: int, note: str, now=None) -> Report:
    """处理中, with a word on what is being done (seen by the reporter)."""
    report = states.locked_report(report_id)
    permissions.require_handle(actor, report)
    note = _note(note, required=_("Write what is being done."))
    return states.move(report, A.PROGRESS, actor=actor, note=note, now=now)


def report_close(
    *, actor: User, report_id: int, note: str, photos: Sequence = (), now=None
) -> Report:
    """已办结, with a note and (ideally) a photo of the result."""
    note = _note(note, required=_("Write what was done."))
    if len(photos) > MAX_PHOTOS:
        raise ReportInvalid(_("A report can carry at most %(n)d photos.") % {"n": MAX_PHOTOS})
    prepared: list[PreparedPhoto] = [photo_prepare(upload) for upload in photos]
    with photo_files() as files:
        return _close(
            actor=actor, report_id=report_id, note=note, prepared=prepared, files=files, now=now
        )


@transaction.atomic
def _close(*, actor, report_id, note, prepared, files, now) -> Report:
    report = states.locked_report(report_id)
    permissions.require_handle(actor, report)
    states.check_move(report, A.CLOSED)
    now = now or timezone.now()
    start = ReportPhoto.objects.filter(report=report, kind=ReportPhoto.Kind.RESULT).count()
    rows = []
    for i, p in enumerate(prepared):
        image, thumb = files.store(p, folder=f"reports/{report.community_id}")
        rows.append(
            ReportPhoto(
                report=report,
                kind=ReportPhoto.Kind.RESULT,
                position=start + i,
                image=image,
                thumb=thumb,
                width=p.width,
                height=p.height,
            )
        )
    ReportPhoto.objects.bulk_create(rows)
    states.move(
        report,
        A.CLOSED,
        actor=actor,
        note=note,
        now=now,
        fields={"closed_at": now, "result_note": note, "done_at": now},
    )
    stats.count_closed(report)
    return report


@transaction.atomic
def report_confirm(*, actor: User, report_id: int, now=None) -> Report:
    """已确认: the reporter agrees it is fixed."""
    report = states.locked_report(report_id)
    permissions.require_reporter(actor, report)
    return states.move(report, A.CONFIRMED, actor=actor, now=now)


@transaction.atomic
def report_reopen(*, actor: User, report_id: int, reason: str, now=None) -> Report:
    """重新处理: the reporter says it is not fixed. Back to the same unit, with fresh
    deadlines, counted against it."""
    report = states.locked_report(report_id)
    permissions.require_reporter(actor, report)
    reason = _note(reason, required=_("Say what is still wrong."))
    now = now or timezone.now()
    states.check_move(report, A.REOPENED)
    stats.count_reopened(report, now)
    category = report.category
    return states.move(
        report,
        A.REOPENED,
        actor=actor,
        note=reason,
        now=now,
        fields={
            "reopen_count": report.reopen_count + 1,
            "closed_at": None,
            "done_at": None,
            "accepted_at": None,
            "escalation": 0,
            "escalated_at": None,
            "accept_due": now + timezone.timedelta(hours=category.accept_hours),
            "close_due": now + timezone.timedelta(hours=category.close_hours),
        },
    )


@transaction.atomic
def report_return(*, actor: User, report_id: int, reason: str, now=None) -> Report:
    """退回: the unit cannot handle it (not theirs, not possible); a cadre passes it on."""
    report = states.locked_report(report_id)
    permissions.require_handle(actor, report)
    reason = _note(reason, required=_("Say why your unit cannot handle it."))
    return states.move(report, A.RETURNED, actor=actor, note=reason, now=now)


@transaction.atomic
def report_reroute(
    *, actor: User, report_id: int, unit_id: int | None, note: str = "", now=None
) -> Report:
    """流转: a cadre (or the grid worker) passes it to another unit, or (no unit) to the
    grid worker. New deadlines start from now."""
    report = states.locked_report(report_id)
    permissions.require_oversee(actor, report)
    note = _note(note)
    unit = None
    if unit_id is not None:
        unit = HandlingUnit.objects.filter(
            pk=unit_id, active=True, communities=report.community_id
        ).first()
        if unit is None:
            raise NotFound(_("No such unit serves this community."))
    states.check_move(report, A.REROUTED)
    now = now or timezone.now()
    category = report.category
    target = unit.name if unit else _("the grid worker")
    return states.move(
        report,
        A.REROUTED,
        actor=actor,
        note=note or _("Passed to %(unit)s.") % {"unit": target},
        now=now,
        fields={
            "unit": unit,
            "handler_id": None if unit else report.grid.grid_worker_id,
            "accepted_at": None,
            "escalation": 0,
            "escalated_at": None,
            "accept_due": now + timezone.timedelta(hours=category.accept_hours),
            "close_due": now + timezone.timedelta(hours=category.close_hours),
        },
    )


@transaction.atomic
def report_withdraw(*, actor: User, report_id: int, now=None) -> Report:
    """The reporter takes it back before anyone accepted it (a mistake, it went away)."""
    report = states.locked_report(report_id)
    permissions.require_reporter(actor, report)
    now = now or timezone.now()
    return states.move(report, A.WITHDRAWN, actor=actor, now=now, fields={"done_at": now})


@transaction.atomic
def report_rate(*, actor: User, report_id: int, rating: int, comment: str = "", now=None) -> Report:
    """满意度 1–5 and a comment, once, after it was closed. Rating it confirms it."""
    report = states.locked_report(report_id)
    permissions.require_reporter(actor, report)
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ReportInvalid(_("Choose from 1 to 5 stars."))
    comment = _note(comment)
    if report.state not in (Report.State.CLOSED, Report.State.CONFIRMED):
        raise ReportStateConflict(_("You can rate it once it is done."))
    if report.rating is not None:
        raise ReportStateConflict(_("You have already rated this report."))
    now = now or timezone.now()
    report.rating, report.rating_comment = rating, comment
    report.save(update_fields=["rating", "rating_comment"])
    stats.count_rated(report, now)
    if report.state == Report.State.CLOSED:
        states.move(report, A.CONFIRMED, actor=actor, now=now)
        states.step_record(report, A.RATED, actor=actor, note=comment, now=now)
        return report
    states.step_record(report, A.RATED, actor=actor, note=comment, now=now)
    states.touch(report, now=now)
    events.report_changed(report, notify=False)
    return report

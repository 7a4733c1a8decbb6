"""Reminders the day before and an hour before, sent once however many workers run."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from activities.models import Activity, Reminder, SignUp
from residents.events import user_group, users_event_send_on_commit


def reminders_schedule(activity: Activity) -> list[Reminder]:
    """The day-before and hour-before reminders. A backend that can defer (the database
    backend) runs each at its time; otherwise `reminders_send_due` sends what is due."""
    from activities.tasks import reminder_send  # the task module imports this one

    now = timezone.now()
    due = {
        Reminder.Kind.DAY: activity.starts_at - timedelta(days=1),
        Reminder.Kind.HOUR: activity.starts_at - timedelta(hours=1),
    }
    made = [
        Reminder.objects.create(activity=activity, kind=kind, due_at=at)
        for kind, at in due.items()
        if at > now
    ]
    if made and reminder_send.get_backend().supports_defer:

        def enqueue() -> None:
            for reminder in made:
                reminder_send.using(run_after=reminder.due_at).enqueue(reminder.pk)

        transaction.on_commit(enqueue)
    return made


@transaction.atomic
def reminder_send(*, reminder_id: int) -> int:
    """Send one reminder to everyone with a confirmed place, once: the conditional update
    that stamps `sent_at` lets exactly one run through. Returns how many were told."""
    now = timezone.now()
    won = Reminder.objects.filter(
        pk=reminder_id, sent_at__isnull=True, due_at__lte=now + timedelta(minutes=1)
    ).update(sent_at=now)
    if not won:
        return 0
    reminder = Reminder.objects.select_related("activity").get(pk=reminder_id)
    activity = reminder.activity
    if activity.state != Activity.State.PUBLISHED or activity.starts_at <= now:
        return 0
    user_ids = set(
        SignUp.objects.filter(activity=activity, state=SignUp.State.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )
    if not user_ids:
        return 0
    return users_event_send_on_commit(
        user_ids=user_ids,
        event={
            "type": "activity.reminder",
            "activity": activity.pk,
            "title": activity.title,
            "place": activity.place,
            "starts_at": activity.starts_at.isoformat(),
            "when": reminder.kind,
        },
        nudge_groups=[user_group(u) for u in user_ids],
    )


def reminders_send_due() -> int:
    """Enqueue every reminder that is due and unsent (run from cron with the immediate
    backend; harmless next to a worker, since each is sent once)."""
    from activities.tasks import reminder_send as task

    ids = list(
        Reminder.objects.filter(sent_at__isnull=True, due_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    for reminder_id in ids:
        task.enqueue(reminder_id)
    return len(ids)

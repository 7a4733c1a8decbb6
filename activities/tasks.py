"""Background work for activities, through django-tasks (the Django tasks API)."""

from django_tasks import task

from activities.services import reminders


@task()
def reminder_send(reminder_id: int) -> int:
    """Send one activity reminder (once, however often it runs)."""
    return reminders.reminder_send(reminder_id=reminder_id)

"""Background work for activities, through django-tasks (the Django tasks API)."""

from django_tasks import task

from activities import services


@task()
def reminder_send(reminder_id: int) -> int:
    """Send one activity reminder (once, however often it runs)."""
    return services.reminder_send(reminder_id=reminder_id)

from django.core.management.base import BaseCommand

from activities.services.reminders import reminders_send_due


class Command(BaseCommand):
    help = (
        "Send activity reminders that are due (run every few minutes from cron when the "
        "immediate task backend is used; with the database backend the worker sends them)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"reminders due: {reminders_send_due()}")

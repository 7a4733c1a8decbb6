from django.core.management.base import BaseCommand

from reports.services.escalation import reports_sweep


class Command(BaseCommand):
    help = (
        "Escalate overdue reports and confirm closed ones the reporter left unanswered "
        "(run every few minutes from cron)."
    )

    def handle(self, *args, **options):
        result = reports_sweep()
        self.stdout.write(f"escalated: {result.escalated}, confirmed: {result.confirmed}")

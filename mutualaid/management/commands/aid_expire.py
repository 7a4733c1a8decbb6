from django.core.management.base import BaseCommand

from mutualaid.services import aid_expire


class Command(BaseCommand):
    help = "Close what ran out: stale accepted claims, and needs and offers past their date."

    def handle(self, *args, **options):
        counts = aid_expire()
        claims, needs, offers = counts["claims"], counts["needs"], counts["offers"]
        self.stdout.write(f"expired: {claims} claims, {needs} needs, {offers} offers")

from django.core.management.base import BaseCommand

from mutualaid.services import claims


class Command(BaseCommand):
    help = "Close what ran out: stale accepted claims, and needs and offers past their date."

    def handle(self, *args, **options):
        counts = claims.aid_expire()
        claim_count, need_count, offer_count = counts["claims"], counts["needs"], counts["offers"]
        self.stdout.write(
            f"expired: {claim_count} claims, {need_count} needs, {offer_count} offers"
        )

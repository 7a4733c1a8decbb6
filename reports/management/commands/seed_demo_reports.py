import json

from django.core.management.base import BaseCommand

from reports.demo import demo_reports


class Command(BaseCommand):
    help = (
        "Add handling units, their staff, the routing table and a dozen reports to the "
        "demo community (after seed_demo; idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="Print the units and staff accounts as JSON."
        )

    def handle(self, *args, json: bool = False, **options):
        demo = demo_reports()
        if json:
            self.stdout.write(self._json(demo))
            return
        if not demo["units"]:
            self.stdout.write("No demo community yet: run seed_demo first.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"demo reports added: {demo['reports']}; {len(demo['units'])} handling units, "
                "one staff account each, same password as the other demo accounts."
            )
        )
        for account in demo["staff"]:
            self.stdout.write(
                f"  {'unit staff':<14} {account['phone']}  {account['display_name']}"
                f"  {account['unit']}"
            )

    @staticmethod
    def _json(demo: dict) -> str:
        return json.dumps(demo, ensure_ascii=False, indent=2)

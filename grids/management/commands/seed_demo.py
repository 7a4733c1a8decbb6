import json

from django.core.management.base import BaseCommand

from grids.demo import demo_build


class Command(BaseCommand):
    help = "Build the 东湖社区 and 南湖社区 demo communities (deterministic, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="Print every account and join code as JSON."
        )

    def handle(self, *args, json: bool = False, **options):
        demo = demo_build()
        if json:
            self.stdout.write(self._json(demo))
            return
        accounts = demo["accounts"]
        home = demo["community"]["name"]
        first = {}
        for account in accounts:
            if account["community"] in (None, home):
                first.setdefault(account["role"], account)
        self.stdout.write(
            self.style.SUCCESS(
                f"{demo['community']['name']}: {len(demo['grids'])} grids, "
                f"{len(accounts)} demo accounts, password “{demo['password']}” for all."
            )
        )
        for role, account in first.items():
            where = f"  grid {account['grid']}" if account["grid"] else ""
            self.stdout.write(f"  {role:<14} {account['phone']}  {account['display_name']}{where}")
        for account in accounts:
            if account["role"] == "cadre" and account["community"] != home:
                self.stdout.write(
                    f"  {'cadre':<14} {account['phone']}  {account['display_name']}"
                    f"  {account['community']}"
                )
        for grid in demo["grids"][:3]:
            self.stdout.write(
                f"  join code of {grid['name']}: {grid['join_code']}  "
                f"(http://127.0.0.1:8000{grid['join_path']})"
            )
        self.stdout.write("  All accounts and codes: python manage.py seed_demo --json")

    @staticmethod
    def _json(demo: dict) -> str:
        return json.dumps(demo, ensure_ascii=False, indent=2)

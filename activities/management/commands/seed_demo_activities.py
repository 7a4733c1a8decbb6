from django.core.management.base import BaseCommand

from activities.demo import demo_activities


class Command(BaseCommand):
    help = "Add demo activities and rewards to the demo community (after seed_demo)."

    def handle(self, *args, **options):
        made = demo_activities()
        self.stdout.write(f"demo activities added: {made}")

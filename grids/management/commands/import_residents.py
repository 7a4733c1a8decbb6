from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grids.imports import RESIDENT_COLUMNS, ImportRejected, resident_import
from grids.models import Community


class Command(BaseCommand):
    help = (
        "Import a roster CSV with columns "
        + ", ".join(RESIDENT_COLUMNS)
        + " (and optionally unit) into one community. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--community",
            help="Community name (needed when there is more than one community).",
        )

    def handle(self, *args, file: Path, community: str | None, **options):
        communities = Community.objects.all()
        if community:
            communities = communities.filter(name=community)
        found = list(communities[:2])
        if len(found) != 1:
            raise CommandError(
                "Name the community with --community (it must match exactly one community)."
            )
        try:
            with file.open(encoding="utf-8-sig", newline="") as fh:
                report = resident_import(file=fh, community=found[0])
        except FileNotFoundError as error:
            raise CommandError(f"{file}: file not found") from error
        except ImportRejected as rejected:
            for line, message in rejected.errors:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError(
                f"{len(rejected.errors)} bad rows; nothing was imported."
            ) from rejected
        self.stdout.write(self.style.SUCCESS(f"Imported: {report.created or 'nothing new'}"))

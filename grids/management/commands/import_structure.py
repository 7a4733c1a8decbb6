from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grids.imports import (
    STRUCTURE_COLUMNS,
    STRUCTURE_POINT_COLUMNS,
    ImportRejected,
    structure_import,
)


class Command(BaseCommand):
    help = (
        "Import communities, grids and buildings from a CSV with columns "
        + ", ".join(STRUCTURE_COLUMNS)
        + " (one row per building; optional "
        + ", ".join(STRUCTURE_POINT_COLUMNS)
        + " for the building's map point). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            with file.open(encoding="utf-8-sig", newline="") as fh:
                report = structure_import(file=fh)
        except FileNotFoundError as error:
            raise CommandError(f"{file}: file not found") from error
        except ImportRejected as rejected:
            for line, message in rejected.errors:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError(
                f"{len(rejected.errors)} bad rows; nothing was imported."
            ) from rejected
        self.stdout.write(self.style.SUCCESS(f"Imported: {report.created or 'nothing new'}"))

"""`python manage.py refresh_insights [--all | --from DATE --to DATE]`: recount the rollups."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insights.services.rollups import refresh_all_rollups, refresh_recent_rollups, refresh_rollups


class Command(BaseCommand):
    help = "Recount the insights rollups: the last days (default), a range, or every day with a case."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Every day with a case (after an import).")
        parser.add_argument("--from", dest="start", type=date.fromisoformat)
        parser.add_argument("--to", dest="end", type=date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            written = refresh_all_rollups()
        elif options["start"] and options["end"]:
            written = refresh_rollups(start=options["start"], end=options["end"])
        else:
            written = refresh_recent_rollups()
        self.stdout.write(self.style.SUCCESS(f"Rollups recounted: {written} rows written."))

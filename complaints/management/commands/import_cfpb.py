"""`python manage.py import_cfpb PATH [PATH …]`: load CFPB complaint CSV files (gzip or plain)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints.importing.cfpb import Problem
from complaints.importing.runner import BATCH_SIZE, import_files


class Command(BaseCommand):
    help = (
        "Import complaints from CFPB Consumer Complaint Database CSV files (gzip or plain). "
        "Safe to run again: complaints already imported are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")

        def report_problem(problem: Problem) -> None:
            self.stderr.write(f"bad row {problem}")

        report = import_files(
            paths,
            batch_size=options["batch_size"],
            progress=not options["no_progress"] and options["verbosity"] > 0,
            on_problem=report_problem,
        )
        for refusal in report.files_refused:
            self.stderr.write(self.style.ERROR(refusal))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.imported} complaints; {report.already_there} were already there; "
                f"{len(report.problems)} bad rows skipped."
            )
        )
        if report.files_refused:
            raise CommandError(f"{len(report.files_refused)} file(s) could not be imported.")

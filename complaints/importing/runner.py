"""One import run over several files: read, map, write in batches, show progress, list problems."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import connection
from tqdm import tqdm

from complaints.importing.cfpb import CfpbRow, NotACfpbFile, Problem, open_text, read_rows
from complaints.importing.writer import CfpbWriter
from complaints.models import Complaint
from complaints.signals import cases_imported

BATCH_SIZE = 2_000


@dataclass
class ImportReport:
    imported: int = 0
    already_there: int = 0
    problems: list[Problem] = field(default_factory=list)
    files_refused: list[str] = field(default_factory=list)
    # The span of the rows read, for the apps that keep figures per day.
    first_received: datetime | None = None
    last_received: datetime | None = None

    def saw(self, received_at: datetime) -> None:
        if self.first_received is None or received_at < self.first_received:
            self.first_received = received_at
        if self.last_received is None or received_at > self.last_received:
            self.last_received = received_at


def import_files(
    paths: list[Path],
    *,
    batch_size: int = BATCH_SIZE,
    progress: bool = True,
    on_problem: Callable[[Problem], None] | None = None,
) -> ImportReport:
    report = ImportReport()
    writer = CfpbWriter()
    for path in paths:
        try:
            _import_one(path, writer, report, batch_size=batch_size, progress=progress, on_problem=on_problem)
        except (NotACfpbFile, OSError) as error:
            report.files_refused.append(str(error))
    if report.imported and connection.vendor == "postgresql":
        # Fresh statistics after a bulk load, or the planner judges the new rows by the old
        # (a lookup by email walked the whole primary key before this).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE complaints_customer, complaints_complaint, complaints_timelineevent")
    if report.imported and report.first_received and report.last_received:
        cases_imported.send(
            sender=Complaint,
            first_received=report.first_received,
            last_received=report.last_received,
            count=report.imported,
        )
    return report


def _import_one(
    path: Path,
    writer: CfpbWriter,
    report: ImportReport,
    *,
    batch_size: int,
    progress: bool,
    on_problem: Callable[[Problem], None] | None,
) -> None:
    text, raw = open_text(path)
    with (
        text,
        tqdm(
            total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name, disable=not progress
        ) as bar,
    ):
        batch: list[CfpbRow] = []

        def flush() -> None:
            stored, skipped = writer.write(batch)
            report.imported += stored
            report.already_there += skipped
            batch.clear()
            bar.update(raw.tell() - bar.n)
            bar.set_postfix(imported=report.imported, skipped=report.already_there, bad=len(report.problems))

        for item in read_rows(path, text):
            if isinstance(item, Problem):
                report.problems.append(item)
                if on_problem is not None:
                    on_problem(item)
                continue
            batch.append(item)
            report.saw(item.received_at)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        bar.update(raw.tell() - bar.n)

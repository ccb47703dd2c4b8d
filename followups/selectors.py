"""Reads for the agents' follow-up pages: calls due and failed follow-ups, a page at a time by
key, with counts that stop at a cap instead of lists that stop without saying so."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from followups import conf
from followups.models import FollowUp
from portal.db import RowCompare, capped_count

PAGE_SIZE = 50
COUNT_CAP = 1000


@dataclass(frozen=True)
class FollowUpPage:
    rows: Sequence[FollowUp]
    next_cursor: str | None
    total: int  # counted up to COUNT_CAP
    overdue: int = 0

    @property
    def total_label(self) -> str:
        return f"{COUNT_CAP:,}+" if self.total >= COUNT_CAP else f"{self.total:,}"

    @property
    def overdue_label(self) -> str:
        return f"{COUNT_CAP:,}+" if self.overdue >= COUNT_CAP else f"{self.overdue:,}"


def _parse(cursor: str) -> tuple[datetime, int] | None:
    stamp, _, pk = cursor.rpartition("_")
    try:
        return datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return None


def calls_page(
    calls: QuerySet[FollowUp], *, now: datetime, cursor: str = "", size: int = PAGE_SIZE
) -> FollowUpPage:
    """Calls due, longest waiting first; each row knows whether it is overdue (`is_overdue`)."""
    overdue_before = now - conf.call_overdue_after()
    after = _parse(cursor) if cursor else None
    page = calls.order_by("due_at", "id")
    if after is not None:
        page = page.filter(RowCompare(["due_at", "id"], ">", list(after)))
    rows = list(page[: size + 1])
    for row in rows:
        row.is_overdue = row.due_at < overdue_before  # type: ignore[attr-defined]
    more = len(rows) > size
    rows = rows[:size]
    return FollowUpPage(
        rows,
        f"{rows[-1].due_at.isoformat()}_{rows[-1].pk}" if more else None,
        total=capped_count(calls, COUNT_CAP),
        overdue=capped_count(calls.filter(due_at__lt=overdue_before), COUNT_CAP),
    )


def failed_page(failed: QuerySet[FollowUp], *, cursor: str = "", size: int = PAGE_SIZE) -> FollowUpPage:
    """Failed follow-ups, newest failure first."""
    after = _parse(cursor) if cursor else None
    page = failed.order_by("-failed_at", "-id")
    if after is not None:
        page = page.filter(RowCompare(["failed_at", "id"], "<", list(after)))
    rows = list(page[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return FollowUpPage(
        rows,
        f"{rows[-1].failed_at.isoformat()}_{rows[-1].pk}" if more and rows[-1].failed_at else None,
        total=capped_count(failed, COUNT_CAP),
    )

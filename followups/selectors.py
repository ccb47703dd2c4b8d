"""Reads for the agents' follow-up pages: calls due and failed follow-ups, a page at a time by
key, with counts that stop at a cap instead of lists that stop without saying so."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

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


# Calls due are read in one pass, up to this many, and split into the agent's and the team's.
SCAN_CAP = 5_000


def calls_overview(
    calls: QuerySet[FollowUp],
    *,
    user_id: int,
    now: datetime,
    mine_after: str = "",
    team_after: str = "",
    size: int = PAGE_SIZE,
) -> tuple[FollowUpPage, FollowUpPage]:
    """The agent's calls and the team's calls (no owner, or an owner who has left), each with its
    counts and one page, from one pass over the due calls and one read of the rows shown. Past
    `SCAN_CAP` due calls each list is read on its own (`calls_page`)."""
    head = list(
        calls.order_by("due_at", "id").values_list(
            "pk", "due_at", "complaint__owner_id", "complaint__owner__is_active"
        )[: SCAN_CAP + 1]
    )
    if len(head) > SCAN_CAP:
        mine_calls = calls.filter(complaint__owner_id=user_id)
        team = calls.filter(Q(complaint__owner__isnull=True) | Q(complaint__owner__is_active=False))
        return (
            calls_page(mine_calls, now=now, cursor=mine_after, size=size),
            calls_page(team, now=now, cursor=team_after, size=size),
        )
    overdue_before = now - conf.call_overdue_after()
    mine = [(due, pk) for pk, due, owner, active in head if owner == user_id]
    team_keys = [(due, pk) for pk, due, owner, active in head if owner is None or not active]
    pages = [_slice(keys, after, size) for keys, after in ((mine, mine_after), (team_keys, team_after))]
    shown = {pk for keys, _ in pages for _, pk in keys}
    rows = {row.pk: row for row in calls.filter(pk__in=shown)}
    result = []
    for (keys, next_cursor), everything in zip(pages, (mine, team_keys), strict=True):
        page_rows = [rows[pk] for _, pk in keys if pk in rows]
        for row in page_rows:
            row.is_overdue = row.due_at < overdue_before  # type: ignore[attr-defined]
        overdue = sum(1 for due, _ in everything if due < overdue_before)
        result.append(
            FollowUpPage(
                page_rows, next_cursor, total=min(len(everything), COUNT_CAP), overdue=min(overdue, COUNT_CAP)
            )
        )
    return result[0], result[1]


def call_counts(calls: QuerySet[FollowUp], *, user_id: int) -> tuple[int, int]:
    """(calls due on the agent's cases, the team's calls), in one pass, each up to `COUNT_CAP`."""
    mine = team = 0
    for owner, active in calls.order_by().values_list("complaint__owner_id", "complaint__owner__is_active")[
        :SCAN_CAP
    ]:
        if owner == user_id:
            mine += 1
        elif owner is None or not active:
            team += 1
    return min(mine, COUNT_CAP), min(team, COUNT_CAP)


def _slice(
    keys: list[tuple[datetime, int]], cursor: str, size: int
) -> tuple[list[tuple[datetime, int]], str | None]:
    after = _parse(cursor) if cursor else None
    if after is not None:
        keys = [key for key in keys if key > after]
    page = keys[:size]
    more = len(keys) > size
    return page, (f"{page[-1][0].isoformat()}_{page[-1][1]}" if more else None)


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

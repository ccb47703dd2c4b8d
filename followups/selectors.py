"""Reads for the agents' follow-up pages: calls due and failed follow-ups, a page at a time by
key, with counts that stop at a cap instead of lists that stop without saying so."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from complaints.selectors.rows import stamp
from followups import conf
from followups.models import FollowUp, FollowUpChannel
from portal.db import RowCompare, capped_count
from portal.kept import MinuteKeep

PAGE_SIZE = 50
CHANNEL_LABELS = dict(FollowUpChannel.choices)
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


# Calls due are counted over at most this many (the counts show no more than COUNT_CAP anyway).
SCAN_CAP = 5_000


def _team_calls() -> Q:
    """Calls nobody is there to make: on unowned cases or on cases of someone who has left."""
    gone = get_user_model().objects.filter(is_active=False).values("pk")
    return Q(complaint__owner__isnull=True) | Q(complaint__owner_id__in=gone)


def _tally(calls: QuerySet[FollowUp], *, user_id: int, overdue_before: datetime | None) -> dict[str, int]:
    """How many due calls are the agent's and the team's (and, given `overdue_before`, how many of
    each are overdue), counted by the database over the first `SCAN_CAP` + 1 due calls: one
    statement, and no row comes back to Python."""
    mine, team = Q(complaint__owner_id=user_id), _team_calls()
    counts = {"mine": Count("pk", filter=mine), "team": Count("pk", filter=team)}
    if overdue_before is not None:
        late = Q(due_at__lt=overdue_before)
        counts |= {
            "mine_overdue": Count("pk", filter=mine & late),
            "team_overdue": Count("pk", filter=team & late),
        }
    # In the due-time index's order, so the cap needs no sort.
    return calls.select_related(None).order_by("due_at")[: SCAN_CAP + 1].aggregate(**counts)


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
    counts and one page: the counts from one statement over the due calls (`_tally`), then each
    page by key. Past `SCAN_CAP` due calls the counts show as capped."""
    overdue_before = now - conf.call_overdue_after()
    tally = _tally(calls, user_id=user_id, overdue_before=overdue_before)
    lists = (
        (calls.filter(complaint__owner_id=user_id), mine_after, "mine"),
        (calls.filter(_team_calls()), team_after, "team"),
    )
    result = []
    for subset, cursor, name in lists:
        rows, next_cursor = _due_page(subset, cursor=cursor, size=size) if tally[name] else ([], None)
        for row in rows:
            row.is_overdue = row.due_at < overdue_before  # type: ignore[attr-defined]
        result.append(
            FollowUpPage(
                rows,
                next_cursor,
                total=min(tally[name], COUNT_CAP),
                overdue=min(tally[f"{name}_overdue"], COUNT_CAP),
            )
        )
    return result[0], result[1]


def _due_page(calls: QuerySet[FollowUp], *, cursor: str, size: int) -> tuple[list[FollowUp], str | None]:
    after = _parse(cursor) if cursor else None
    page = calls.order_by("due_at", "id")
    if after is not None:
        page = page.filter(RowCompare(["due_at", "id"], ">", list(after)))
    rows = list(page[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (f"{rows[-1].due_at.isoformat()}_{rows[-1].pk}" if more else None)


def call_counts(calls: QuerySet[FollowUp], *, user_id: int) -> tuple[int, int]:
    """(calls due on the agent's cases, the team's calls), each up to `COUNT_CAP`."""
    tally = _tally(calls, user_id=user_id, overdue_before=None)
    return min(tally["mine"], COUNT_CAP), min(tally["team"], COUNT_CAP)


_home_counts = MinuteKeep()


def home_call_counts(
    calls: Callable[[], QuerySet[FollowUp]], *, user_id: int, now: datetime
) -> tuple[int, int]:
    """`call_counts` for the home page, kept by this process until the minute turns.

    Counting joins every due call to its case to learn its owner (6-10 ms at 1,734 due calls), on
    the page an agent opens most. Calls fall due by the minute, a call recorded in this process
    is counted again at once (`forget_home_followups`), and the calls page always counts afresh;
    any other change (a call recorded by another process, a transfer, a reopened case) shows
    here within a minute. `calls` builds the query only when the minute's counts are not kept."""
    counts: tuple[int, int] = _home_counts.get(
        user_id, now=now, count=lambda: call_counts(calls(), user_id=user_id)
    )
    return counts


_home_due = MinuteKeep()


def home_due_today(read: Callable[[], list[Any]], *, user_id: int, now: datetime) -> list[Any]:
    """Today's follow-ups on the user's cases for the home page, kept with the call counts and
    forgotten with them (`home_call_counts`): a round trip on every visit to the page an agent
    opens most, for a list that changes when a follow-up is sent or a call recorded."""
    rows: list[Any] = _home_due.get(user_id, now=now, count=read)
    return rows


def forget_home_followups() -> None:
    """This process's kept call counts and today's follow-ups, after it recorded a call."""
    _home_counts.forget()
    _home_due.forget()


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


@dataclass(frozen=True)
class AttentionRow:
    """A follow-up on the "needing attention" page, prepared in Python: the page draws up to 150
    rows, and a URL reversed and a date formatted per cell by the template cost more than the query."""

    pk: int
    reference: str
    case_url: str
    retry_url: str
    customer: str
    email: str
    channel: str
    when: str
    when_iso: str
    error: str


def attention_rows(followups: Iterable[FollowUp], *, when: str) -> list[AttentionRow]:
    """`when` names the time shown: "failed_at" for failures, "updated_at" for surveys in doubt."""
    case_prefix = reverse("complaints:detail", args=["RD"])[: -len("RD/")]
    retry_url = reverse("followups:retry", args=[0]).replace("/0/", "/{}/")
    rows = []
    for followup in followups:
        at: datetime | None = getattr(followup, when)
        rows.append(
            AttentionRow(
                pk=followup.pk,
                reference=followup.complaint.reference,
                case_url=f"{case_prefix}{followup.complaint.reference}/",
                retry_url=retry_url.format(followup.pk),
                customer=followup.customer.name,
                email=followup.customer.email,
                channel=CHANNEL_LABELS.get(followup.channel, followup.channel),
                when=stamp(at, year=False) if at else "",
                when_iso=at.isoformat() if at else "",
                error=followup.last_error,
            )
        )
    return rows

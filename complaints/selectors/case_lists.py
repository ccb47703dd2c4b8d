"""The case list's rules: which cases a set of filters selects, in which order, one page at a time.

Pages are cut by key, never by OFFSET and never counted: the cursor is the sort key of the last
row shown, compared as a row (`(received_at, id) < (…, …)`) so PostgreSQL starts the next page
inside the matching index however deep the page is.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from accounts.roles import user_roles
from complaints.access import visible_complaints
from complaints.models import FINISHED_STATUSES, OPEN_STATUSES, Complaint
from complaints.selectors.rows import list_rows
from portal import baked
from portal.baked import Over, Statement, statement
from portal.db import RowCompare

PAGE_SIZE = 25


class Sort(StrEnum):
    NEWEST = "newest"
    DUE = "due"


class UrgencyFilter(StrEnum):
    OVERDUE = "overdue"
    AT_RISK = "at_risk"
    ATTENTION = "attention"  # overdue or at risk


class StateFilter(StrEnum):
    OPEN = "open"
    FINISHED = "finished"


@dataclass(frozen=True)
class CaseFilters:
    """What the list is narrowed to; every field optional. `owner` is a user id, or "me", or
    "none" for unowned cases."""

    category: int | None = None
    severity: int | None = None
    channel: int | None = None
    owner: str = ""
    status: str = ""
    urgency: str = ""
    received_from: date | None = None
    received_to: date | None = None
    sort: Sort = Sort.NEWEST


def list_shape(user: AbstractBaseUser | AnonymousUser, filters: CaseFilters) -> Hashable | None:
    """Everything the SQL of `filter_cases(user, filters)` depends on, for compiling a list's reads
    once per process (`portal.baked.Over`): the user's roles, the filters' values (the order is no
    filter), the user for "mine", the time zone for dates. None with an urgency filter: it reads
    the time, which every visit changes."""
    if filters.urgency:
        return None
    shape: tuple[Any, ...] = ("cases", frozenset(user_roles(user)), replace(filters, sort=Sort.NEWEST))
    if filters.owner == "me":
        shape += (user.pk,)
    if filters.received_from or filters.received_to:
        shape += (timezone.get_current_timezone_name(),)
    return shape


def filter_cases(
    user: AbstractBaseUser | AnonymousUser, filters: CaseFilters, *, now: datetime
) -> QuerySet[Complaint]:
    """Visible cases narrowed by `filters` (unordered)."""
    cases = visible_complaints(user)
    if filters.category:
        cases = cases.filter(category_id=filters.category)
    if filters.severity:
        cases = cases.filter(severity_id=filters.severity)
    if filters.channel:
        cases = cases.filter(channel_id=filters.channel)
    if filters.owner == "none":
        cases = cases.filter(owner__isnull=True)
    elif filters.owner == "me":
        cases = cases.filter(owner_id=user.pk)
    elif filters.owner:
        cases = cases.filter(owner_id=int(filters.owner))
    if filters.status == StateFilter.OPEN:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status == StateFilter.FINISHED:
        cases = cases.filter(status__in=FINISHED_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    cases = cases.filter(urgency_q(filters.urgency, now))
    zone = timezone.get_current_timezone()
    if filters.received_from:
        cases = cases.filter(received_at__gte=datetime.combine(filters.received_from, time.min, tzinfo=zone))
    if filters.received_to:
        end = datetime.combine(filters.received_to + timedelta(days=1), time.min, tzinfo=zone)
        cases = cases.filter(received_at__lt=end)
    return cases


def urgency_q(urgency: str, now: datetime) -> Q:
    """Overdue: the running clock's next due time has passed. At risk: not yet, but less than a
    quarter of its window is left. Both read the generated columns through their indexes."""
    if urgency == UrgencyFilter.OVERDUE:
        return Q(due_at__lt=now)
    if urgency == UrgencyFilter.AT_RISK:
        return Q(due_at__gte=now, risk_at__lte=now)
    if urgency == UrgencyFilter.ATTENTION:
        return Q(due_at__isnull=False, risk_at__lte=now)
    return Q()


# --- Pages by key --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CasePage:
    cases: Sequence[Any]  # whatever `cases` yields: rows of `list_rows`, or cases
    next_cursor: str | None


def _stamp(value: datetime) -> str:
    return value.isoformat()


def _parse_cursor(text: str) -> tuple[str, datetime | None, int] | None:
    """'<part>_<stamp>_<id>': part is "d" (cases with a due time, by due time), "n" (the rest,
    by id) or "r" (newest first, by received time). Anything else starts from the top."""
    part, _, rest = text.partition("_")
    stamp, _, pk = rest.rpartition("_")
    try:
        number = int(pk)
        if part == "n":
            return part, None, number
        if part in ("d", "r"):
            return part, datetime.fromisoformat(stamp), number
    except ValueError:
        return None
    return None


def page_of_cases(
    cases: QuerySet[Complaint],
    *,
    sort: Sort,
    cursor: str = "",
    size: int = PAGE_SIZE,
    keys: QuerySet[Complaint] | None = None,
) -> CasePage:
    """One page of `cases` in `sort` order after `cursor`, and the cursor of the next page (None
    on the last). One row more than shown tells whether there is a next page, without counting.

    `keys`: the same cases as bare rows (before `list_rows`), for a filter that only the
    newest-first index can answer (at risk): the page's keys are chosen from that index alone (it
    carries the urgency columns), then only their rows are read. Walking the index and reading
    every row to test it read thousands of rows for one page of cases rarely at risk (6 ms at a
    million cases, against 1.5 ms)."""
    after = _parse_cursor(cursor) if cursor else None
    if sort == Sort.DUE:
        return _due_page(cases, after, size)
    if after is not None and after[0] == "r" and after[1] is not None:
        before = RowCompare(["received_at", "id"], "<", [after[1], after[2]])
        cases = cases.filter(before)
        keys = keys.filter(before) if keys is not None else None
    newest = cases.order_by("-received_at", "-id")
    if keys is not None:
        chosen = keys.order_by("-received_at", "-id").values("pk")[: size + 1]
        newest = newest.filter(pk__in=Subquery(chosen))
    rows = list(newest[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return CasePage(rows, f"r_{_stamp(rows[-1].received_at)}_{rows[-1].pk}" if more else None)


def newest_page(cases: Over, *, cursor: str = "", size: int = PAGE_SIZE) -> CasePage:
    """`page_of_cases(list_rows(cases), sort=Sort.NEWEST, …)` as a read compiled once per shape of
    the list (`portal.baked.Over`), the cursor's key as its values."""
    after = _parse_cursor(cursor) if cursor else None
    if after is not None and after[0] == "r" and after[1] is not None:
        rows = cases.rows(
            ("list:newest-after", size),
            partial(_newest_after, size),
            named=True,
            received=after[1],
            pk=after[2],
        )
    else:
        rows = cases.rows(("list:newest", size), partial(_newest, size), named=True)
    more = len(rows) > size
    rows = rows[:size]
    return CasePage(rows, f"r_{_stamp(rows[-1].received_at)}_{rows[-1].pk}" if more else None)


def _newest(size: int, cases: QuerySet[Complaint]) -> QuerySet[Any]:
    return list_rows(cases).order_by("-received_at", "-id")[: size + 1]


def _newest_after(size: int, cases: QuerySet[Complaint], *, received: datetime, pk: int) -> QuerySet[Any]:
    return _newest(size, cases.filter(RowCompare(["received_at", "id"], "<", [received, pk])))


def _due_page(
    cases: QuerySet[Complaint], after: tuple[str, datetime | None, int] | None, size: int
) -> CasePage:
    """Most urgent first: cases whose clock runs, by due time; then those without one (finished
    or waiting on the customer), newest id first. Two index ranges, read one after the other,
    rather than one `NULLS LAST` order that no cursor could bound."""
    rows: list[Any] = []
    if after is None or after[0] == "d":
        timed = cases.filter(due_at__isnull=False)
        if after is not None and after[1] is not None:
            timed = timed.filter(RowCompare(["due_at", "id"], ">", [after[1], after[2]]))
        rows = list(timed.order_by(*_TIMED_ORDER)[: size + 1])
        if len(rows) > size:
            return _due_cursor(rows, size)
    untimed = cases.filter(due_at__isnull=True)
    if after is not None and after[0] == "n" and after[2] > 0:
        untimed = untimed.filter(id__lt=after[2])
    rows += list(untimed.order_by(*_UNTIMED_ORDER)[: size + 1 - len(rows)])
    return _due_cursor(rows, size)


_TIMED_ORDER, _UNTIMED_ORDER = ("due_at", "id"), ("-id",)


def _due_cursor(rows: list[Any], size: int) -> CasePage:
    if len(rows) <= size:
        return CasePage(rows, None)
    last = rows[size - 1]
    if rows[size].due_at is not None:  # more cases with a running clock follow
        return CasePage(rows[:size], f"d_{_stamp(last.due_at)}_{last.pk}")
    # "n__0" starts the second range from its top.
    return CasePage(rows[:size], f"n__{0 if last.due_at is not None else last.pk}")


def timed_first(cases: QuerySet[Any], size: int) -> QuerySet[Any]:
    """The first rows of a page by due time that have a running clock (`first_due_page`)."""
    return cases.filter(due_at__isnull=False).order_by(*_TIMED_ORDER)[: size + 1]


def first_due_page(
    key: Hashable,
    cases: Callable[..., QuerySet[Any]],
    *,
    size: int = PAGE_SIZE,
    timed: list[Any] | None = None,
    **values: Any,
) -> CasePage:
    """`page_of_cases(cases(**values), sort=Sort.DUE, size=size)` for the first page, read as
    baked statements (`portal.baked`) under `key`: the home pages show such a page on every
    visit, and building its queries cost more than running them. `timed`: the rows of
    `timed_first` when the caller read them already (with others, in one statement)."""

    def part(running: bool) -> Callable[..., Statement]:
        def build(**given: Any) -> Statement:
            if running:
                return statement(timed_first(cases(**given), size))
            untimed = cases(**given).filter(due_at__isnull=True)
            return statement(untimed.order_by(*_UNTIMED_ORDER)[: size + 1])

        return build

    rows = timed if timed is not None else baked.rows((key, "timed", size), part(True), named=True, **values)
    if len(rows) <= size:
        rows += baked.rows((key, "untimed", size), part(False), named=True, **values)[: size + 1 - len(rows)]
    return _due_cursor(rows, size)

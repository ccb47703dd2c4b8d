"""How many cases need attention, counted no further than a cap: exact counts over big filters
read every matching row, and a page that shows "1,000+ overdue" says all a person needs."""

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db.models import QuerySet

from complaints.models import Complaint
from complaints.selectors.case_lists import UrgencyFilter, urgency_q
from portal.baked import Over, RawStatement
from portal.db import capped_counts_statement

COUNT_CAP = 1000


@dataclass(frozen=True)
class CappedCount:
    value: int
    cap: int = COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.value >= self.cap

    def __str__(self) -> str:
        return f"{self.cap:,}+" if self.capped else f"{self.value:,}"

    def __bool__(self) -> bool:
        return self.value > 0


@dataclass(frozen=True)
class UrgencyCounts:
    overdue: CappedCount
    at_risk: CappedCount


def urgency_counts(cases: Over, *, now: datetime, cap: int = COUNT_CAP) -> UrgencyCounts:
    """How many of `cases` are overdue and at risk at `now`, each counted up to `cap`, in one
    statement compiled once per shape of the list (`portal.baked.Over`)."""
    overdue, at_risk = cases.rows(("list:urgency", cap), partial(_counts, cap), now=now)[0]
    return UrgencyCounts(overdue=CappedCount(overdue, cap), at_risk=CappedCount(at_risk, cap))


def _counts(cap: int, cases: QuerySet[Complaint], *, now: datetime) -> RawStatement:
    return capped_counts_statement(
        [
            cases.filter(urgency_q(UrgencyFilter.OVERDUE, now)),
            cases.filter(urgency_q(UrgencyFilter.AT_RISK, now)),
        ],
        cap,
    )

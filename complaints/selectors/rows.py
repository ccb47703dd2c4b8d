"""What a row of a case list shows, prepared in Python: a list page draws dozens of rows, and
Django's template lookups, date filters and URL reversing per cell cost more than the query.

Rows read their category, severity and owner names from the filter bar's cached vocabularies
instead of joining those tables: the join itself is cheap, but planning a five-table query is
not (about 3 ms at a million cases)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from complaints.models import OPEN_STATUSES, Complaint, Status, Urgency
from complaints.models.urgency import urgency_at
from complaints.selectors.vocabularies import filter_choices, person_names

ROW_FIELDS = (
    "pk",
    "reference",
    "received_at",
    "status",
    "due_at",
    "risk_at",
    "reopened_at",
    "category_id",
    "severity_id",
    "owner_id",
    "customer__name",
)
STATUS_LABELS = dict(Status.choices)
# The date filter's "M", spelled out: strftime's %b follows the process locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def list_rows(cases: QuerySet[Complaint]) -> QuerySet[Any]:
    """The columns a row shows, as named tuples (`row.reference`, `row.customer__name`): the long
    texts stay in the database, and a list page builds no model instance (a case and its customer
    per row cost more than the query's execution)."""
    return cases.values_list(*ROW_FIELDS, named=True)


@dataclass(frozen=True)
class CaseRow:
    pk: int
    reference: str
    url: str
    received: str
    received_iso: str
    customer: str
    category: str
    severity: str
    status: str
    owner: str
    due: str
    due_iso: str
    urgency: Urgency | None
    reopened: bool


def stamp(value: datetime, *, year: bool = True, time: bool = True) -> str:
    """A date as pages show it ("4 Jun 2025 11:00"; "4 Jun 11:00" without the year; "4 Jun 2025"
    without the time), in the active time zone: the template filter's output, per row far cheaper."""
    local = timezone.localtime(value)
    day = f"{local.day} {MONTHS[local.month - 1]}"
    if year:
        day = f"{day} {local.year}"
    return f"{day} {local.hour:02d}:{local.minute:02d}" if time else day


def case_rows(cases: Iterable[Any], *, now: datetime) -> list[CaseRow]:
    """Rows of `list_rows` (or cases with the same attributes) put into words."""
    cases = list(cases)
    choices = filter_choices()
    categories = dict(choices["categories"])
    severities = dict(choices["severities"])
    # Staff who have left own no new cases, but still their old ones: `person_names` reads them.
    owners = {str(pk): name for pk, name in person_names({c.owner_id for c in cases if c.owner_id}).items()}
    prefix = reverse("complaints:detail", args=["RD"])[: -len("RD/")]
    rows = []
    for case in cases:
        due_at = case.due_at
        if due_at is not None:
            due = stamp(due_at, year=False)
        else:
            due = "paused" if case.status in OPEN_STATUSES else "finished"
        rows.append(
            CaseRow(
                pk=case.pk,
                reference=case.reference,
                url=f"{prefix}{case.reference}/",
                received=stamp(case.received_at),
                received_iso=case.received_at.isoformat(),
                customer=case.customer__name,
                category=categories.get(str(case.category_id), ""),
                severity=severities.get(str(case.severity_id), ""),
                status=STATUS_LABELS.get(case.status, case.status),
                owner=owners.get(str(case.owner_id), "") if case.owner_id else "",
                due=due,
                due_iso=due_at.isoformat() if due_at else "",
                urgency=urgency_at(case.due_at, case.risk_at, now),
                reopened=case.reopened_at is not None and due_at is not None,
            )
        )
    return rows

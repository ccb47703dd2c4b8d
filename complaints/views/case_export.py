"""The filtered case list as CSV, streamed: rows leave as they are read, whatever their number."""

import csv
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import role_required
from complaints.models import Status
from complaints.models.urgency import Urgency
from complaints.selectors.case_lists import Sort, filter_cases
from complaints.selectors.search import matching_ids
from complaints.views.case_list import read_filters

HEADER = [
    "reference",
    "received",
    "customer",
    "category",
    "severity",
    "channel",
    "status",
    "owner",
    "next due",
    "urgency",
]
COLUMNS = (
    "reference",
    "received_at",
    "customer__name",
    "category__name",
    "severity__name",
    "channel__name",
    "status",
    "owner__username",
    "due_at",
    "risk_at",
)
STATUS_LABELS = dict(Status.choices)
CHUNK = 2_000


class _Echo:
    """csv.writer writes to this and hands the line straight back."""

    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    """Text for a spreadsheet: a cell starting with = + - @ would run as a formula there, so it
    is prefixed with an apostrophe (customer names come from the public form)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _stamp(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _lines(rows: Iterator[tuple], now: datetime) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for reference, received, customer, category, severity, channel, status, owner, due, risk in rows:
        if due is None:
            urgency = ""
        elif now > due:
            urgency = Urgency.OVERDUE.label
        elif risk is not None and now >= risk:
            urgency = Urgency.AT_RISK.label
        else:
            urgency = Urgency.ON_TIME.label
        yield writer.writerow(
            [
                reference,
                _stamp(received),
                _cell(customer),
                _cell(category),
                severity,
                channel,
                STATUS_LABELS.get(status, status),
                owner or "",
                _stamp(due),
                urgency,
            ]
        )


@require_safe  # a download: other methods are refused, never acted on
@role_required()
def export_cases(request: HttpRequest) -> StreamingHttpResponse:
    """The cases the list shows for these filters (same access rule), in the list's order; a
    search term narrows like the list's search, newest first."""
    now = timezone.now()
    form, filters = read_filters(request, request.GET)
    cases = filter_cases(request.user, filters, now=now)
    if filters.sort == Sort.DUE:
        ordered = cases.order_by(F("due_at").asc(nulls_last=True), "-id")
    else:
        ordered = cases.order_by("-received_at", "-id")
    query = form.cleaned_data.get("q", "") if hasattr(form, "cleaned_data") else ""
    if query:
        ordered = ordered.filter(
            pk__in=matching_ids(cases, query, region=settings.PHONENUMBER_DEFAULT_REGION)
        )
    rows = ordered.values_list(*COLUMNS).iterator(chunk_size=CHUNK)
    response = StreamingHttpResponse(_lines(rows, now), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate():%Y-%m-%d}.csv"'
    return response

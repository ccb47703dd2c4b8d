"""The insights page and its CSV downloads (supervisors and admins)."""

import csv
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from accounts.permissions import role_required
from accounts.roles import Role
from insights import charts
from insights.forms import FilterForm
from insights.models import RollupState
from insights.tables import TABLES, Table


def _weekly_chart(table: Table) -> charts.Chart:
    title, header, rows = table
    labels = header[1:]
    counts = {label: {row[0]: row[i + 1] for row in rows} for i, label in enumerate(labels)}
    return charts.stacked_weeks(title=title, weeks=[row[0] for row in rows], labels=labels, counts=counts)


@require_safe
@role_required(Role.SUPERVISOR)
def insights_page(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = form.filters(timezone.localdate())
    tables = {name: build(filters) for name, build in TABLES.items()}
    followups = dict((row[0], row[1]) for row in tables["followups"][2])
    times = tables["times"][2]
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "query": urlencode(filters.as_query()),
        "tables": tables,
        "state": RollupState.objects.filter(pk=1).first(),
        "charts": {
            "volume_category": _weekly_chart(tables["volume-category"]),
            "volume_channel": _weekly_chart(tables["volume-channel"]),
            "root_causes": _weekly_chart(tables["root-causes"]),
            "satisfaction": charts.bars(
                title="Answers by satisfaction score",
                items=[(f"{n} of 5", followups[f"Satisfaction {n} of 5"]) for n in range(1, 6)],
            ),
            "within": charts.bars(
                title="Share of cases within target",
                items=[(row[0], row[6] or 0) for row in times],
                unit=" %",
            ),
        },
    }
    return render(request, "insights/page.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    """A cell starting with = + - @ would run as a formula in a spreadsheet: prefix it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_safe
@role_required(Role.SUPERVISOR)
def export(request: HttpRequest, table: str) -> HttpResponse:
    build = TABLES.get(table)
    if build is None:
        raise Http404("No such table.")
    form = FilterForm(request.GET or None)
    filters = form.filters(timezone.localdate())
    _, header, rows = build(filters)
    writer = csv.writer(_Echo())
    body = "".join(writer.writerow([_cell(v) for v in line]) for line in [header, *rows])
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"insights-{table}-{filters.start}-{filters.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

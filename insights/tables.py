"""The page's tables as plain rows: the same rows are shown and downloaded as CSV."""

from collections.abc import Callable
from typing import Any

from insights.selectors import compensation, figures
from insights.selectors.filters import Filters

Table = tuple[str, list[str], list[list[Any]]]  # (title, header, rows)


def _hours(value: int | None) -> str:
    if value is None:
        return ""
    return "over 720" if value == -1 else f"at most {value}"


def volume_by_category(f: Filters) -> Table:
    s = figures.volume_by_category(f)
    return "Cases received per week by category", ["week", *s.labels], s.rows()


def volume_by_channel(f: Filters) -> Table:
    s = figures.volume_by_channel(f)
    return "Cases received per week by channel", ["week", *s.labels], s.rows()


def outcomes(f: Filters) -> Table:
    return "Cases received by outcome", ["outcome", "cases"], [list(r) for r in figures.outcomes(f)]


def root_causes(f: Filters) -> Table:
    s = figures.root_causes(f)
    return "Resolutions per week by root cause", ["week", *s.labels], s.rows()


def response_times(f: Filters) -> Table:
    header = [
        "measure",
        "cases",
        "median hours",
        "90th percentile hours",
        "with a target",
        "within target",
        "% within",
    ]
    rows = [
        [
            t.label,
            t.count,
            _hours(t.median_hours),
            _hours(t.p90_hours),
            t.with_target,
            t.within_target,
            t.within_share,
        ]
        for t in figures.response_times(f)
    ]
    return "Time to first response and to resolution", header, rows


def followups(f: Filters) -> Table:
    o = figures.followup_outcomes(f)
    rows: list[list[Any]] = [
        ["Follow-ups sent", o.sent],
        ["Sent on time (within a day of their due time), %", o.on_time_share],
        ["Failed follow-ups", o.failed],
        ["Answers", o.answered],
        ["Confirmed resolved, %", o.confirmed_share],
        ["Reopened by the answer, %", o.reopen_rate],
        ["Satisfaction average (1-5)", o.satisfaction_average],
        *[[f"Satisfaction {n} of 5", count] for n, count in enumerate(o.distribution, start=1)],
    ]
    return "Follow-up outcomes", ["figure", "value"], rows


def satisfaction(f: Filters) -> Table:
    rows = [[week, avg, n] for week, avg, n in figures.satisfaction_by_week(f)]
    return "Satisfaction per week", ["week", "average", "answers"], rows


def compensation_by_kind(f: Filters) -> Table:
    rows = [[r["kind__name"], r["currency"], r["spent"], r["grants"]] for r in compensation.spend_by_kind(f)]
    return "Compensation by kind", ["kind", "currency", "spent", "grants"], rows


def compensation_by_category(f: Filters) -> Table:
    rows = [
        [r.category, r.currency, r.spent, r.budget, r.used_share] for r in compensation.spend_by_category(f)
    ]
    return (
        "Compensation by category against budget",
        ["category", "currency", "spent", "budget", "% used"],
        rows,
    )


def compensation_customers(f: Filters) -> Table:
    extremes = compensation.customer_extremes(f)
    rows = [
        [r["complaint__customer__name"], r["currency"], r["total"], r["grants"], r["largest"]]
        for r in extremes["top"]
    ]
    return "Customers who received the most", ["customer", "currency", "total", "grants", "largest"], rows


def agents(f: Filters) -> Table:
    header = [
        "person",
        "cases handled",
        "median resolution hours",
        "satisfaction",
        "answers",
        "% checklist followed",
    ]
    rows = [
        [a.name, a.handled, _hours(a.median_hours), a.satisfaction, a.answers, a.checklist_share]
        for a in figures.agents(f)
    ]
    return "Per person", header, rows


TABLES: dict[str, Callable[[Filters], Table]] = {
    "volume-category": volume_by_category,
    "volume-channel": volume_by_channel,
    "outcomes": outcomes,
    "root-causes": root_causes,
    "times": response_times,
    "followups": followups,
    "satisfaction": satisfaction,
    "compensation-kind": compensation_by_kind,
    "compensation-category": compensation_by_category,
    "compensation-customers": compensation_customers,
    "agents": agents,
}

"""Small, fast pieces of the list pages."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def options(choices: Iterable[tuple[object, str]], selected: object) -> SafeString:
    """`<option>`s for a filter's choices, the current one selected. Built in one pass: a select
    with hundreds of categories through Django's widget templates costs milliseconds per page."""
    current = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == current else "", label) for value, label in choices),
    )


@register.simple_tag
def urgency_badge(urgency: str | None) -> SafeString:
    """Overdue and at risk in words (colour only repeats what the word says)."""
    if urgency == "overdue":
        return format_html('<span class="badge text-bg-danger">{}</span>', "Overdue")
    if urgency == "at_risk":
        return format_html('<span class="badge text-bg-warning">{}</span>', "At risk")
    return SafeString("")


@register.simple_tag
def load_rows(agents: Iterable[Any]) -> SafeString:
    """The rows of the team's load table, drawn in one pass: a supervisor's home lists every
    person who can own cases, and per-cell template lookups (each number localised and escaped)
    cost more than the counting."""
    return format_html_join(
        "\n",
        '<tr><th scope="row" class="fw-normal">{}</th>'
        '<td class="text-end"><a href="{}" aria-label="{} running cases of {}">{}</a></td>'
        '<td class="text-end">{}</td><td class="text-end">{}</td></tr>',
        (
            (
                a.name,
                a.running_url,
                a.running,
                a.name,
                a.running,
                _count_link(a.overdue, a.overdue_url, f"{a.overdue} overdue", f"overdue cases of {a.name}"),
                _count_link(a.at_risk, a.at_risk_url, f"{a.at_risk} at risk", f"cases at risk of {a.name}"),
            )
            for a in agents
        ),
    )


def _count_link(count: int, url: str, text: str, label: str) -> SafeString:
    if not count:
        return SafeString("0")
    return format_html('<a href="{}" aria-label="{} {}">{}</a>', url, count, label, text)


_BOX = (
    '<td><input class="form-check-input" type="checkbox" name="cases" value="{}" id="pick-{}"%s'
    ' aria-label="Select {}"></td>'
)
CHECKED_BOX, UNCHECKED_BOX = _BOX % " checked", _BOX % ""


@register.simple_tag
def case_rows(
    rows: Iterable[Any],
    *,
    received: bool = False,
    owner: bool = False,
    selectable: bool = False,
    selected: Any = (),
) -> SafeString:
    """`<tr>`s of a case table (complaints.selectors.rows.CaseRow), drawn in one pass for the
    same reason as `load_rows`. Columns: reference, [received], customer, category, severity,
    status, [owner], next due with overdue or at risk in words."""
    lines = []
    for row in rows:
        cells = []
        if selectable:
            cells.append(
                format_html(
                    CHECKED_BOX if row.reference in selected else UNCHECKED_BOX,
                    row.reference,
                    row.pk,
                    row.reference,
                )
            )
        reopened = (
            SafeString(' <span class="badge text-bg-secondary">reopened</span>') if row.reopened else ""
        )
        cells.append(format_html('<td><a href="{}">{}</a>{}</td>', row.url, row.reference, reopened))
        if received:
            cells.append(
                format_html('<td><time datetime="{}">{}</time></td>', row.received_iso, row.received)
            )
        cells.append(
            format_html(
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                row.customer,
                row.category,
                row.severity,
                row.status,
            )
        )
        if owner:
            cells.append(format_html("<td>{}</td>", row.owner or "Nobody yet"))
        due = format_html('<time datetime="{}">{}</time>', row.due_iso, row.due) if row.due_iso else row.due
        cells.append(format_html("<td>{} {}</td>", urgency_badge(row.urgency), due))
        lines.append(format_html("<tr>{}</tr>", format_html_join("", "{}", ((cell,) for cell in cells))))
    return format_html_join("\n", "{}", ((line,) for line in lines))

"""Small, fast pieces of the list pages."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from portal.escaping import escape_text as escape

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
    cost more than the counting. Every value goes through `escape` once."""
    lines = []
    for a in agents:
        name = escape(a.name)
        overdue = _count_link(a.overdue, a.overdue_url, f"{a.overdue} overdue", f"overdue cases of {a.name}")
        at_risk = _count_link(a.at_risk, a.at_risk_url, f"{a.at_risk} at risk", f"cases at risk of {a.name}")
        running = f'<a href="{escape(a.running_url)}" aria-label="{a.running:d} running cases of {name}">'
        lines.append(
            f'<tr><th scope="row" class="fw-normal">{name}</th>'
            f'<td class="text-end">{running}{a.running:d}</a></td>'
            f'<td class="text-end">{overdue}</td><td class="text-end">{at_risk}</td></tr>'
        )
    # Safe: every value above went through `escape` (counts are integers); the rest is our markup.
    return SafeString("\n".join(lines))  # nosec B703


def _count_link(count: int, url: str, text: str, label: str) -> str:
    if not count:
        return "0"
    return f'<a href="{escape(url)}" aria-label="{count:d} {escape(label)}">{escape(text)}</a>'


_BOX = (
    '<td><input class="form-check-input" type="checkbox" name="cases" value="{ref}" id="pick-{pk}"%s'
    ' aria-label="Select {ref}"></td>'
)
CHECKED_BOX, UNCHECKED_BOX = _BOX % " checked", _BOX % ""
REOPENED = ' <span class="badge text-bg-secondary">reopened</span>'
BADGES = {
    "overdue": '<span class="badge text-bg-danger">Overdue</span>',
    "at_risk": '<span class="badge text-bg-warning">At risk</span>',
}


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
    status, [owner], next due with overdue or at risk in words.

    Every value goes through `escape` once and the markup is joined as plain text: a home page
    draws 45 rows, and `format_html` per cell (format, escape, mark safe, then again for the row)
    cost more than the rows' query."""
    lines = []
    for row in rows:
        reference = escape(row.reference)
        cells = []
        if selectable:
            box = CHECKED_BOX if row.reference in selected else UNCHECKED_BOX
            cells.append(box.format(ref=reference, pk=int(row.pk)))
        cells.append(
            f'<td><a href="{escape(row.url)}">{reference}</a>{REOPENED if row.reopened else ""}</td>'
        )
        if received:
            cells.append(
                f'<td><time datetime="{escape(row.received_iso)}">{escape(row.received)}</time></td>'
            )
        cells.append(
            f"<td>{escape(row.customer)}</td><td>{escape(row.category)}</td>"
            f"<td>{escape(row.severity)}</td><td>{escape(row.status)}</td>"
        )
        if owner:
            cells.append(f"<td>{escape(row.owner or 'Nobody yet')}</td>")
        due = (
            f'<time datetime="{escape(row.due_iso)}">{escape(row.due)}</time>'
            if row.due_iso
            else escape(row.due)
        )
        cells.append(f"<td>{BADGES.get(row.urgency, '')} {due}</td>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    # Safe: every value above went through `escape`; the rest is this function's own markup.
    return SafeString("\n".join(lines))  # nosec B703

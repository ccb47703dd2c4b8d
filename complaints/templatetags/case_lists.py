"""Small, fast pieces of the list pages."""

from collections.abc import Iterable

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

"""`{% panels "slot" object %}`: the panels other apps registered for a slot (`complaints.panels`)."""

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from complaints.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, obj: Any = None) -> SafeString:
    request = context.get("request")
    parts = []
    for panel in panels_for(slot):
        values = panel.context(request, obj)
        if values is None:
            continue
        # Rendered as an inclusion tag renders: the page's escaping, and its CSRF token for forms.
        inner = context.new({"request": request, **values})
        if context.get("csrf_token") is not None:
            inner["csrf_token"] = context["csrf_token"]
        parts.append(context.template.engine.get_template(panel.template_name).render(inner))  # type: ignore[union-attr]
    # Each part is a rendered template (already safe); joining does not escape it again.
    return format_html_join("", "{}", ((part,) for part in parts))

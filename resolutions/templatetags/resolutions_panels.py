"""Panels this app adds to pages owned by other apps (case page, agent home)."""

from typing import Any

from django import template

from complaints.models import Complaint, Customer

register = template.Library()


@register.inclusion_tag("resolutions/_case_panel.html", takes_context=True)
def resolutions_case_panel(context: dict[str, Any], complaint: Complaint) -> dict[str, Any]:
    return {"complaint": complaint, "request": context.get("request")}


@register.inclusion_tag("resolutions/_home_panel.html", takes_context=True)
def resolutions_home_panel(context: dict[str, Any]) -> dict[str, Any]:
    return {"request": context.get("request")}


@register.inclusion_tag("resolutions/_customer_panel.html", takes_context=True)
def resolutions_customer_panel(context: dict[str, Any], customer: Customer) -> dict[str, Any]:
    """The customer's lifetime compensation, shown wherever an agent looks at a customer."""
    return {"customer": customer, "request": context.get("request")}

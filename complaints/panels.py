"""Panels that apps above this one add to its pages, without this app knowing them.

The case page, the home pages and the intake's customer page have *slots*. An app higher in the
layers (resolutions, followups) registers a panel for a slot from its `AppConfig.ready()`: the
template it renders, a function that builds its context from the request and the page's object
(returning None to show nothing), and an order. Complaints templates render a slot with
`{% load panels %}{% panels "case_page" complaint %}` and never load the higher apps' template
tags, so the dependency points one way, as it does for Python imports.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

# slot: where it is shown; the object handed to the context function
SLOTS = {
    "case_actions": "the case page's actions column, first on narrow screens (a Complaint)",
    "case_page": "the case page, below the response targets (a Complaint)",
    "home": "an agent's and a supervisor's home page, under the summary (None)",
    "customer": "the intake page of one customer (a Customer)",
}

ContextFunction = Callable[[HttpRequest | None, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    slot: str
    template_name: str
    context: ContextFunction
    order: int


_panels: dict[str, list[Panel]] = {slot: [] for slot in SLOTS}


def register(slot: str, template_name: str, context_function: ContextFunction, order: int = 100) -> None:
    """Add a panel to a slot; registering the same template twice (a second `ready()`) replaces it."""
    if slot not in SLOTS:
        raise LookupError(f"No panel slot {slot!r}; the slots are {', '.join(SLOTS)}.")
    panels = [p for p in _panels[slot] if p.template_name != template_name]
    panels.append(Panel(slot=slot, template_name=template_name, context=context_function, order=order))
    _panels[slot] = sorted(panels, key=lambda p: (p.order, p.template_name))


def panels_for(slot: str) -> list[Panel]:
    return list(_panels[slot])

"""Canned responses: admin-written templates rendered in a sandbox with plain values only.

Admins write the subject and body in Django's template syntax, but they are rendered by an
engine of their own: no built-in tags or filters beyond `complaints.canned_filters`, no template
loaders, and a context of strings, never model objects. `{{ agent.password }}` or any walk
through a relation has nothing to reach and renders as nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.template import Context, Engine, Template
from django.template.base import FilterExpression, Variable, VariableNode
from django.template.defaulttags import IfNode
from django.utils import timezone
from django.utils.formats import date_format

from complaints.models.cases import Complaint


class SandboxedEngine(Engine):
    default_builtins = []  # type: ignore[var-annotated]  # Django's tags (include, load, debug …) are not available


ENGINE = SandboxedEngine(
    builtins=["complaints.canned_filters"],
    libraries={},
    loaders=[],
    autoescape=False,  # plain-text email: nothing is HTML-escaped, nothing in it can run
    string_if_invalid="",
)

# name → what it holds; the admin's help text is built from this, so the two cannot drift.
VARIABLES: list[tuple[str, str]] = [
    ("customer.name", "the customer's name"),
    ("customer.email", "the customer's email address"),
    ("complaint.reference", "the case reference, e.g. RD-2026-000123"),
    ("complaint.category", "what the complaint is about"),
    ("complaint.status", "the case's status, e.g. Investigating"),
    ("complaint.received", "the day we received it"),
    ("status_link", "the customer's link to follow the case and add to it"),
    ("first_response_due", "when we first answer at the latest"),
    ("resolution_due", "when we resolve it at the latest"),
    ("agent.name", "the sending agent's full name"),
    ("agent.first_name", "the sending agent's first name"),
    ("agent_name", "the same as agent.name"),
    ("message", "the agent's personal message typed when sending"),
]
HELP_TEXT = (
    "Template syntax with {{ variable }}, {% if … %}…{% endif %} and the filters default, upper, "
    "lower, title, capfirst, truncatechars and truncatewords. Variables: "
    + "; ".join(f"{{{{ {name} }}}}: {meaning}" for name, meaning in VARIABLES)
    + ". Anything else renders as nothing."
)


@dataclass(frozen=True)
class RenderedCanned:
    subject: str
    body: str


def compile_text(text: str) -> Template:
    """Raises TemplateSyntaxError for a template the sandbox cannot render."""
    return ENGINE.from_string(text)


def unknown_variables(text: str) -> list[str]:
    """Variables a template uses that the context does not have (they would render as nothing):
    shown to the admin when saving, so a typo or a field of a related record is caught there."""
    known = {name for name, _ in VARIABLES}
    used: list[str] = []

    def note(expression: Any) -> None:
        if isinstance(expression, FilterExpression):
            note(expression.var)
            for _, arguments in expression.filters:
                for is_variable, argument in arguments:
                    if is_variable:
                        note(argument)
        elif isinstance(expression, Variable) and expression.lookups:
            used.append(".".join(expression.lookups))

    def note_condition(condition: Any) -> None:
        if condition is None:
            return
        if hasattr(condition, "value"):  # a literal or variable in an {% if %}
            note(condition.value)
        note_condition(getattr(condition, "first", None))
        note_condition(getattr(condition, "second", None))

    template = compile_text(text)
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        if isinstance(node, VariableNode):
            note(node.filter_expression)
    for node in template.nodelist.get_nodes_by_type(IfNode):
        if isinstance(node, IfNode):
            for condition, _ in node.conditions_nodelists:
                note_condition(condition)
    return sorted({name for name in used if name not in known})


def _local(moment: datetime | None, complaint: Complaint, fmt: str = "j F Y, H:i") -> str:
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment, complaint.customer.time_zone), fmt)


def canned_context(
    *, complaint: Complaint, agent: User | None, message: str, status_link: str
) -> dict[str, Any]:
    agent_name = (agent.get_full_name() or agent.get_username()) if agent else "Customer care"
    return {
        "customer": {"name": complaint.customer.name, "email": complaint.customer.email or ""},
        "complaint": {
            "reference": complaint.reference,
            "category": str(complaint.category),
            "status": complaint.get_status_display(),
            "received": _local(complaint.received_at, complaint, "j F Y"),
            "status_link": status_link,
        },
        "status_link": status_link,
        "first_response_due": _local(complaint.first_response_due_at, complaint),
        "resolution_due": _local(complaint.resolution_due_at, complaint),
        "agent": {"name": agent_name, "first_name": (agent.first_name if agent else "") or agent_name},
        "agent_name": agent_name,
        "message": message.strip(),
    }


def render_canned(*, subject: str, body: str, context: dict[str, Any]) -> RenderedCanned:
    rendered_subject = compile_text(subject).render(Context(context, autoescape=False))
    return RenderedCanned(
        subject=" ".join(rendered_subject.split()),
        body=compile_text(body).render(Context(context, autoescape=False)),
    )

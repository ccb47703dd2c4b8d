"""Which status may follow which. One table, read by the services and shown to agents."""

from complaints.models import Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.WITHDRAWN}),
    Status.ACKNOWLEDGED: frozenset(
        {Status.INVESTIGATING, Status.SOLUTION_PROPOSED, Status.RESOLVED, Status.WITHDRAWN}
    ),
    Status.INVESTIGATING: frozenset({Status.SOLUTION_PROPOSED, Status.RESOLVED, Status.WITHDRAWN}),
    Status.SOLUTION_PROPOSED: frozenset({Status.INVESTIGATING, Status.RESOLVED, Status.WITHDRAWN}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.CLOSED: frozenset({Status.REOPENED}),
    Status.REOPENED: frozenset(
        {Status.INVESTIGATING, Status.SOLUTION_PROPOSED, Status.RESOLVED, Status.WITHDRAWN}
    ),
    Status.WITHDRAWN: frozenset({Status.REOPENED}),
}


# Reached only through their own services: resolving records the resolution and schedules the
# follow-ups; reopening restarts the clock and tells the owner. The status form never offers them.
SERVICE_ONLY = frozenset({Status.RESOLVED, Status.REOPENED})


def manual_next(status: str) -> list[Status]:
    return [s for s in allowed_next(status) if s not in SERVICE_ONLY]


def allowed_next(status: str) -> list[Status]:
    return [Status(s) for s in Status.values if s in ALLOWED_TRANSITIONS[status]]


def refusal_reason(from_status: str, to_status: str) -> str | None:
    """None when the move is allowed, otherwise a sentence an agent can act on."""
    if from_status == to_status:
        return f"The case is already {Status(to_status).label.lower()}."
    if to_status in ALLOWED_TRANSITIONS[from_status]:
        return None
    options = ", ".join(s.label.lower() for s in allowed_next(from_status)) or "nothing"
    return (
        f"A {Status(from_status).label.lower()} case cannot become "
        f"{Status(to_status).label.lower()}; it can become: {options}."
    )

"""Demo data for `make run`: resolutions, solutions and compensation on some demo cases.

Cases the demo seed leaves investigating or with a solution proposed are resolved here through
the same services the portal uses, so every rule (limits, budget, timeline) applies to them too.
"""

import uuid
from decimal import Decimal
from itertools import cycle

from django.db import transaction

from complaints.models import Complaint, Status
from resolutions.models import CompensationKind, Resolution, RootCause
from resolutions.services.choices import send_solution_options
from resolutions.services.compensation import issue_compensation
from resolutions.services.resolving import CompensationInput, SolutionInput, StepsTaken, resolve_complaint

ALL_STEPS = StepsTaken(listened=True, emotion_acknowledged=True, apology_given=True, ownership_taken=True)
OUTCOMES = [
    "Fee refunded and the account note corrected; the customer is satisfied.",
    "Statement corrected and a goodwill credit agreed for the time lost.",
    "Escalated handling agreed; the customer accepted the explanation and an apology.",
]


@transaction.atomic
def seed_resolutions() -> int:
    """Resolve a handful of demo cases; return how many resolutions were made."""
    if Resolution.objects.exists():
        return 0
    kinds = {k.code: k for k in CompensationKind.objects.all()}
    causes = cycle(list(RootCause.objects.filter(is_active=True).order_by("code")))
    outcomes = cycle(OUTCOMES)
    cases = list(
        Complaint.objects.filter(
            status__in=[Status.INVESTIGATING, Status.SOLUTION_PROPOSED], owner__isnull=False
        )
        .select_related("owner", "customer")
        .order_by("received_at")[:5]
    )
    # (compensation amount or None, issue it?) per case; the second waits for a supervisor.
    plans: list[tuple[Decimal | None, bool]] = [
        (Decimal("25.00"), True),
        (Decimal("120.00"), False),
        (None, False),
        (Decimal("40.00"), False),
    ]
    made = 0
    for case, (amount, issue) in zip(cases, plans, strict=False):
        resolution = resolve_complaint(
            complaint=case,
            actor=case.owner,  # type: ignore[arg-type]
            idempotency_key=uuid.uuid4(),
            steps=ALL_STEPS,
            solutions=[
                SolutionInput(
                    kind=kinds["refund"], details="Refund of the disputed fee", value=Decimal("35.00")
                ),
                SolutionInput(kind=kinds["priority_service"], details="A named agent for the next 90 days"),
            ],
            chosen=0,
            outcome=next(outcomes),
            root_cause=next(causes),
            preventable=made % 2 == 0,
            lesson_learned="Confirm fee reversals in writing." if made == 0 else "",
            compensation=CompensationInput(
                kind=kinds["store_credit"], amount=amount, currency="GBP", reason="Time and trouble"
            )
            if amount is not None
            else None,
        )
        if issue:
            for compensation in resolution.compensations.all():
                issue_compensation(
                    compensation=compensation,
                    actor=case.owner,  # type: ignore[arg-type]
                    external_reference=f"SC-{1000 + case.pk}",
                )
        made += 1
    if len(cases) > len(plans):
        last = cases[len(plans)]
        send_solution_options(
            complaint=last,
            actor=last.owner,  # type: ignore[arg-type]
            solutions=[
                SolutionInput(kind=kinds["refund"], details="Refund of the late fee", value=Decimal("29.00")),
                SolutionInput(
                    kind=kinds["discount"], details="Six months at half price", value=Decimal("60.00")
                ),
            ],
        )
    return made

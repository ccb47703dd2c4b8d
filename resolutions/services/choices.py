"""The customer's choice by link: options emailed, one picked on a signed, expiring page."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from complaints.access import can_work_on
from complaints.models import OPEN_STATUSES, Complaint, EventKind, Status
from complaints.services.timeline import record_event
from complaints.services.transitions import change_status
from complaints.states import ALLOWED_TRANSITIONS
from portal.emails import absolute_url
from portal.signing import make_link_token
from resolutions.errors import ResolutionError
from resolutions.models import SolutionOffered
from resolutions.services.notifications import queue_owner_choice, queue_solution_options
from resolutions.services.resolving import SolutionInput, check_solutions

CHOICE_PURPOSE = "solution-choice"


def choice_token(complaint: Complaint) -> str:
    return make_link_token(purpose=CHOICE_PURPOSE, value=complaint.pk)


@transaction.atomic
def send_solution_options(
    *, complaint: Complaint, actor: User, solutions: list[SolutionInput], now: datetime | None = None
) -> list[SolutionOffered]:
    """Offer the customer these solutions by email; they pick one through a signed link."""
    case = Complaint.objects.select_for_update().select_related("customer").get(pk=complaint.pk)
    if not can_work_on(actor, case):
        raise ResolutionError("You cannot work on this case: only its owner or a supervisor can.")
    if case.status not in OPEN_STATUSES:
        raise ResolutionError("Options can only be sent on an open case.")
    if not case.customer.email:
        raise ResolutionError("The customer has no email address; offer the options by phone.")
    if not solutions:
        raise ResolutionError("Offer at least one solution.", field="solutions")
    check_solutions(solutions)
    offers = SolutionOffered.objects.bulk_create(
        [
            SolutionOffered(
                complaint=case,
                kind=s.kind,
                details=s.details.strip(),
                value=s.value,
                currency=s.currency,
                offered_by=actor,
            )
            for s in solutions
        ]
    )
    if (
        case.status != Status.SOLUTION_PROPOSED
        and Status.SOLUTION_PROPOSED in ALLOWED_TRANSITIONS[case.status]
    ):
        change_status(complaint=case, to_status=Status.SOLUTION_PROPOSED, actor=actor, now=now)
    record_event(
        complaint=case,
        kind=EventKind.EMAIL_QUEUED,
        actor=actor,
        note="Solutions offered by email: " + "; ".join(f"{o.kind}: {o.details}" for o in offers),
        data={"solutions": [o.pk for o in offers]},
    )
    choice_url = absolute_url(reverse("resolutions:choose", args=[choice_token(case)]))
    queue_solution_options(complaint=case, offers=offers, choice_url=choice_url)
    complaint.refresh_from_db()
    return offers


@transaction.atomic
def record_customer_choice(
    *, complaint: Complaint, solution_id: int, now: datetime | None = None
) -> SolutionOffered:
    """The customer picked one of the open offers; they may change their mind until resolution."""
    case = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if case.status not in OPEN_STATUSES:
        raise ResolutionError("This case is already resolved; contact us if something is still wrong.")
    offer = (
        SolutionOffered.objects.select_related("kind")
        .filter(complaint=case, resolution__isnull=True, pk=solution_id)
        .first()
    )
    if offer is None:
        raise ResolutionError("Choose one of the options shown.", field="solution")
    if offer.chosen:
        return offer
    case.solutions.filter(resolution__isnull=True, chosen=True).update(chosen=False)
    offer.chosen = True
    offer.chosen_by_customer_at = now or timezone.now()
    offer.save(update_fields=["chosen", "chosen_by_customer_at"])
    record_event(
        complaint=case,
        kind=EventKind.CHOICE,
        actor_label="Customer",
        note=f"{offer.kind}: {offer.details}",
        data={"solution": offer.pk},
    )
    queue_owner_choice(offer=offer)
    return offer

"""Emails this app writes to the outbox, each in the transaction of the change that causes it."""

from django.urls import reverse

from complaints.models import Complaint
from complaints.services.notifications import case_url
from outbox.models import Audience
from outbox.services import queue_email
from portal.emails import absolute_url
from resolutions.conf import choice_link_max_age
from resolutions.models import (
    COMMITTED_STATUSES,
    Compensation,
    CompensationStatus,
    Resolution,
    SolutionOffered,
)
from resolutions.services.approvers import approvers_to_ask


def queue_resolution_confirmation(*, resolution: Resolution) -> None:
    """Tell the customer what was agreed."""
    complaint = resolution.complaint
    customer = complaint.customer
    queue_email(
        key=f"resolution-confirmation:{resolution.pk}",
        to=customer.email,
        template="resolutions/email/resolution_confirmation",
        context={
            "complaint": complaint,
            "customer": customer,
            "resolution": resolution,
            "chosen": resolution.solutions.select_related("kind").filter(chosen=True).first(),
            "compensations": list(
                complaint.compensations.select_related("kind").filter(status__in=list(COMMITTED_STATUSES))
            ),
        },
        reference=complaint.reference,
        case_id=complaint.pk,
        audience=Audience.CUSTOMER,
    )


def queue_approval_request(*, compensation: Compensation) -> None:
    """Ask everyone who may decide (`approvers_to_ask`: supervisors, or admins above the
    supervisor limit) to decide on a compensation above the proposer's limit."""
    complaint = compensation.complaint
    for approver in approvers_to_ask(compensation):
        queue_email(
            key=f"approval-request:{compensation.pk}:{approver.pk}",
            to=approver.email,
            template="resolutions/email/approval_request",
            context={
                "compensation": compensation,
                "complaint": complaint,
                "queue_url": absolute_url(reverse("resolutions:approvals")),
            },
            reference=complaint.reference,
            case_id=complaint.pk,
            audience=Audience.STAFF,
        )


def queue_solution_options(*, complaint: Complaint, offers: list[SolutionOffered], choice_url: str) -> None:
    queue_email(
        key=f"solution-options:{complaint.pk}:{max(o.pk for o in offers)}",
        to=complaint.customer.email,
        template="resolutions/email/solution_options",
        context={
            "complaint": complaint,
            "customer": complaint.customer,
            "offers": offers,
            "choice_url": choice_url,
            "valid_days": choice_link_max_age() // 86400,
        },
        reference=complaint.reference,
        case_id=complaint.pk,
        audience=Audience.CUSTOMER,
    )


def queue_owner_choice(*, offer: SolutionOffered) -> None:
    complaint = offer.complaint
    owner = complaint.owner
    if owner is None or not owner.is_active:
        return
    queue_email(
        key=f"customer-choice:{offer.pk}:{offer.chosen_by_customer_at}",
        to=owner.email,
        template="resolutions/email/customer_choice",
        context={"offer": offer, "complaint": complaint, "case_url": case_url(complaint)},
        reference=complaint.reference,
        case_id=complaint.pk,
        audience=Audience.STAFF,
    )


def queue_decision_notice(*, compensation: Compensation) -> None:
    """Tell the agent who proposed a compensation what was decided, by whom and why."""
    complaint = compensation.complaint
    proposer = compensation.proposed_by
    if not proposer.is_active:
        return
    queue_email(
        key=f"compensation-decision:{compensation.pk}",
        to=proposer.email,
        template="resolutions/email/compensation_decision",
        context={
            "compensation": compensation,
            "complaint": complaint,
            "approved": compensation.status == CompensationStatus.APPROVED,
            "decided_by": compensation.approved_by,
            "case_url": case_url(complaint),
        },
        reference=complaint.reference,
        case_id=complaint.pk,
        audience=Audience.STAFF,
    )

"""Emails this app sends. Called by the tasks in `resolutions.tasks`, always after commit."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.roles import Role
from complaints.models import Complaint
from portal.emails import absolute_url, make_message
from resolutions.conf import choice_link_max_age
from resolutions.models import COMMITTED_STATUSES, Compensation, Resolution, SolutionOffered


def send_resolution_confirmation(*, resolution_id: int) -> bool:
    """Tell the customer what was agreed."""
    resolution = Resolution.objects.select_related("complaint__customer", "root_cause").get(pk=resolution_id)
    customer = resolution.complaint.customer
    if not customer.email:
        return False
    message = make_message(
        template="resolutions/email/resolution_confirmation",
        context={
            "complaint": resolution.complaint,
            "customer": customer,
            "resolution": resolution,
            "chosen": resolution.solutions.select_related("kind").filter(chosen=True).first(),
            "compensations": resolution.complaint.compensations.select_related("kind").filter(
                status__in=list(COMMITTED_STATUSES)
            ),
        },
        to=[customer.email],
    )
    return message.send() == 1


def send_approval_request(*, compensation_id: int) -> bool:
    """Ask every supervisor with an email address to decide on a compensation above a limit."""
    compensation = Compensation.objects.select_related("complaint", "kind", "proposed_by").get(
        pk=compensation_id
    )
    recipients = list(
        get_user_model()
        .objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
        .exclude(email="")
        .exclude(pk=compensation.proposed_by_id)
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return False
    message = make_message(
        template="resolutions/email/approval_request",
        context={
            "compensation": compensation,
            "complaint": compensation.complaint,
            "queue_url": absolute_url(reverse("resolutions:approvals")),
        },
        to=recipients,
    )
    return message.send() == 1


def send_solution_options(*, complaint_id: int) -> bool:
    from resolutions.services.choices import choice_token

    complaint = Complaint.objects.select_related("customer").get(pk=complaint_id)
    if not complaint.customer.email:
        return False
    offers = SolutionOffered.objects.select_related("kind").filter(
        complaint=complaint, resolution__isnull=True
    )
    message = make_message(
        template="resolutions/email/solution_options",
        context={
            "complaint": complaint,
            "customer": complaint.customer,
            "offers": offers,
            "choice_url": absolute_url(reverse("resolutions:choose", args=[choice_token(complaint)])),
            "valid_days": choice_link_max_age() // 86400,
        },
        to=[complaint.customer.email],
    )
    return message.send() == 1


def send_owner_choice(*, solution_id: int) -> bool:
    offer = SolutionOffered.objects.select_related("complaint__owner", "kind").get(pk=solution_id)
    owner = offer.complaint.owner
    if owner is None or not owner.email:
        return False
    message = make_message(
        template="resolutions/email/customer_choice",
        context={
            "offer": offer,
            "complaint": offer.complaint,
            "case_url": absolute_url(reverse("complaints:detail", args=[offer.complaint.reference])),
        },
        to=[owner.email],
    )
    return message.send() == 1

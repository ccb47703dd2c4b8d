"""Demo case work for `make run`: notes, logged calls, a claimed case and one waiting on the customer."""

from datetime import timedelta

from django.contrib.auth.models import User

from complaints.models import OPEN_STATUSES, Complaint
from complaints.services.case_work import CallDirection, CallOutcome, add_note, log_call
from complaints.services.ownership import claim_complaint
from complaints.services.waiting import start_waiting_on_customer

NOTES = [
    "Customer was calm but wants a written answer.",
    "Checked the account history: two similar charges last quarter.",
    "Escalated to the billing team for the transaction records.",
]


def seed_case_work() -> None:
    open_owned = list(
        Complaint.objects.filter(status__in=OPEN_STATUSES, owner__isnull=False)
        .select_related("owner")
        .order_by("received_at")[:6]
    )
    for index, complaint in enumerate(open_owned):
        owner: User = complaint.owner  # type: ignore[assignment]
        add_note(complaint=complaint, actor=owner, text=NOTES[index % len(NOTES)])
        log_call(
            complaint=complaint,
            actor=owner,
            direction=CallDirection.OUTBOUND if index % 2 else CallDirection.INBOUND,
            duration=timedelta(minutes=3 + 4 * index),
            outcome=CallOutcome.SPOKE if index % 3 else CallOutcome.VOICEMAIL,
            note="Talked through the next steps." if index % 3 else "Left a message asking for a call back.",
        )
    if open_owned:
        start_waiting_on_customer(
            complaint=open_owned[-1], actor=open_owned[-1].owner, note="Asked for the bank statement."
        )
    unowned = Complaint.objects.filter(status__in=OPEN_STATUSES, owner__isnull=True).order_by("received_at")
    first_unowned = unowned.first()
    second_agent = User.objects.filter(username="agent2").first()
    if first_unowned is not None and second_agent is not None:
        claim_complaint(complaint=first_unowned, actor=second_agent)

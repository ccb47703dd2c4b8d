"""Follow-up use cases. Resolving a case schedules its follow-ups; reopening cancels them."""

from complaints.models import Complaint


def cancel_pending_followups(*, complaint: Complaint, reason: str) -> int:
    """Cancel the case's follow-ups that have not been sent; return how many were cancelled."""
    # Follow-up rows arrive with the follow-ups capability; until then there is nothing to cancel.
    return 0

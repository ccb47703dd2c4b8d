"""Follow-up use cases. Resolving a case schedules its follow-ups; reopening cancels them."""

from datetime import datetime
from typing import Any

from complaints.models import Complaint


def schedule_followups(*, complaint: Complaint, now: datetime | None = None) -> list[Any]:
    """Write the resolved case's follow-up rows in the caller's transaction; return them."""
    # Follow-up policies and rows arrive with the follow-ups capability.
    return []


def cancel_pending_followups(*, complaint: Complaint, reason: str) -> int:
    """Cancel the case's follow-ups that have not been sent; return how many were cancelled."""
    # Follow-up rows arrive with the follow-ups capability; until then there is nothing to cancel.
    return 0

"""Follow-up use cases. Resolving a case schedules its follow-ups; reopening cancels them."""

from followups.services.scheduling import cancel_pending_followups, schedule_followups

__all__ = ["cancel_pending_followups", "schedule_followups"]

"""A step with a fallback (call the customer if the survey gets no answer) gets its fallback row
when the survey is sent; answering the survey skips it."""

from datetime import date, datetime

from followups.models import FollowUp, Purpose
from followups.services.scheduling import customer_holidays, step_due_at, zone_of


def create_fallbacks(sent: list[FollowUp], now: datetime) -> None:
    needing = [row for row in sent if row.purpose == Purpose.PRIMARY and row.step.fallback_channel]
    known: dict[str, frozenset[date]] = {}
    fallbacks = [
        FollowUp(
            complaint_id=row.complaint_id,
            customer=row.customer,
            step=row.step,
            resolved_at=row.resolved_at,
            purpose=Purpose.FALLBACK,
            parent=row,
            channel=row.step.fallback_channel,
            due_at=step_due_at(
                step=row.step,
                start=now,
                tz=zone_of(row.customer),
                fallback=True,
                holidays=customer_holidays(row.customer, since=now, known=known),
            ),
        )
        for row in needing
    ]
    # The unique step constraint makes a second creation (a slow worker, a retry) a no-op.
    FollowUp.objects.bulk_create(fallbacks, ignore_conflicts=True)

"""The follow-up survey as an outbox kind: checked just before it leaves, built as it leaves (its
links signed then), and its follow-up row kept in step with the message.

`prepare` runs in the send task's transaction with the follow-up rows locked, so a case reopened
or a customer unsubscribed a moment ago stops the email here. The row mirrors the message:
`sent`, `uncertain` (may have been delivered: counts as sent for every rule, its link works) or
`failed`; a message sent again from the staff pages puts the row back to `queued`.
"""

from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from followups import timing
from followups.models import FollowUp, State
from followups.services.emails import FollowUpMailer
from followups.services.fallbacks import create_fallbacks
from followups.services.scheduling import FOLLOW_UP_STATUSES, zone_of
from outbox import models as outbox_models
from outbox.models import Message
from outbox.registry import Cancel, Content, Decision, KindHandler, Reschedule

# The row's state for each message state it follows; the others leave the row as it is.
MIRRORED = {
    outbox_models.State.SENT: State.SENT,
    outbox_models.State.UNCERTAIN: State.UNCERTAIN,
    outbox_models.State.FAILED: State.FAILED,
    outbox_models.State.PENDING: State.QUEUED,
}
# Rows a message may still move: the others were answered, cancelled or skipped meanwhile.
FOLLOWING = (State.QUEUED, State.SENDING, State.UNCERTAIN, State.FAILED)


class SurveyKind(KindHandler):
    def __init__(self) -> None:
        self.rows: dict[int, FollowUp] = {}
        self.mailer: FollowUpMailer | None = None

    def prepare(self, messages: list[Message], now: datetime) -> dict[int, Decision]:
        rows = {
            row.message_id: row
            for row in FollowUp.objects.select_for_update(of=("self",))
            .select_related("complaint", "complaint__owner", "customer", "step", "parent")
            .filter(message_id__in=[m.pk for m in messages])
        }
        decisions: dict[int, Decision] = {}
        settled: list[FollowUp] = []
        for message in messages:
            row = rows.get(message.pk)
            if row is None or row.state != State.QUEUED:
                decisions[message.pk] = Cancel("The follow-up was cancelled or answered before it was sent.")
                continue
            reason = self._stop_reason(row)
            if reason:
                row.state = State.CANCELLED if reason.startswith("Case") else State.SKIPPED
                row.note, row.finished_at = reason, now
                settled.append(row)
                decisions[message.pk] = Cancel(reason)
                continue
            tz = zone_of(row.customer)
            if not timing.is_allowed(now, tz=tz, window=row.step.window):
                # Delayed past the customer's waking hours (a mail outage): wait for the next window.
                row.due_at = timing.next_allowed(now, tz=tz, window=row.step.window)
                settled.append(row)
                decisions[message.pk] = Reschedule(row.due_at, "Outside the customer's allowed hours")
                continue
            self.rows[message.pk] = row
        FollowUp.objects.bulk_update(settled, ["state", "note", "finished_at", "due_at"])
        return decisions

    @staticmethod
    def _stop_reason(row: FollowUp) -> str:
        if row.complaint.status not in FOLLOW_UP_STATUSES:
            return f"Case is {row.complaint.get_status_display().lower()}"
        if not row.customer.followups_allowed:
            return "Customer unsubscribed"
        if row.parent_id and row.parent.has_answer:  # type: ignore[union-attr]
            return "Customer already answered"
        return ""

    def render(self, message: Message) -> Content:
        if self.mailer is None:
            self.mailer = FollowUpMailer()
        email = self.mailer.build(self.rows[message.pk])
        html = next((body for body, mimetype in email.alternatives if mimetype == "text/html"), "")
        return Content(
            subject=str(email.subject),
            text=str(email.body),
            html=str(html),
            headers=dict(email.extra_headers),
        )

    def mirror(self, messages: list[Message], state: str, now: datetime) -> None:
        target = MIRRORED.get(state)  # type: ignore[call-overload]
        if target is None:
            return
        ids = [m.pk for m in messages]
        if target == State.FAILED:
            for message in messages:  # each with its own reason
                FollowUp.objects.filter(message_id=message.pk, state__in=FOLLOWING).update(
                    state=target, failed_at=now, last_error=message.last_error, updated_at=now
                )
            return
        # The rows still following their message: one answered or cancelled meanwhile keeps its state.
        moving = list(
            FollowUp.objects.select_related("step", "customer").filter(
                message_id__in=ids, state__in=FOLLOWING
            )
        )
        fields: dict[str, object] = {"state": target, "updated_at": now}
        if target == State.SENT:
            fields.update(
                sent_at=Subquery(Message.objects.filter(pk=OuterRef("message_id")).values("sent_at")[:1]),
                last_error="",
            )
        elif target == State.UNCERTAIN:
            fields["last_error"] = "Sending stopped midway: the survey may have been delivered."
        elif target == State.QUEUED:
            fields.update(failed_at=None, queued_at=timezone.now())
        FollowUp.objects.filter(pk__in=[row.pk for row in moving]).update(**fields)
        if target == State.SENT:
            create_fallbacks(moving, now)

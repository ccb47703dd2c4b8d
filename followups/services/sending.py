"""The send task's work: re-check each claimed row under lock, send over one SMTP connection, record.

Every row is written before and after its email: `sending` (with a lease) is committed before the
SMTP conversation, `sent` right after the server accepted the message. A redelivered message finds
its rows no longer `queued` under its claim token and does nothing.
"""

import contextlib
import logging
import smtplib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from complaints.models import Customer, EventKind, TimelineEvent
from followups import conf, timing
from followups.models import Channel, FollowUp, Purpose, State
from followups.services.emails import FollowUpMailer
from followups.services.scheduling import FOLLOW_UP_STATUSES, step_due_at, zone_of

logger = logging.getLogger(__name__)
MARK_SENT_EVERY = 20


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    rescheduled: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)


def is_permanent(error: Exception) -> bool:
    """A 5xx answer (bad address, refused message) will not change on retry; a dropped connection,
    a timeout or a 4xx answer may."""
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, OSError | TimeoutError)


def _recently_surveyed(customer_ids: set[int], now: datetime) -> set[int]:
    since = now - conf.survey_min_interval()
    return set(
        FollowUp.objects.filter(
            customer_id__in=customer_ids,
            channel=Channel.EMAIL,
            state__in=[State.SENDING, State.SENT, State.ANSWERED],
            last_attempt_at__gte=since,
        ).values_list("customer_id", flat=True)
    )


def _check_and_mark_sending(ids: list[int], token: str, now: datetime, result: BatchResult) -> list[FollowUp]:
    """Under lock: keep the rows that may be sent now and mark them `sending`; settle the others."""
    with transaction.atomic():
        rows = list(
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("complaint", "complaint__owner", "customer", "step", "parent")
            .filter(id__in=ids, claim_token=token, state=State.QUEUED)
            .order_by("id")
        )
        if not rows:
            return []
        # Locking the customers serialises the one-survey-in-N-days rule across workers.
        customer_ids = {row.customer_id for row in rows}
        list(Customer.objects.select_for_update().filter(id__in=customer_ids).order_by("id").values("id"))
        surveyed = _recently_surveyed(customer_ids, now)
        sending: list[FollowUp] = []
        settled: list[FollowUp] = []
        for row in rows:
            row.claim_token = None
            row.lease_expires_at = None
            tz = zone_of(row.customer)
            if row.complaint.status not in FOLLOW_UP_STATUSES:
                row.state, row.note = State.CANCELLED, f"Case is {row.complaint.get_status_display().lower()}"
                row.finished_at = now
                result.cancelled.append(row.pk)
            elif not row.customer.followups_allowed:
                row.state, row.note, row.finished_at = State.SKIPPED, "Customer unsubscribed", now
                result.skipped.append(row.pk)
            elif row.parent_id and row.parent.has_answer:  # type: ignore[union-attr]
                row.state, row.note, row.finished_at = State.SKIPPED, "Customer already answered", now
                result.skipped.append(row.pk)
            elif row.due_at > now or not timing.is_allowed(now, tz=tz, window=row.step.window):
                row.state = State.SCHEDULED
                row.due_at = timing.next_allowed(max(now, row.due_at), tz=tz, window=row.step.window)
                result.rescheduled.append(row.pk)
            elif row.customer_id in surveyed:
                row.state, row.finished_at = State.SKIPPED, now
                row.note = "Customer already had a survey recently"
                result.skipped.append(row.pk)
            elif not row.customer.email:
                row.state, row.failed_at = State.FAILED, now
                row.last_error = "The customer has no email address."
                result.failed.append(row.pk)
            else:
                row.state = State.SENDING
                row.attempts += 1
                row.last_attempt_at = now
                row.lease_expires_at = now + conf.sending_lease()
                surveyed.add(row.customer_id)
                sending.append(row)
                continue
            settled.append(row)
        # The usual case is one statement for the whole batch; the rows settled otherwise are few.
        FollowUp.objects.filter(pk__in=[row.pk for row in sending]).update(
            state=State.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            lease_expires_at=now + conf.sending_lease(),
            claim_token=None,
            updated_at=now,
        )
        for row in settled:
            row.save(
                update_fields=[
                    "state",
                    "note",
                    "finished_at",
                    "due_at",
                    "failed_at",
                    "last_error",
                    "claim_token",
                    "lease_expires_at",
                    "updated_at",
                ]
            )
    return sending


def _record_failure(row: FollowUp, error: Exception, now: datetime, result: BatchResult) -> None:
    message = f"{type(error).__name__}: {error}"[:2_000]
    if is_permanent(error) or row.attempts >= conf.max_attempts():
        FollowUp.objects.filter(pk=row.pk, state=State.SENDING).update(
            state=State.FAILED, failed_at=now, last_error=message, lease_expires_at=None
        )
        result.failed.append(row.pk)
    else:
        FollowUp.objects.filter(pk=row.pk, state=State.SENDING).update(
            state=State.SCHEDULED,
            due_at=now + timing.backoff(row.attempts),
            last_error=message,
            lease_expires_at=None,
        )
        result.retrying.append(row.pk)


def _fallbacks_for(sent: list[FollowUp], now: datetime) -> list[FollowUp]:
    fallbacks = []
    for row in sent:
        step = row.step
        if row.purpose != Purpose.PRIMARY or not step.fallback_channel:
            continue
        fallbacks.append(
            FollowUp(
                complaint=row.complaint,
                customer=row.customer,
                step=step,
                resolved_at=row.resolved_at,
                purpose=Purpose.FALLBACK,
                parent=row,
                channel=step.fallback_channel,
                due_at=step_due_at(step=step, start=now, tz=zone_of(row.customer), fallback=True),
            )
        )
    return fallbacks


def send_followup_batch(*, ids: list[int], token: str, now: datetime | None = None) -> BatchResult:
    now = now or timezone.now()
    result = BatchResult()
    rows = _check_and_mark_sending(ids, token, now, result)
    sent: list[FollowUp] = []
    accepted: list[int] = []
    if rows:
        # One SMTP connection for the whole batch: a new one per message costs a third of the rate.
        connection = get_connection(fail_silently=False)
        mailer = FollowUpMailer()
        try:
            try:
                connection.open()
            except Exception as error:
                # The server is unreachable: nothing left, so every row may be retried safely.
                logger.warning("SMTP server unavailable, %s follow-up(s) rescheduled: %s", len(rows), error)
                for row in rows:
                    _record_failure(row, error, now, result)
                rows = []
            deadline = time.monotonic() + conf.send_time_budget()
            for index, row in enumerate(rows):
                if time.monotonic() > deadline:
                    _hand_back(rows[index:], now, result)
                    break
                try:
                    message = mailer.build(row)
                    message.connection = connection
                    message.send()
                except SoftTimeLimitExceeded:
                    # The message in flight may or may not have left: it stays in `sending` and
                    # becomes a visible failure, never a second email. The rest were not tried.
                    _hand_back(rows[index + 1 :], now, result)
                    break
                except Exception as error:
                    logger.warning("Follow-up %s not sent: %s", row.pk, error)
                    _record_failure(row, error, now, result)
                    _reset(connection)
                    continue
                sent.append(row)
                accepted.append(row.pk)
                if len(accepted) >= MARK_SENT_EVERY:
                    _mark_sent(accepted, result)
        finally:
            _close(connection)
            _mark_sent(accepted, result)
    _record_outcomes(sent, result, now)
    return result


def _hand_back(untried: list[FollowUp], now: datetime, result: BatchResult) -> None:
    """Rows this task never tried go back to the schedule, due now, without using an attempt."""
    ids = [row.pk for row in untried]
    if not ids:
        return
    FollowUp.objects.filter(pk__in=ids, state=State.SENDING).update(
        state=State.SCHEDULED, due_at=now, lease_expires_at=None, attempts=F("attempts") - 1
    )
    result.rescheduled.extend(ids)
    logger.info("Send budget used up: %s follow-up(s) handed back to the schedule", len(ids))


def _mark_sent(accepted: list[int], result: BatchResult) -> None:
    """Record accepted messages in small groups: a row per statement would halve the send rate,
    and a crash can leave at most one group in `sending` (then shown as a failure, never resent)."""
    if not accepted:
        return
    FollowUp.objects.filter(pk__in=accepted, state=State.SENDING).update(
        state=State.SENT, sent_at=timezone.now(), last_error="", lease_expires_at=None
    )
    result.sent.extend(accepted)
    accepted.clear()


def _reset(connection: object) -> None:
    """After an error the SMTP session may be unusable; the next message opens a fresh one."""
    _close(connection)
    try:
        connection.open()  # type: ignore[attr-defined]
    except Exception as error:  # the next send reports the failure on its own row
        logger.warning("Could not reopen the SMTP connection: %s", error)


def _close(connection: object) -> None:
    # Closing a broken connection may fail too; there is nothing more to do about it.
    with contextlib.suppress(Exception):
        connection.close()  # type: ignore[attr-defined]


def _record_outcomes(sent: list[FollowUp], result: BatchResult, now: datetime) -> None:
    FollowUp.objects.bulk_create(_fallbacks_for(sent, now), ignore_conflicts=True)
    notes: dict[int, list[str]] = defaultdict(list)
    for row in sent:
        notes[row.complaint_id].append(f"Follow-up email sent to {row.customer.email}.")
    failures = FollowUp.objects.filter(pk__in=result.failed).values_list("complaint_id", "last_error")
    for complaint_id, error in failures:
        notes[complaint_id].append(f"Follow-up email failed: {error}")
    TimelineEvent.objects.bulk_create(
        TimelineEvent(complaint_id=complaint_id, kind=EventKind.FOLLOWUP, actor_label="System", note=note)
        for complaint_id, texts in notes.items()
        for note in texts
    )

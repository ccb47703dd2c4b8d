"""The send task's work: each message is recorded before and after its SMTP conversation.

For every message, one commit marks the previous message `sent` (the server accepted it) and this
one `sending`; then the SMTP conversation runs. A worker killed at any moment therefore leaves at
most one message in doubt, the one in `sending`, which becomes `uncertain` when its lease runs out
and is never sent again by the system. Every message it had not started is still `claimed` under
a lease that only a live worker renews, and goes back to the queue by itself.
"""

import contextlib
import logging
import smtplib
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from outbox import conf, registry
from outbox.backends import MaybeDelivered
from outbox.mail import build_email, content_of
from outbox.models import Message, State
from outbox.registry import Cancel, KindHandler, Reschedule
from outbox.services import tell_outcome

logger = logging.getLogger(__name__)

# Sent messages are told to the apps in groups: at most this many, or this long, after the send.
TELL_EVERY = 50
TELL_AFTER_SECONDS = 2.0

# The previous message recorded sent and this one sending, in one statement (PostgreSQL).
ADVANCE_SQL = """
WITH sent AS (
    UPDATE outbox_message
       SET state = 'sent', sent_at = %s, lease_expires_at = NULL, last_error = '', updated_at = %s
     WHERE id = %s AND state IN ('sending', 'uncertain') AND claim_token = %s
 RETURNING id),
started AS (
    UPDATE outbox_message
       SET state = 'sending', attempts = attempts + 1, last_attempt_at = %s, lease_expires_at = %s,
           subject = %s, updated_at = %s
     WHERE id = %s AND state = 'claimed' AND claim_token = %s
 RETURNING id)
SELECT (SELECT count(*) FROM sent), (SELECT count(*) FROM started)
"""
START_SQL = """
UPDATE outbox_message
   SET state = 'sending', attempts = attempts + 1, last_attempt_at = %s, lease_expires_at = %s,
       subject = %s, updated_at = %s
 WHERE id = %s AND state = 'claimed' AND claim_token = %s
"""
# From `uncertain` too: a worker that was only slow still knows the server accepted it.
RECORD_SENT_SQL = """
UPDATE outbox_message
   SET state = 'sent', sent_at = %s, lease_expires_at = NULL, last_error = '', updated_at = %s
 WHERE id = %s AND state IN ('sending', 'uncertain') AND claim_token = %s
"""


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    rescheduled: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    handed_back: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def is_permanent(error: Exception) -> bool:
    """A 5xx answer (a refused address or message) will not change on retry; a dropped connection,
    a timeout or a 4xx answer may."""
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, OSError | TimeoutError)


class Batch:
    def __init__(self, *, ids: list[int], token: str, now: datetime) -> None:
        self.ids = ids
        self.token = token
        self.now = now
        self.result = BatchResult()
        self.handlers: dict[str, KindHandler | None] = {}
        self.accepted: Message | None = None  # accepted by the server, not yet recorded as sent
        self.untold: list[Message] = []  # recorded as sent, the apps not told yet
        # The claim token as the database stores it (a uuid on PostgreSQL, hex text on SQLite).
        self.db_token = Message._meta.get_field("claim_token").get_db_prep_value(uuid.UUID(token), connection)
        self.last_told = time.monotonic()

    def handler(self, kind: str) -> KindHandler | None:
        if kind not in self.handlers:
            self.handlers[kind] = registry.handler_for(kind)
        return self.handlers[kind]

    # -- before sending -------------------------------------------------------------------------

    def prepare(self) -> list[Message]:
        """Under lock: let each kind decide on its messages (send, not now, never); return those
        to send, their leases renewed."""
        with transaction.atomic():
            messages = list(
                Message.objects.select_for_update()
                .filter(id__in=self.ids, claim_token=self.token, state=State.CLAIMED)
                .order_by("id")
            )
            decisions = {}
            for kind in {m.kind for m in messages}:
                handler = self.handler(kind)
                if handler is not None:
                    decisions.update(handler.prepare([m for m in messages if m.kind == kind], self.now))
            ready, changed = [], []
            for message in messages:
                decision = decisions.get(message.pk)
                if isinstance(decision, Reschedule):
                    message.state, message.due_at, message.note = (
                        State.PENDING,
                        decision.due_at,
                        decision.note,
                    )
                    message.claim_token = message.lease_expires_at = None
                    self.result.rescheduled.append(message.pk)
                    changed.append(message)
                elif isinstance(decision, Cancel):
                    message.state, message.note, message.finished_at = (
                        State.CANCELLED,
                        decision.note[:300],
                        self.now,
                    )
                    message.claim_token = message.lease_expires_at = None
                    self.result.cancelled.append(message.pk)
                    changed.append(message)
                else:
                    ready.append(message)
            Message.objects.bulk_update(
                changed, ["state", "due_at", "note", "finished_at", "claim_token", "lease_expires_at"]
            )
            self.renew_lease()
        return ready

    def renew_lease(self) -> None:
        Message.objects.filter(claim_token=self.token, state=State.CLAIMED).update(
            lease_expires_at=timezone.now() + conf.claim_lease()
        )

    # -- around each message --------------------------------------------------------------------

    def begin(self, message: Message, subject: str) -> bool:
        """One commit: the previous message is recorded as sent, this one as being sent. False when
        this message is no longer ours (cancelled meanwhile, or its lease was taken back).

        This runs once per email, so it is plain SQL: on PostgreSQL one statement (two updates in
        one CTE, atomic on its own: one round trip, one commit); elsewhere two in a transaction."""
        now = timezone.now()
        stamp = connection.ops.adapt_datetimefield_value
        previous, self.accepted = self.accepted, None
        sent = [stamp(now), stamp(now), previous.pk if previous else None, self.db_token]
        starting = [stamp(now), stamp(now + conf.sending_lease()), subject[:300], stamp(now)]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(ADVANCE_SQL, [*sent, *starting, message.pk, self.db_token])
                recorded, started = cursor.fetchone()
            else:
                with transaction.atomic():
                    cursor.execute(RECORD_SENT_SQL, sent)
                    recorded = cursor.rowcount
                    cursor.execute(START_SQL, [*starting, message.pk, self.db_token])
                    started = cursor.rowcount
        if previous is not None and recorded:
            self._recorded(previous, now)
        if started != 1:
            return False
        message.state, message.attempts, message.last_attempt_at = State.SENDING, message.attempts + 1, now
        message.subject = subject[:300]
        return True

    def accept(self, message: Message) -> None:
        self.accepted = message

    def finish(self) -> None:
        """Record the last accepted message and tell the apps about every message sent."""
        if self.accepted is not None:
            with transaction.atomic(), connection.cursor() as cursor:
                self._record_accepted(cursor, timezone.now())
        self.tell_sent()

    def _record_accepted(self, cursor: CursorWrapper, now: datetime) -> None:
        message, self.accepted = self.accepted, None
        if message is None:
            return
        stamp = connection.ops.adapt_datetimefield_value
        cursor.execute(RECORD_SENT_SQL, [stamp(now), stamp(now), message.pk, self.db_token])
        if cursor.rowcount:
            self._recorded(message, now)

    def _recorded(self, message: Message, now: datetime) -> None:
        message.state, message.sent_at = State.SENT, now
        self.result.sent.append(message.pk)
        self.untold.append(message)

    def tell_sent(self) -> None:
        """Tell the apps (the case timeline, the follow-up rows) about the messages sent so far, in
        one transaction per group rather than one per email. Marking them told in that same
        transaction means each is told once, even when a dispatcher tick sweeps up after a
        stopped worker at the same moment."""
        untold, self.untold = self.untold, []
        if untold:
            tell_outcome(untold, State.SENT, timezone.now(), self.handlers)
        self.last_told = time.monotonic()

    def tell_if_due(self) -> None:
        if len(self.untold) >= TELL_EVERY or time.monotonic() - self.last_told > TELL_AFTER_SECONDS:
            self.tell_sent()

    def fail(
        self, message: Message, error: Exception, *, permanent: bool | None = None, counted: bool = False
    ) -> None:
        """A failed attempt: a transient error goes back to the queue with a backoff until the last
        attempt; a permanent one becomes a visible failure at once. `counted`: the attempt was not
        recorded by `begin` (the message never reached `sending`)."""
        now = timezone.now()
        reason = f"{type(error).__name__}: {error}"[:2_000]
        permanent = is_permanent(error) if permanent is None else permanent
        extra = {"attempts": message.attempts, "last_attempt_at": now} if counted else {}
        with transaction.atomic():
            with connection.cursor() as cursor:
                self._record_accepted(cursor, now)
            row = Message.objects.filter(
                pk=message.pk, claim_token=self.token, state__in=[State.SENDING, State.CLAIMED]
            )
            if permanent or message.attempts >= conf.max_attempts():
                if row.update(
                    state=State.FAILED,
                    failed_at=now,
                    last_error=reason,
                    lease_expires_at=None,
                    updated_at=now,
                    **extra,
                ):
                    message.state, message.failed_at, message.last_error = State.FAILED, now, reason
                    tell_outcome([message], State.FAILED, now, self.handlers)
                    self.result.failed.append(message.pk)
            elif row.update(
                state=State.PENDING,
                due_at=now + conf.backoff(message.attempts),
                last_error=reason,
                claim_token=None,
                lease_expires_at=None,
                updated_at=now,
                **extra,
            ):
                self.result.retrying.append(message.pk)

    def interrupted(self, message: Message, reason: str) -> None:
        """The SMTP conversation of this message broke off where nobody can say whether the server
        took it (the task's time ran out, or the answer to its data was lost): uncertain now."""
        now = timezone.now()
        with transaction.atomic():
            if Message.objects.filter(pk=message.pk, state=State.SENDING, claim_token=self.token).update(
                state=State.UNCERTAIN,
                uncertain_at=now,
                lease_expires_at=None,
                last_error=f"{reason}: the mail server may or may not have accepted it."[:2_000],
                updated_at=now,
            ):
                message.state, message.uncertain_at = State.UNCERTAIN, now
                tell_outcome([message], State.UNCERTAIN, now, self.handlers)
                self.result.uncertain.append(message.pk)

    def hand_back(self, untried: list[Message]) -> None:
        """Messages this task did not try go back to the queue, due now, without using an attempt."""
        ids = [m.pk for m in untried]
        if not ids:
            return
        now = timezone.now()
        Message.objects.filter(pk__in=ids, state=State.CLAIMED, claim_token=self.token).update(
            state=State.PENDING, due_at=now, claim_token=None, lease_expires_at=None, updated_at=now
        )
        self.result.handed_back.extend(ids)

    def unreachable(self, untried: list[Message], error: Exception) -> None:
        """The mail server could not be reached, so nothing of these left: each counts an attempt
        and waits its backoff, so an outage of hours is ridden out before anything fails."""
        for message in untried:
            message.attempts += 1
            self.fail(message, error, permanent=False, counted=True)


def send_batch(*, ids: list[int], token: str, now: datetime | None = None) -> BatchResult:
    batch = Batch(ids=ids, token=token, now=now or timezone.now())
    ready = batch.prepare()
    if ready:
        _send(batch, ready)
    return batch.result


def _send(batch: Batch, ready: list[Message]) -> None:
    # One SMTP connection for the whole batch: a new one per message costs a third of the rate.
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:
        # The server is unreachable and nothing was sent: every message waits and is tried again.
        logger.warning("Mail server unavailable, %s message(s) wait: %s", len(ready), error)
        batch.unreachable(ready, error)
        return
    deadline = time.monotonic() + conf.send_time_budget()
    next_renewal = time.monotonic() + conf.renew_every()
    try:
        for index, message in enumerate(ready):
            if time.monotonic() > deadline:
                batch.finish()
                batch.hand_back(ready[index:])
                logger.info("Send budget used up: %s message(s) handed back", len(ready) - index)
                return
            if time.monotonic() > next_renewal:
                batch.renew_lease()
                next_renewal = time.monotonic() + conf.renew_every()
            try:
                content = content_of(message, batch.handler(message.kind))
                email = build_email(message, content, connection)
            except Exception as error:
                # A message that cannot be built will not build on retry either.
                logger.exception("Outbox message %s could not be built", message.pk)
                batch.fail(message, error, permanent=True)
                continue
            if not batch.begin(message, content.subject):
                batch.result.skipped.append(message.pk)
                continue
            try:
                if connection.send_messages([email]) != 1:
                    raise smtplib.SMTPException("The mail backend did not accept the message.")
            except SoftTimeLimitExceeded:
                batch.interrupted(message, "Interrupted while sending")
                batch.hand_back(ready[index + 1 :])
                return
            except MaybeDelivered as error:
                batch.interrupted(message, str(error))
                reopen_error = _reopen(connection)
                if reopen_error is not None:
                    batch.unreachable(ready[index + 1 :], reopen_error)
                    return
                continue
            except Exception as error:
                logger.warning("Outbox message %s not sent: %s", message.pk, error)
                batch.fail(message, error)
                reopen_error = _reopen(connection)
                if reopen_error is not None:
                    batch.unreachable(ready[index + 1 :], reopen_error)
                    return
                continue
            batch.accept(message)
            batch.tell_if_due()
    finally:
        batch.finish()
        _close(connection)


def _reopen(connection: BaseEmailBackend) -> Exception | None:
    """After an error the SMTP session may be unusable; the next message needs a fresh one.
    Returns the error if the server cannot be reached any more."""
    _close(connection)
    try:
        connection.open()
    except Exception as error:
        logger.warning("Could not reopen the mail connection: %s", error)
        return error
    return None


def _close(connection: BaseEmailBackend) -> None:
    # Closing a broken connection may fail too; there is nothing more to do about it.
    with contextlib.suppress(Exception):
        connection.close()

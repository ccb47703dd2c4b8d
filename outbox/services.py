"""Writing messages into the outbox, and the few things staff may do to one afterwards.

`queue_email` is called inside the transaction of the change that causes the message, so the
message exists if and only if the change committed; nothing is sent from a request. After the
commit the dispatcher is woken so the message leaves within seconds; if the broker is down at that
moment, the next scheduled tick sends it instead.
"""

import logging
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from outbox import registry
from outbox.errors import OutboxError
from outbox.models import ATTENTION_STATES, WAITING_STATES, Audience, Message, State
from outbox.rendering import render_email

logger = logging.getLogger(__name__)


def queue_email(
    *,
    key: str,
    to: str,
    template: str,
    context: dict[str, Any],
    reference: str = "",
    case_id: int | None = None,
    audience: Audience | str = Audience.STAFF,
    headers: dict[str, str] | None = None,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> Message | None:
    """Render the email now and write it; return it, or None when `key` was written before (or
    there is no address). Call inside the transaction of the change that causes it."""
    if not to:
        return None
    content = render_email(template, context)
    return _write(
        key=key,
        kind=template,
        to=to,
        audience=audience,
        subject=content.subject,
        text=content.text,
        html=content.html,
        headers=headers or {},
        reference=reference,
        case_id=case_id,
        due_at=due_at,
        now=now,
    )


def queue_text_email(
    *,
    key: str,
    to: str,
    subject: str,
    text: str,
    reference: str = "",
    case_id: int | None = None,
    audience: Audience | str = Audience.CUSTOMER,
    now: datetime | None = None,
) -> Message | None:
    """Write an email whose plain-text content is already written (a canned response)."""
    if not to:
        return None
    return _write(
        key=key,
        kind="text",
        to=to,
        audience=audience,
        subject=" ".join(subject.split())[:300],
        text=text,
        reference=reference,
        case_id=case_id,
        due_at=None,
        now=now,
    )


def queue_message(
    *,
    key: str,
    kind: str,
    to: str,
    object_id: int,
    audience: Audience | str,
    reference: str = "",
    case_id: int | None = None,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> Message | None:
    """Write a message whose content its kind builds when it leaves (see `outbox.registry`)."""
    if not to:
        return None
    return _write(
        key=key,
        kind=kind,
        to=to,
        audience=audience,
        object_id=object_id,
        reference=reference,
        case_id=case_id,
        due_at=due_at,
        now=now,
    )


def queue_messages(messages: list[Message], *, now: datetime | None = None) -> list[Message]:
    """Write many unsaved messages at once (their keys must be new): a producer's batch. Producers
    run inside the dispatcher, which claims what they wrote right after: no wake-up is needed."""
    now = now or timezone.now()
    for message in messages:
        message.due_at = message.due_at or now
    return Message.objects.bulk_create(messages)


def _write(*, key: str, due_at: datetime | None, now: datetime | None, **fields: Any) -> Message | None:
    now = now or timezone.now()
    message, created = Message.objects.get_or_create(key=key, defaults={**fields, "due_at": due_at or now})
    if not created:
        return None
    if message.due_at <= now:
        wake_dispatcher_after_commit()
    return message


def wake_dispatcher_after_commit() -> None:
    """Once per transaction, however many messages it wrote."""
    # Entries are (savepoint ids, callback, robust); the stubs know only the first two.
    if any(entry[1] is _wake for entry in connection.run_on_commit):
        return
    transaction.on_commit(_wake, robust=True)


def _wake() -> None:
    from outbox.tasks import dispatch_outbox

    # A wake-up older than a tick is pointless: the scheduled tick has run by then.
    dispatch_outbox.apply_async(expires=60)


def cancel_messages(*, ids: list[int], note: str, now: datetime | None = None) -> int:
    """Stop messages that have not started to leave; a message being sent cannot be called back.
    Called by the app that wrote them (a case reopened cancels its survey); no mirroring back."""
    if not ids:
        return 0
    now = now or timezone.now()
    return Message.objects.filter(pk__in=ids, state__in=WAITING_STATES).update(
        state=State.CANCELLED,
        note=note[:300],
        finished_at=now,
        claim_token=None,
        lease_expires_at=None,
        updated_at=now,
    )


@transaction.atomic
def retry_message(
    *,
    message: Message,
    actor: AbstractBaseUser,
    confirmed: bool = False,
    to: str = "",
    now: datetime | None = None,
) -> Message:
    """Send a failed or uncertain message again, to `to` if the address was corrected. An uncertain
    one may already be in the recipient's inbox, so it needs `confirmed` (the person checked); a
    sent one is never sent again."""
    if not actor.has_perm("outbox.retry_message"):  # type: ignore[attr-defined]
        raise OutboxError("You may not send messages again.")
    now = now or timezone.now()
    row = Message.objects.select_for_update().get(pk=message.pk)
    if row.state == State.SENT:
        raise OutboxError("This message was delivered to the mail server: it is not sent twice.")
    if row.state not in ATTENTION_STATES:
        state = row.get_state_display().lower()
        raise OutboxError(f"Only failed or uncertain messages can be sent again; this one is {state}.")
    if row.state == State.UNCERTAIN and not confirmed:
        raise OutboxError(
            "This message may already have reached the recipient. Check with them, then confirm that "
            "it should be sent again."
        )
    row.state = State.PENDING
    row.due_at = now
    row.attempts = 0
    row.claim_token = None
    row.lease_expires_at = None
    row.failed_at = None
    row.uncertain_at = None
    row.retried_by = actor.get_username()
    row.outcome_told_at = None
    row.to = to or row.to
    row.save()
    announce([row], State.PENDING, now)
    wake_dispatcher_after_commit()
    message.refresh_from_db()
    return row


def announce(
    messages: list[Message], state: str, now: datetime, handlers: dict[str, Any] | None = None
) -> None:
    """Tell the kinds and the observers that these messages reached `state` (same transaction)."""
    if not messages:
        return
    handlers = handlers if handlers is not None else {}
    by_kind: dict[str, list[Message]] = {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message)
    for kind, group in by_kind.items():
        if kind not in handlers:
            handlers[kind] = registry.handler_for(kind)
        handler = handlers[kind]
        if handler is not None:
            handler.mirror(group, state, now)
    for observer in registry.observers():
        observer(messages, state, now)


def tell_outcome(
    messages: list[Message], state: str, now: datetime, handlers: dict[str, Any] | None = None
) -> None:
    """Tell the apps that these messages were sent, failed or may have been delivered, once each:
    only the messages this transaction marks as told are announced."""
    if not messages:
        return
    with transaction.atomic():
        told = set(
            Message.objects.filter(pk__in=[m.pk for m in messages], outcome_told_at__isnull=True)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if not told:
            return
        Message.objects.filter(pk__in=told).update(outcome_told_at=now)
        announce([m for m in messages if m.pk in told], state, now, handlers)

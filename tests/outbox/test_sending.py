"""Sending: each message recorded before and after its SMTP conversation, failures told apart."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from outbox.dispatching import claim_due_batch, dispatch, recover_expired_leases
from outbox.models import Message, State
from outbox.sending import send_batch
from outbox.services import cancel_messages
from outbox.testing import flush_outbox
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_a_message_leaves_once_with_a_message_id_of_the_site_and_the_reply_to_address(
    smtp, write, settings
) -> None:
    settings.SITE_URL = "https://complaints.example.org"
    settings.DEFAULT_REPLY_TO_EMAIL = "care@example.org"
    message = write(to="ada@example.com")

    result = flush_outbox()
    flush_outbox()

    (received,) = smtp.wait_for(1)
    assert result.sent == [message.pk]
    message_id = str(received["Message-ID"]).strip()
    assert message_id.startswith(f"<{message.pk}.") and message_id.endswith("@complaints.example.org>")
    assert str(received["Reply-To"]).strip() == "care@example.org"
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 1)
    assert message.sent_at is not None and message.claim_token is not None


def test_a_refused_address_fails_at_once_and_the_case_timeline_says_so(smtp, write) -> None:
    complaint = ComplaintFactory()
    message = write(to="bad@example.com", case_id=complaint.pk, reference=complaint.reference)

    result = flush_outbox()

    message.refresh_from_db()
    assert result.failed == [message.pk]
    assert (message.state, message.attempts) == (State.FAILED, 1)
    assert "550" in message.last_error
    assert complaint.events.filter(kind="email_failed", note__contains="No such user").exists()


def test_a_busy_mailbox_is_retried_after_a_growing_wait(smtp, write) -> None:
    message = write(to="busy@example.com")

    flush_outbox()
    message.refresh_from_db()
    first_wait = message.due_at - message.last_attempt_at
    flush_outbox(now=message.due_at)
    message.refresh_from_db()
    second_wait = message.due_at - message.last_attempt_at

    assert message.state == State.PENDING and message.attempts == 2
    assert abs(first_wait.total_seconds() - 15) < 1 and abs(second_wait.total_seconds() - 30) < 1
    assert smtp.messages == []


def test_an_answer_lost_after_the_whole_message_went_out_is_uncertain_and_never_resent(smtp, write) -> None:
    complaint = ComplaintFactory()
    lost = write(to="lost@example.com", case_id=complaint.pk, reference=complaint.reference)
    after = write(to="after@example.com")

    result = flush_outbox()
    flush_outbox(now=timezone.now() + timedelta(hours=2))

    lost.refresh_from_db()
    assert result.uncertain == [lost.pk] and result.sent == [after.pk]
    assert lost.state == State.UNCERTAIN and "connection was lost" in lost.last_error
    assert [m["To"] for m in smtp.messages] == ["lost@example.com", "after@example.com"]
    assert complaint.events.filter(kind="email_uncertain").exists()


def test_a_cancelled_message_is_never_sent_but_one_already_leaving_cannot_be_called_back(write) -> None:
    waiting, leaving = write(), write()
    Message.objects.filter(pk=leaving.pk).update(state=State.SENDING)

    assert cancel_messages(ids=[waiting.pk, leaving.pk], note="Case reopened") == 1

    assert flush_outbox().sent == []
    assert Message.objects.get(pk=waiting.pk).state == State.CANCELLED
    assert Message.objects.get(pk=leaving.pk).state == State.SENDING


def test_due_messages_are_handed_over_in_batches_up_to_the_in_flight_limit(
    write, settings, django_capture_on_commit_callbacks
) -> None:
    settings.OUTBOX_MAX_IN_FLIGHT = 5
    for _ in range(7):
        write()

    handed = dispatch(batch_size=2)

    assert handed == 5
    assert Message.objects.filter(state=State.CLAIMED).count() == 5
    assert Message.objects.filter(state=State.PENDING).count() == 2


def test_a_claim_whose_worker_never_came_goes_back_to_the_queue_and_one_caught_sending_becomes_uncertain(
    write,
) -> None:
    claimed_only, caught = write(), write()
    now = timezone.now()
    token, _ids = claim_due_batch(now=now, batch_size=10)
    Message.objects.filter(pk=caught.pk).update(state=State.SENDING, lease_expires_at=now)

    assert recover_expired_leases(now=now + timedelta(minutes=5)) == {"requeued": 1, "uncertain": 1}

    claimed_only.refresh_from_db()
    caught.refresh_from_db()
    assert (claimed_only.state, claimed_only.claim_token) == (State.PENDING, None)
    assert caught.state == State.UNCERTAIN and str(caught.claim_token) == token


def test_a_slow_worker_that_finishes_after_its_message_was_marked_uncertain_records_it_sent(
    smtp, write
) -> None:
    message = write()
    now = timezone.now()
    token, ids = claim_due_batch(now=now, batch_size=10)
    result = None

    def recover_mid_send(*args: object) -> None:
        recover_expired_leases(now=timezone.now() + timedelta(minutes=5))

    from outbox import sending

    real_begin = sending.Batch.begin

    def begin_then_stall(self, message, subject):  # type: ignore[no-untyped-def]
        started = real_begin(self, message, subject)
        recover_mid_send()  # the lease runs out while the server is still answering
        return started

    sending.Batch.begin = begin_then_stall  # type: ignore[method-assign]
    try:
        result = send_batch(ids=ids, token=token)
    finally:
        sending.Batch.begin = real_begin  # type: ignore[method-assign]

    message.refresh_from_db()
    assert result.sent == [message.pk] and message.state == State.SENT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_message_is_committed_as_sending_before_its_smtp_conversation_and_sent_right_after(
    write, settings
) -> None:
    """Another connection looks at the table at the moment each message is handed to the mail
    server: that message is `sending`, the one before it already `sent`, the rest still claimed."""
    first, second, third = write(), write(), write()
    seen: list[dict[int, str]] = []

    def look_from_another_connection() -> None:
        def read() -> None:
            try:
                seen.append(dict(Message.objects.values_list("pk", "state")))
            finally:
                connection.close()

        reader = threading.Thread(target=read)
        reader.start()
        reader.join()

    from django.core.mail.backends.locmem import EmailBackend

    class Watching(EmailBackend):
        def send_messages(self, messages):  # type: ignore[no-untyped-def]
            look_from_another_connection()
            return super().send_messages(messages)

    settings.EMAIL_BACKEND = f"{__name__}.Watching"
    globals()["Watching"] = Watching
    flush_outbox()

    assert seen == [
        {first.pk: State.SENDING, second.pk: State.CLAIMED, third.pk: State.CLAIMED},
        {first.pk: State.SENT, second.pk: State.SENDING, third.pk: State.CLAIMED},
        {first.pk: State.SENT, second.pk: State.SENT, third.pk: State.SENDING},
    ]
    assert set(Message.objects.values_list("state", flat=True)) == {State.SENT}


def test_a_worker_that_dies_mid_batch_leaves_one_message_in_doubt_and_the_rest_go_out_once(write) -> None:
    from django.core import mail
    from django.core.mail.backends.locmem import EmailBackend

    messages = [write(to=f"customer{n}@example.com") for n in range(5)]
    real_send = EmailBackend.send_messages
    calls = []

    def die_on_the_third(self, batch):  # type: ignore[no-untyped-def]
        calls.append(batch[0].to[0])
        if len(calls) == 3:
            raise SystemExit("killed")  # nothing after this line runs in a killed process
        return real_send(self, batch)

    EmailBackend.send_messages = die_on_the_third  # type: ignore[method-assign]
    try:
        with pytest.raises(SystemExit):
            flush_outbox()
    finally:
        EmailBackend.send_messages = real_send  # type: ignore[method-assign]

    later = timezone.now() + timedelta(minutes=5)
    flush_outbox(now=later)

    states = [Message.objects.get(pk=m.pk).state for m in messages]
    assert states == [State.SENT, State.SENT, State.UNCERTAIN, State.SENT, State.SENT]
    delivered = [m.to[0] for m in mail.outbox]
    assert sorted(delivered) == sorted(f"customer{n}@example.com" for n in (0, 1, 3, 4))


def test_a_long_batch_keeps_renewing_the_lease_of_the_messages_it_has_not_reached(write, settings) -> None:
    import time

    from django.core.mail.backends.locmem import EmailBackend

    settings.OUTBOX_CLAIM_LEASE_SECONDS = 3  # renewed every second
    messages = [write() for _ in range(4)]
    token, ids = claim_due_batch(now=timezone.now(), batch_size=10)
    first_lease = Message.objects.get(pk=messages[-1].pk).lease_expires_at
    leases_seen = []
    real_send = EmailBackend.send_messages

    def slow_send(self, batch):  # type: ignore[no-untyped-def]
        time.sleep(0.7)
        leases_seen.append(Message.objects.get(pk=messages[-1].pk).lease_expires_at)
        return real_send(self, batch)

    EmailBackend.send_messages = slow_send  # type: ignore[method-assign]
    try:
        result = send_batch(ids=ids, token=token)
    finally:
        EmailBackend.send_messages = real_send  # type: ignore[method-assign]

    assert len(result.sent) == 4
    assert leases_seen[2] > first_lease, "the last message's claim was renewed while the others went out"


def test_outcomes_a_stopped_worker_recorded_but_never_told_are_told_once_by_the_next_tick(write) -> None:
    complaint = ComplaintFactory()
    message = write(case_id=complaint.pk, reference=complaint.reference)
    later = timezone.now() + timedelta(minutes=5)
    # The worker recorded the send, then stopped before telling the apps.
    Message.objects.filter(pk=message.pk).update(state=State.SENT, sent_at=timezone.now())

    dispatch(now=later)
    dispatch(now=later)

    assert complaint.events.filter(kind="email_sent").count() == 1
    assert Message.objects.get(pk=message.pk).outcome_told_at is not None

"""Faults, with the real processes: a worker killed mid-send, Redis restarted mid-run, the SMTP
server down and back. After recovery every due follow-up is final by itself: sent once, or (at
most one per killed process) shown as "may have been delivered"; the SMTP server never receives
the same customer's email twice."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from followups.models import FollowUp, State
from outbox.models import Message
from outbox.models import State as MessageState
from tests.factories import ComplaintFactory, CustomerFactory, FollowUpStepFactory, only_policy, resolve
from tests.followups.faults import (
    RestartableSmtp,
    ThrowawayRedis,
    dispatch_in_process,
    wait_quiet,
    wait_until,
)
from tests.support.processes import CeleryProcess, celery_env, flush_broker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
UNFINISHED = (State.SCHEDULED, State.QUEUED, State.SENDING)
# Past every lease: a claim not renewed (60 s) and a send not finished (twice EMAIL_TIMEOUT, plus 30 s).
LEASES_EXPIRED = timedelta(minutes=3)
CHILD_PROCESSES = 2


def make_due(count: int) -> dict[str, int]:
    """`count` resolved cases of distinct customers, each with one email follow-up due now."""
    FollowUpStepFactory(policy=only_policy(name="Trial"), delay=1, delay_unit="seconds")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    for _ in range(count):
        resolve(ComplaintFactory(customer=CustomerFactory()), now=an_hour_ago)
    return dict(FollowUp.objects.values_list("customer__email", "pk"))


def unfinished() -> int:
    return FollowUp.objects.filter(state__in=UNFINISHED).count()


def sending() -> int:
    return Message.objects.filter(state=MessageState.SENDING).count()


@pytest.fixture
def slow_smtp() -> Iterator[RestartableSmtp]:
    sink = RestartableSmtp(delay=0.05)
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def worker(env: dict[str, str], name: str) -> CeleryProcess:
    process = CeleryProcess(
        ["worker", "-l", "info", "--concurrency", str(CHILD_PROCESSES), "-n", f"{name}@%h"], env
    )
    process.start(ready_marker="ready.")
    return process


def test_a_worker_killed_mid_send_leaves_at_most_one_uncertain_email_per_process_and_the_rest_sent_once(
    slow_smtp,
) -> None:
    emails = make_due(120)
    flush_broker()
    env = celery_env(smtp_port=slow_smtp.port)
    first = worker(env, "first")
    try:
        assert dispatch_in_process(env, batch_size=30) == "120"
        wait_until(lambda: sum(slow_smtp.received.values()) >= 25, what="25 emails arrived")
        first.kill()  # SIGKILL on the process group, mid-batch
    finally:
        first.kill()
    arrived_before_recovery = sum(slow_smtp.received.values())
    in_doubt = sending()
    assert in_doubt <= CHILD_PROCESSES, "each process was sending at most one email"

    second = worker(env, "second")
    try:
        # It first takes the batches still waiting in Redis; the dead worker's claims stay put
        # until their lease runs out, which the next dispatcher tick after it notices.
        wait_quiet(slow_smtp)
        dispatch_in_process(env, later_by=LEASES_EXPIRED, batch_size=30)
        wait_until(lambda: unfinished() == 0, what="every follow-up finished")
    finally:
        second.stop()

    received = slow_smtp.received
    assert max(received.values()) == 1, [email for email, n in received.items() if n > 1]
    rows = {row.customer.email: row for row in FollowUp.objects.select_related("customer")}
    assert {row.state for row in rows.values()} <= {State.SENT, State.UNCERTAIN}
    uncertain = {email for email, row in rows.items() if row.state == State.UNCERTAIN}
    assert len(uncertain) == in_doubt, "only the emails in the middle of their SMTP conversation"
    sent = {email for email, row in rows.items() if row.state == State.SENT}
    assert sent <= set(received), "every row marked sent reached the SMTP server"
    assert set(emails) - uncertain <= set(received), "every untried email went out after the crash"
    assert not FollowUp.objects.filter(state=State.FAILED).exists(), "no person needed"
    assert sum(received.values()) > arrived_before_recovery


def test_redis_restarted_mid_run_loses_no_followup_and_sends_none_twice(slow_smtp, tmp_path) -> None:
    emails = make_due(120)
    broker = ThrowawayRedis(tmp_path)
    broker.start()
    env = {**celery_env(smtp_port=slow_smtp.port), "CELERY_BROKER_URL": broker.url}
    process = worker(env, "redis")
    try:
        assert dispatch_in_process(env, batch_size=20) == "120"
        wait_until(lambda: sum(slow_smtp.received.values()) >= 15, what="15 emails arrived")
        broker.kill()  # every message still in Redis is gone with it
        broker.start()  # same port, empty
        # The worker reconnects on its own; what it was sending finishes without the broker.
        wait_until(lambda: process.output.count("Connected to redis://") >= 2, what="worker reconnected")
        wait_quiet(slow_smtp)
        assert sending() == 0
        lost = Message.objects.filter(state=MessageState.CLAIMED).count()
        assert lost > 0, "the restart should lose handed-out batches"
        # The claims whose task messages were lost come back once their lease expires.
        dispatch_in_process(env, later_by=LEASES_EXPIRED, batch_size=20)
        wait_until(lambda: unfinished() == 0, what="every follow-up finished")
        assert process.process is not None and process.process.poll() is None, "the worker survived"
    finally:
        process.stop()
        broker.kill()

    received = slow_smtp.received
    assert set(received) == set(emails)
    assert max(received.values()) == 1
    assert set(FollowUp.objects.values_list("state", flat=True)) == {State.SENT}


def test_smtp_down_then_back_retries_with_backoff_then_sends_each_email_once(slow_smtp) -> None:
    emails = make_due(40)
    flush_broker()
    slow_smtp.stop()
    env = celery_env(smtp_port=slow_smtp.port)
    process = worker(env, "smtp")
    try:
        started = timezone.now()
        assert dispatch_in_process(env, batch_size=20) == "40"
        wait_until(
            lambda: Message.objects.filter(attempts=1, state=MessageState.PENDING).count() == 40,
            what="every message back in the queue after one failed attempt",
        )
        for message in Message.objects.all():
            assert "Connection refused" in message.last_error or "Errno 111" in message.last_error
            # First retry 15 seconds after the attempt (then 30 s, 1 min …).
            assert started + timedelta(seconds=14) <= message.due_at <= timezone.now() + timedelta(seconds=16)
        assert not slow_smtp.received
        assert set(FollowUp.objects.values_list("state", flat=True)) == {State.QUEUED}

        slow_smtp.start()  # back on the same port
        assert dispatch_in_process(env, batch_size=20) == "0", "nothing is due before the backoff"
        # The backoff passes (the claim compares with the real clock, so move the messages).
        Message.objects.update(due_at=F("due_at") - timedelta(seconds=20))
        assert dispatch_in_process(env, batch_size=20) == "40"
        wait_until(lambda: unfinished() == 0, what="every follow-up finished")
    finally:
        process.stop()

    assert slow_smtp.received == dict.fromkeys(emails, 1)
    assert set(Message.objects.values_list("state", "attempts", "last_error")) == {(MessageState.SENT, 2, "")}

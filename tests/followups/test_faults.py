"""Faults, with the real processes: a worker killed mid-send, Redis restarted mid-run, the SMTP
server down and back. After recovery every due follow-up is sent or visibly failed, and the SMTP
server never receives the same customer's email twice."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from followups.models import FollowUp, State
from followups.services.dispatching import INTERRUPTED
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
# Past every lease: `sending` (task time limit + 60 s) and `queued` (15 minutes).
LEASES_EXPIRED = timedelta(minutes=20)


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
    return FollowUp.objects.filter(state=State.SENDING).count()


@pytest.fixture
def slow_smtp() -> Iterator[RestartableSmtp]:
    sink = RestartableSmtp(delay=0.05)
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


def worker(env: dict[str, str], name: str) -> CeleryProcess:
    process = CeleryProcess(["worker", "-l", "info", "--concurrency", "2", "-n", f"{name}@%h"], env)
    process.start(ready_marker="ready.")
    return process


def test_a_worker_killed_mid_send_leaves_every_followup_sent_or_visibly_failed_never_sent_twice(
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
    assert sending() > 0, "the kill should catch rows mid-send"

    second = worker(env, "second")
    try:
        # It first takes the batches still waiting in Redis; the dead worker's own rows stay put.
        wait_quiet(slow_smtp)
        stuck = sending()
        # The next dispatcher tick after the leases expired recovers the dead worker's rows.
        dispatch_in_process(env, later_by=LEASES_EXPIRED, batch_size=30)
        wait_until(lambda: unfinished() == 0, what="every follow-up finished")
    finally:
        second.stop()
    assert FollowUp.objects.filter(state=State.FAILED).count() == stuck

    received = slow_smtp.received
    assert max(received.values()) == 1, [email for email, n in received.items() if n > 1]
    rows = {row.customer.email: row for row in FollowUp.objects.select_related("customer")}
    assert {row.state for row in rows.values()} <= {State.SENT, State.FAILED}
    sent = {email for email, row in rows.items() if row.state == State.SENT}
    failed = {email for email, row in rows.items() if row.state == State.FAILED}
    assert sent <= set(received), "every row marked sent reached the SMTP server"
    assert set(received) <= set(emails), "nothing else was sent"
    # Rows caught mid-send are shown as interrupted (the email may or may not have left), not resent.
    assert failed and all(rows[email].last_error == INTERRUPTED for email in failed)
    # The second worker sent what the first never started.
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
        lost = FollowUp.objects.filter(state=State.QUEUED).count()
        assert lost > 0, "the restart should lose queued messages"
        # The queued rows whose messages were lost come back once their lease expires.
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
            lambda: unfinished() == FollowUp.objects.filter(attempts=1, state=State.SCHEDULED).count() == 40,
            what="every row back in the schedule after one failed attempt",
        )
        for row in FollowUp.objects.all():
            assert "Connection refused" in row.last_error or "Errno 111" in row.last_error, row.last_error
            # First retry one minute after the attempt (then 2, 4 … minutes).
            assert started + timedelta(seconds=55) <= row.due_at <= timezone.now() + timedelta(seconds=65)
        assert not slow_smtp.received

        slow_smtp.start()  # back on the same port
        assert dispatch_in_process(env, batch_size=20) == "0", "nothing is due before the backoff"
        # The minute passes (the send task checks "due" against the real clock, so move the rows).
        FollowUp.objects.update(due_at=F("due_at") - timedelta(minutes=1, seconds=5))
        assert dispatch_in_process(env, batch_size=20) == "40"
        wait_until(lambda: unfinished() == 0, what="every follow-up finished")
    finally:
        process.stop()

    assert slow_smtp.received == dict.fromkeys(emails, 1)
    assert set(FollowUp.objects.values_list("state", "attempts", "last_error")) == {(State.SENT, 2, "")}

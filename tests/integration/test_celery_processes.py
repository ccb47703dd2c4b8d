"""A real worker and a real Beat on real Redis, started as the README's production commands."""

import time

import pytest
from django.contrib.auth.models import Group

from accounts.services import queue_password_reset
from portal.heartbeat import last_heartbeat
from portal.models import Heartbeat
from portal.tasks import worker_heartbeat
from tests.factories import AgentFactory
from tests.support.smtp import text_body

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_until(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_a_task_sent_by_this_process_runs_in_the_worker(celery_worker) -> None:
    assert last_heartbeat(source=Heartbeat.Source.WORKER) is None

    worker_heartbeat.delay()

    wait_until(lambda: last_heartbeat(source=Heartbeat.Source.WORKER) is not None)
    assert "portal.tasks.worker_heartbeat" in celery_worker.output


def test_the_password_reset_email_travels_through_the_worker_to_smtp(celery_worker, smtp_server) -> None:
    user = AgentFactory(username="kim", email="kim@staff.example.com")

    queue_password_reset(user=user)  # writes the message and wakes the dispatcher after commit

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "kim@staff.example.com"
    assert "/accounts/password/reset/" in text_body(message)


def test_beat_ticks_and_its_schedule_reaches_the_worker(celery_beat, client) -> None:
    # The migrations' data (groups, Beat schedule) is restored for transactional tests.
    assert Group.objects.filter(name="Agent").exists()

    wait_until(lambda: last_heartbeat(source=Heartbeat.Source.BEAT) is not None)
    wait_until(lambda: last_heartbeat(source=Heartbeat.Source.WORKER) is not None, timeout=45)

    body = client.get("/health/").json()
    assert body["status"] == "ok", body


def test_a_second_beat_started_by_mistake_sends_nothing_and_takes_over_when_the_first_dies(
    celery_worker,
) -> None:
    from tests.support.processes import CeleryProcess

    env = {**celery_worker.env, "BEAT_LEASE_SECONDS": "3"}
    first = CeleryProcess(["beat", "-l", "info", "--max-interval", "1"], env)
    second = CeleryProcess(["beat", "-l", "info", "--max-interval", "1"], env)
    first.start(ready_marker="beat: Starting")
    try:
        first.wait_for("holds the scheduling lease", timeout=20)
        second.start(ready_marker="beat: Starting")
        second.wait_for("stands by and sends nothing", timeout=20)
        first.wait_for("Sending due task", timeout=20)
        time.sleep(4)
        assert "Sending due task" not in second.output, "two Beats would send every task twice"

        first.kill()  # a crash: the lease is not released, it runs out
        second.wait_for("holds the scheduling lease", timeout=20)
        second.wait_for("Sending due task", timeout=20)
    finally:
        first.kill()
        second.stop()

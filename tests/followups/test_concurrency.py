"""Two dispatchers and two deliveries of one message on PostgreSQL: nothing is sent twice."""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from followups.models import FollowUp, State
from followups.services.dispatching import claim_due_batch
from followups.services.sending import send_followup_batch
from tests.factories import ComplaintFactory, CustomerFactory, FollowUpStepFactory, only_policy, resolve

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NOON = datetime(2025, 6, 4, 11, 0, tzinfo=UTC)
DUE = NOON + timedelta(days=3)


def in_threads(count: int, work: Callable[[int], None]) -> None:
    """Run `work` in `count` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def make_due(count: int) -> None:
    FollowUpStepFactory(policy=only_policy(name="Trial"), delay=3)
    with time_machine.travel(NOON, tick=False):
        for _ in range(count):
            resolve(ComplaintFactory(customer=CustomerFactory()))


def test_two_dispatchers_never_claim_the_same_row() -> None:
    assert connection.vendor == "postgresql"
    make_due(300)
    claimed: list[list[int]] = [[], []]

    def dispatcher(index: int) -> None:
        while True:
            _token, ids = claim_due_batch(now=DUE, batch_size=7)
            if not ids:
                return
            claimed[index].extend(ids)

    in_threads(2, dispatcher)

    everything = claimed[0] + claimed[1]
    assert len(everything) == len(set(everything)) == 300
    assert claimed[0] and claimed[1], "both dispatchers should have won some batches"
    assert set(FollowUp.objects.values_list("state", flat=True)) == {State.QUEUED}


def test_two_workers_given_the_same_message_send_each_email_once(smtp) -> None:
    make_due(40)
    token, ids = claim_due_batch(now=DUE, batch_size=100)

    in_threads(2, lambda _index: send_followup_batch(ids=ids, token=token, now=DUE))

    recipients = Counter(message["To"] for message in smtp.messages)
    assert len(recipients) == 40 and set(recipients.values()) == {1}
    assert set(FollowUp.objects.values_list("state", flat=True)) == {State.SENT}

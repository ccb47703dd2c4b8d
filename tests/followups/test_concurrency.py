"""Two dispatchers and two deliveries of one batch on PostgreSQL: nothing is sent twice."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from followups.models import FollowUp, State
from followups.services.release import release_due_followups
from outbox.dispatching import claim_due_batch
from outbox.models import Message
from outbox.models import State as MessageState
from outbox.sending import send_batch
from tests.factories import ComplaintFactory, CustomerFactory, FollowUpStepFactory, only_policy, resolve
from tests.support.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NOON = datetime(2025, 6, 4, 11, 0, tzinfo=UTC)
DUE = NOON + timedelta(days=3)


def make_due(count: int, *, customers: int | None = None) -> None:
    FollowUpStepFactory(policy=only_policy(name="Trial"), delay=3)
    people = [CustomerFactory() for _ in range(customers or count)]
    with time_machine.travel(NOON, tick=False):
        for index in range(count):
            resolve(ComplaintFactory(customer=people[index % len(people)]))


def test_two_dispatchers_release_each_follow_up_once_and_one_survey_per_customer() -> None:
    assert connection.vendor == "postgresql"
    make_due(120, customers=80)  # 40 customers have two cases due at once

    def dispatcher() -> int:
        released = 0
        for _ in range(20):
            released += release_due_followups(DUE)
        return released

    results = run_at_once(dispatcher, dispatcher)

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == Message.objects.count() == 80  # type: ignore[arg-type]
    per_customer = Counter(FollowUp.objects.filter(state=State.QUEUED).values_list("customer_id", flat=True))
    assert len(per_customer) == 80 and set(per_customer.values()) == {1}
    assert FollowUp.objects.filter(state=State.SKIPPED).count() == 40


def test_two_dispatchers_never_claim_the_same_message() -> None:
    make_due(100)
    release_due_followups(DUE)
    claimed: list[list[int]] = [[], []]

    def dispatcher(index: int) -> None:
        while True:
            _token, ids = claim_due_batch(now=DUE, batch_size=7)
            if not ids:
                return
            claimed[index].extend(ids)

    run_at_once(lambda: dispatcher(0), lambda: dispatcher(1))

    everything = claimed[0] + claimed[1]
    assert len(everything) == len(set(everything)) == 100
    assert claimed[0] and claimed[1], "both dispatchers should have won some batches"
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.CLAIMED}


def test_two_workers_given_the_same_batch_send_each_email_once(smtp) -> None:
    make_due(40)
    release_due_followups(DUE)
    token, ids = claim_due_batch(now=DUE, batch_size=100)

    run_at_once(*(lambda: send_batch(ids=ids, token=token, now=DUE) for _ in range(2)))

    recipients = Counter(message["To"] for message in smtp.messages)
    assert len(recipients) == 40 and set(recipients.values()) == {1}
    assert set(FollowUp.objects.values_list("state", flat=True)) == {State.SENT}
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}

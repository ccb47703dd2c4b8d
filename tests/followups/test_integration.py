"""The key proof: real Beat, real worker, real Redis and a real SMTP server on loopback.

A case resolved with a policy delay of a few seconds produces exactly one follow-up email, whose
survey link, answered "no", reopens the case.
"""

import re
import time

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from complaints.models import Status
from followups.models import FollowUp, State
from tests.factories import (
    AgentFactory,
    ComplaintFactory,
    CustomerFactory,
    FollowUpStepFactory,
    only_policy,
    resolve,
)
from tests.support.smtp import text_body

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def dispatcher_every_second(transactional_db, django_db_serialized_rollback) -> None:
    """The cadence is data in django-celery-beat's tables, as an admin would edit it."""
    task = PeriodicTask.objects.get(task="outbox.tasks.dispatch_outbox")
    task.interval, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    task.save()


def wait_until(predicate, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def test_a_resolved_case_gets_exactly_one_email_whose_no_answer_reopens_the_case(
    dispatcher_every_second, celery_beat, celery_worker, smtp_server, client
) -> None:
    FollowUpStepFactory(policy=only_policy(name="Trial"), delay=3, delay_unit="seconds")
    owner = AgentFactory(email="owner@staff.example.com")
    complaint = ComplaintFactory(
        owner=owner, customer=CustomerFactory(name="Ada Byron", email="ada@example.com")
    )

    resolve(complaint)

    (message,) = smtp_server.wait_for(1, timeout=60)
    assert message["To"] == "ada@example.com"
    wait_until(lambda: FollowUp.objects.get().state == State.SENT)
    link = re.search(r"https?://\S+(/followups/survey/\S+/)", text_body(message))
    assert link is not None

    page = client.get(link.group(1))
    assert "Is your complaint resolved?" in page.content.decode()
    client.post(link.group(1), {"resolved": "no", "satisfaction": "2", "comment": "Still no refund"})

    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED
    assert FollowUp.objects.get().state == State.ANSWERED
    # The owner hears about it through the worker too.
    smtp_server.wait_for(2, timeout=30)
    assert smtp_server.messages[1]["To"] == "owner@staff.example.com"
    # Several more dispatcher ticks later, the customer still has exactly one follow-up email.
    time.sleep(4)
    assert [m["To"] for m in smtp_server.messages].count("ada@example.com") == 1
    assert "outbox.tasks.dispatch_outbox" in celery_beat.output
    assert "outbox.tasks.send_messages" in celery_worker.output

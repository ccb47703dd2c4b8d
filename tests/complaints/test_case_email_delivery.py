"""A canned email travels from the case page through the outbox, woken after commit, and a real Celery
worker to a real SMTP server."""

import time

import pytest
from django.test import Client

from complaints.models import CannedResponse, EventKind
from outbox.models import Message, State
from tests.factories import AgentFactory, ComplaintFactory, CustomerFactory
from tests.support.smtp import text_body

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_acknowledgement_is_sent_by_the_worker_and_recorded_on_the_timeline(
    celery_worker, smtp_server
) -> None:
    agent = AgentFactory(first_name="Alex", last_name="Agent")
    complaint = ComplaintFactory(
        owner=agent, customer=CustomerFactory(name="Liam Murphy", email="liam@example.com")
    )
    client = Client()
    client.force_login(agent)

    response = client.post(
        f"/cases/{complaint.reference}/emails/",
        {"canned": CannedResponse.objects.get(name="Acknowledgement").pk},
    )

    assert response.status_code == 302
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "liam@example.com"
    assert complaint.reference in message["Subject"]
    assert "Dear Liam Murphy" in text_body(message)
    deadline = time.monotonic() + 20
    while not complaint.events.filter(kind=EventKind.EMAIL_SENT).exists():
        assert time.monotonic() < deadline, celery_worker.output
        time.sleep(0.2)
    message_row = Message.objects.get()
    assert message_row.state == State.SENT
    assert str(message["Message-ID"]).strip().startswith(f"<{message_row.pk}.")

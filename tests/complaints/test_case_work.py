"""Notes, logged calls and emails to the customer from canned responses, sent through the outbox."""

import socket

import pytest
from django.utils import timezone

from complaints.models import CannedResponse, EventKind
from complaints.services.case_emails import queue_case_email
from outbox.models import Message
from outbox.models import State as MessageState
from outbox.testing import flush_outbox
from tests.factories import CannedResponseFactory, ComplaintFactory, CustomerFactory
from tests.support.smtp import text_body

pytestmark = pytest.mark.django_db


def test_an_internal_note_goes_on_the_timeline(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent)

    agent_client.post(f"/cases/{complaint.reference}/notes/", {"text": "Customer sounded upset."})

    event = complaint.events.get(kind=EventKind.NOTE)
    assert (event.actor, event.note) == (agent, "Customer sounded upset.")


def test_an_empty_note_is_refused_beside_the_field(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent)
    response = agent_client.post(f"/cases/{complaint.reference}/notes/", {"text": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_a_logged_call_records_direction_duration_and_outcome(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent)

    agent_client.post(
        f"/cases/{complaint.reference}/calls/",
        {"direction": "outbound", "minutes": "12", "outcome": "spoke", "note": "Agreed a refund."},
    )

    event = complaint.events.get(kind=EventKind.CALL)
    assert event.data == {"direction": "outbound", "duration_seconds": 720, "outcome": "spoke"}
    assert event.note == "Agreed a refund."
    complaint.refresh_from_db()
    assert complaint.first_responded_at is not None


def test_the_default_canned_responses_are_seeded() -> None:
    names = set(CannedResponse.objects.values_list("purpose", flat=True))
    assert {"acknowledgement", "apology", "request_information"} <= names


def test_an_email_is_rendered_with_the_case_details_and_sent_through_the_outbox(
    agent_client, agent, smtp_server
) -> None:
    customer = CustomerFactory(name="Priya Patel", email="priya@example.com")
    complaint = ComplaintFactory(owner=agent, customer=customer)
    apology = CannedResponse.objects.get(name="Apology")

    response = agent_client.post(
        f"/cases/{complaint.reference}/emails/",
        {"canned": apology.pk, "message": "A voucher is on its way."},
    )

    assert response.status_code == 302
    email = Message.objects.get(case_id=complaint.pk)
    assert email.state == MessageState.PENDING, "nothing is sent inside the request"
    assert "Dear Priya Patel" in email.text and complaint.reference in email.text
    assert "A voucher is on its way." in email.text
    assert "Alex Agent" in email.text
    assert smtp_server.messages == []
    queued = complaint.events.get(kind=EventKind.EMAIL_QUEUED)
    assert queued.actor == agent and queued.note == email.subject

    flush_outbox()

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "priya@example.com"
    assert message["Subject"] == f"We are sorry: {complaint.reference}"
    assert "A voucher is on its way." in text_body(message)
    email.refresh_from_db()
    assert email.state == MessageState.SENT and email.attempts == 1
    assert complaint.events.get(kind=EventKind.EMAIL_SENT).note.startswith(email.subject)
    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()
    assert "Emails about this case" in page and email.subject in page


def test_a_request_for_information_pauses_the_clock(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent)
    canned = CannedResponse.objects.get(purpose="request_information")

    agent_client.post(f"/cases/{complaint.reference}/emails/", {"canned": canned.pk})

    complaint.refresh_from_db()
    assert complaint.awaiting_customer_since is not None


def test_html_typed_into_a_message_stays_plain_text(agent) -> None:
    complaint = ComplaintFactory(owner=agent, customer=CustomerFactory(name="O'Brien & Sons"))
    canned = CannedResponseFactory(body="Dear {{ customer.name }}, {{ message }}")
    email = queue_case_email(complaint=complaint, canned=canned, actor=agent, message="<b>hi</b>")
    assert (email.text, email.html) == ("Dear O'Brien & Sons, <b>hi</b>", "")


def test_a_customer_without_email_cannot_be_emailed(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent, customer=CustomerFactory(email="", phone="+441632960961"))
    response = agent_client.post(
        f"/cases/{complaint.reference}/emails/", {"canned": CannedResponse.objects.first().pk}
    )
    assert response.status_code == 200
    assert "The customer has no email address" in response.content.decode()
    assert not Message.objects.exists()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_mail_server_is_retried_with_backoff_until_it_gives_up_visibly(
    settings, agent, agent_client
) -> None:
    settings.EMAIL_BACKEND = "outbox.backends.SMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.OUTBOX_MAX_ATTEMPTS = 2
    complaint = ComplaintFactory(owner=agent)
    email = queue_case_email(complaint=complaint, canned=CannedResponseFactory(), actor=agent)

    result = flush_outbox()
    email.refresh_from_db()
    assert result.retrying == [email.pk]
    assert (email.state, email.attempts) == (MessageState.PENDING, 1)
    assert "ConnectionRefusedError" in email.last_error
    assert email.due_at > timezone.now()

    flush_outbox(now=email.due_at)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (MessageState.FAILED, 2)
    failure = complaint.events.get(kind=EventKind.EMAIL_FAILED)
    assert "ConnectionRefusedError" in failure.note and "Send it again" in failure.note
    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()
    assert "could not be delivered" in page and "Failed" in page

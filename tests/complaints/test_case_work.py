"""Notes, logged calls and emails to the customer from canned responses, sent through Celery."""

import socket

import pytest

from complaints.models import CannedResponse, CaseEmail, EventKind
from complaints.services.case_emails import DeliveryFailed, deliver_case_email, queue_case_email
from complaints.tasks import deliver_case_email_task
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


def test_an_email_is_rendered_with_the_case_details_and_sent_after_commit(
    agent_client, agent, django_capture_on_commit_callbacks, smtp_server
) -> None:
    customer = CustomerFactory(name="Priya Patel", email="priya@example.com")
    complaint = ComplaintFactory(owner=agent, customer=customer)
    apology = CannedResponse.objects.get(name="Apology")

    with django_capture_on_commit_callbacks() as callbacks:
        response = agent_client.post(
            f"/cases/{complaint.reference}/emails/",
            {"canned": apology.pk, "message": "A voucher is on its way."},
        )

    assert response.status_code == 302
    email = CaseEmail.objects.get(complaint=complaint)
    assert email.state == CaseEmail.State.QUEUED
    assert "Dear Priya Patel" in email.body and complaint.reference in email.body
    assert "A voucher is on its way." in email.body
    assert "Alex Agent" in email.body
    assert len(callbacks) == 1  # nothing was sent inside the request

    deliver_case_email(email_id=email.pk)

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "priya@example.com"
    assert message["Subject"] == f"We are sorry: {complaint.reference}"
    assert "A voucher is on its way." in text_body(message)
    email.refresh_from_db()
    assert email.state == CaseEmail.State.SENT and email.attempts == 1
    assert complaint.events.get(kind=EventKind.EMAIL_SENT).note == email.subject
    # Delivered twice (a redelivered task) sends once.
    deliver_case_email(email_id=email.pk)
    assert complaint.events.filter(kind=EventKind.EMAIL_SENT).count() == 1


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
    assert email.body == "Dear O'Brien & Sons, <b>hi</b>"


def test_a_customer_without_email_cannot_be_emailed(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent, customer=CustomerFactory(email="", phone="+441632960961"))
    response = agent_client.post(
        f"/cases/{complaint.reference}/emails/", {"canned": CannedResponse.objects.first().pk}
    )
    assert response.status_code == 200
    assert "The customer has no email address" in response.content.decode()
    assert not CaseEmail.objects.exists()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_failed_send_is_recorded_visibly_and_retried_until_it_gives_up(
    settings, agent, agent_client
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    complaint = ComplaintFactory(owner=agent)
    email = queue_case_email(complaint=complaint, canned=CannedResponseFactory(), actor=agent)

    with pytest.raises(DeliveryFailed):
        deliver_case_email(email_id=email.pk)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (CaseEmail.State.QUEUED, 1)
    assert "ConnectionRefusedError" in email.last_error
    failure = complaint.events.get(kind=EventKind.EMAIL_FAILED)
    assert "Retrying." in failure.note

    deliver_case_email(email_id=email.pk, final_attempt=True)
    email.refresh_from_db()
    assert email.state == CaseEmail.State.FAILED
    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()
    assert "Giving up: send it again or call the customer." in page
    assert "Failed" in page


def test_the_task_retries_a_failed_send(settings, agent) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    complaint = ComplaintFactory(owner=agent)
    email = queue_case_email(complaint=complaint, canned=CannedResponseFactory(), actor=agent)

    from celery.exceptions import Retry

    with pytest.raises(Retry):
        deliver_case_email_task.apply(args=[email.pk], throw=True)

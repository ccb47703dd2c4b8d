"""A case email reaches the customer once: it is claimed before it is sent."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from complaints.models import CannedResponse, CaseEmail, EventKind
from complaints.services.case_emails import DeliveryFailed, deliver_case_email, queue_case_email
from complaints.services.mail_recovery import fail_interrupted_case_emails, requeue_unsent_case_emails
from tests.factories import ComplaintFactory, CustomerFactory
from tests.support.concurrency import run_at_once


def _queued_email(agent) -> CaseEmail:  # type: ignore[no-untyped-def]
    complaint = ComplaintFactory(owner=agent, customer=CustomerFactory())
    return queue_case_email(
        complaint=complaint, canned=CannedResponse.objects.get(name="Acknowledgement"), actor=agent
    )


@pytest.mark.django_db
def test_a_redelivered_task_does_not_send_the_email_again(agent) -> None:
    email = _queued_email(agent)

    deliver_case_email(email_id=email.pk)
    again = deliver_case_email(email_id=email.pk)

    assert len(mail.outbox) == 1
    assert again.state == CaseEmail.State.SENT
    assert email.complaint.events.filter(kind=EventKind.EMAIL_SENT).count() == 1


@pytest.mark.django_db
def test_an_email_another_worker_is_sending_is_left_to_it(agent) -> None:
    email = _queued_email(agent)
    CaseEmail.objects.filter(pk=email.pk).update(state=CaseEmail.State.SENDING)

    result = deliver_case_email(email_id=email.pk)

    assert mail.outbox == []
    assert result.state == CaseEmail.State.SENDING


@pytest.mark.django_db
def test_a_failed_attempt_puts_the_email_back_in_the_queue_for_its_retry(agent, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    email = _queued_email(agent)

    with pytest.raises(DeliveryFailed):
        deliver_case_email(email_id=email.pk)

    email.refresh_from_db()
    assert (email.state, email.attempts) == (CaseEmail.State.QUEUED, 1)
    assert email.handled_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_deliveries_of_the_same_email_at_once_send_it_once(agent, smtp_server) -> None:
    emails = [_queued_email(agent) for _ in range(5)]

    for email in emails:
        results = run_at_once(
            lambda pk=email.pk: deliver_case_email(email_id=pk),
            lambda pk=email.pk: deliver_case_email(email_id=pk),
        )
        assert not [r for r in results if isinstance(r, Exception)], results

    smtp_server.wait_for(len(emails))
    assert len(smtp_server.messages) == len(emails), [m["Subject"] for m in smtp_server.messages]
    assert set(CaseEmail.objects.values_list("state", flat=True)) == {CaseEmail.State.SENT}
    assert all(
        e.complaint.events.filter(kind=EventKind.EMAIL_SENT).count() == 1 for e in CaseEmail.objects.all()
    )


@pytest.mark.django_db
def test_an_email_interrupted_mid_send_is_shown_as_failed_and_not_sent_again(agent) -> None:
    email = _queued_email(agent)
    now = timezone.now()
    CaseEmail.objects.filter(pk=email.pk).update(state=CaseEmail.State.SENDING, handled_at=now)
    recent = _queued_email(agent)
    CaseEmail.objects.filter(pk=recent.pk).update(state=CaseEmail.State.SENDING, handled_at=now)

    assert fail_interrupted_case_emails(now=now + timedelta(minutes=5)) == []
    CaseEmail.objects.filter(pk=recent.pk).update(handled_at=now + timedelta(minutes=10))
    interrupted = fail_interrupted_case_emails(now=now + timedelta(minutes=20))

    assert interrupted == [email.pk]
    email.refresh_from_db()
    assert email.state == CaseEmail.State.FAILED
    assert "cannot tell whether it reached the customer" in email.last_error
    (event,) = email.complaint.events.filter(kind=EventKind.EMAIL_FAILED)
    assert "check with the customer or send it again" in event.note
    assert CaseEmail.objects.get(pk=recent.pk).state == CaseEmail.State.SENDING
    assert requeue_unsent_case_emails(now=now + timedelta(minutes=20)) == []
    assert mail.outbox == []

"""When the broker is down at commit, the user's action stands and the mail goes out later."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from complaints.models import CannedResponse, CaseEmail, Complaint, EventKind
from complaints.public.notifications import requeue_unsent_acknowledgements
from complaints.services.case_emails import queue_case_email
from complaints.services.mail_recovery import requeue_unsent_case_emails
from complaints.services.reopening import reopen_complaint
from tests.factories import ComplaintFactory, CustomerFactory, public_category, resolve
from tests.public.test_public_form import form_data
from tests.reliability.conftest import broker_unreachable


def _eventually(check, *, timeout: float = 20, output: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, output
        time.sleep(0.2)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_email_queued_while_the_broker_is_down_is_saved_and_sent_after_the_sweep(
    celery_worker, smtp_server, agent, agent_client
) -> None:
    complaint = ComplaintFactory(owner=agent, customer=CustomerFactory(name="Liam Murphy"))
    canned = CannedResponse.objects.get(name="Acknowledgement")

    with broker_unreachable():
        response = agent_client.post(f"/cases/{complaint.reference}/emails/", {"canned": canned.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{complaint.reference}/"
    email = CaseEmail.objects.get()
    assert email.state == CaseEmail.State.QUEUED
    time.sleep(1)
    assert smtp_server.messages == []

    assert requeue_unsent_case_emails(now=timezone.now() + timedelta(minutes=6)) == [email.pk]

    (message,) = smtp_server.wait_for(1)
    assert "Dear Liam Murphy" in str(message)
    _eventually(lambda: CaseEmail.objects.get().state == CaseEmail.State.SENT, output=celery_worker.output)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_public_complaint_filed_while_the_broker_is_down_is_acknowledged_after_the_sweep(
    celery_worker, smtp_server, client
) -> None:
    with broker_unreachable():
        response = client.post("/complain/", form_data(public_category()))

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert not complaint.events.filter(kind=EventKind.EMAIL_SENT).exists()

    assert requeue_unsent_acknowledgements(now=timezone.now() + timedelta(minutes=6)) == [complaint.pk]

    (message,) = smtp_server.wait_for(1)
    assert complaint.reference in message["Subject"]
    _eventually(
        lambda: complaint.events.filter(kind=EventKind.EMAIL_SENT).exists(), output=celery_worker.output
    )
    time.sleep(1)
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_the_sweeper_leaves_fresh_emails_alone_and_queues_a_lost_one_once_per_period(agent) -> None:
    complaint = ComplaintFactory(owner=agent)
    email = queue_case_email(
        complaint=complaint, canned=CannedResponse.objects.get(name="Acknowledgement"), actor=agent
    )
    now = timezone.now()

    assert requeue_unsent_case_emails(now=now) == []
    assert requeue_unsent_case_emails(now=now + timedelta(minutes=6)) == [email.pk]
    assert requeue_unsent_case_emails(now=now + timedelta(minutes=8)) == []
    assert requeue_unsent_case_emails(now=now + timedelta(minutes=12)) == [email.pk]


@pytest.mark.django_db
def test_an_acknowledgement_already_sent_is_not_queued_again(client) -> None:
    client.post("/complain/", form_data(public_category()))
    complaint = Complaint.objects.get()
    later = timezone.now() + timedelta(minutes=6)
    complaint.events.create(
        kind=EventKind.EMAIL_SENT, actor_label="System", data={"template": "acknowledgement"}
    )

    assert requeue_unsent_acknowledgements(now=later) == []
    assert requeue_unsent_acknowledgements(now=timezone.now() + timedelta(days=2)) == []


@pytest.mark.django_db
def test_the_sweep_is_scheduled_in_beat() -> None:
    task = PeriodicTask.objects.get(task="complaints.tasks.recover_unsent_mail")

    assert task.enabled
    assert (task.interval.every, task.interval.period) == (2, "minutes")


@pytest.mark.django_db
def test_the_public_form_answers_normally_while_the_broker_is_down(
    client, django_capture_on_commit_callbacks
) -> None:
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/complain/", form_data(public_category()))

    assert response.status_code == 302
    assert len(callbacks) == 1
    assert Complaint.objects.count() == 1


@pytest.mark.django_db
def test_a_case_email_is_queued_normally_while_the_broker_is_down(
    agent, agent_client, django_capture_on_commit_callbacks
) -> None:
    complaint = ComplaintFactory(owner=agent)
    canned = CannedResponse.objects.get(name="Acknowledgement")

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(f"/cases/{complaint.reference}/emails/", {"canned": canned.pk})

    assert response.status_code == 302
    assert CaseEmail.objects.get().state == CaseEmail.State.QUEUED


@pytest.mark.django_db
def test_a_case_reopens_while_the_broker_is_down(agent, django_capture_on_commit_callbacks) -> None:
    complaint = ComplaintFactory(owner=agent)
    resolve(complaint, actor=agent)

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        reopen_complaint(complaint=complaint, reason="The parcel never came.", actor=agent)

    assert len(callbacks) == 1
    assert Complaint.objects.get().status == "reopened"


@pytest.mark.django_db
def test_a_password_reset_answers_normally_while_the_broker_is_down(
    client, django_capture_on_commit_callbacks
) -> None:
    User.objects.create_user("sam", "sam@example.com", "correct horse battery")

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/accounts/password/reset/", {"email": "sam@example.com"})

    assert response.status_code == 302
    assert len(callbacks) == 1
    assert mail.outbox == []

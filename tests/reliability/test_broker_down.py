"""When the broker is down at commit, the user's action stands and the mail goes out at the next tick."""

import time

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django_celery_beat.models import PeriodicTask

from complaints.models import CannedResponse, Complaint
from complaints.services.reopening import reopen_complaint
from outbox.models import Message, State
from tests.factories import ComplaintFactory, CustomerFactory, public_category, resolve
from tests.public.test_public_form import form_data
from tests.reliability.conftest import broker_unreachable


def _eventually(check, *, timeout: float = 30, output: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, output
        time.sleep(0.2)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mail_written_while_the_broker_is_down_is_sent_once_by_the_next_beat_tick(
    celery_beat, celery_worker, smtp_server, agent, agent_client, client
) -> None:
    complaint = ComplaintFactory(owner=agent, customer=CustomerFactory(name="Liam Murphy"))
    canned = CannedResponse.objects.get(name="Acknowledgement")

    with broker_unreachable():
        response = agent_client.post(f"/cases/{complaint.reference}/emails/", {"canned": canned.pk})
        filed = client.post("/complain/", form_data(public_category()))

    assert response.status_code == 302 and filed.status_code == 302
    assert set(Message.objects.values_list("state", flat=True)) <= {State.PENDING, State.CLAIMED, State.SENT}

    messages = smtp_server.wait_for(2, timeout=60)
    subjects = sorted(str(m["Subject"]) for m in messages)
    assert any("Liam Murphy" in str(m) for m in messages)
    public = Complaint.objects.exclude(pk=complaint.pk).get()
    assert any(public.reference in s for s in subjects)
    _eventually(
        lambda: set(Message.objects.values_list("state", flat=True)) == {State.SENT},
        output=celery_worker.output,
    )
    time.sleep(2)
    assert len(smtp_server.messages) == 2, "each message once, however many ticks ran"


@pytest.mark.django_db
def test_one_beat_entry_sends_all_mail_and_the_old_sweepers_are_gone() -> None:
    task = PeriodicTask.objects.get(task="outbox.tasks.dispatch_outbox")

    assert task.enabled
    assert (task.interval.every, task.interval.period) == (10, "seconds")
    assert not PeriodicTask.objects.filter(
        task__in=["complaints.tasks.recover_unsent_mail", "followups.tasks.dispatch_followups"]
    ).exists()


@pytest.mark.django_db
def test_the_public_form_answers_normally_while_the_broker_is_down(
    client, django_capture_on_commit_callbacks
) -> None:
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/complain/", form_data(public_category()))

    assert response.status_code == 302
    assert len(callbacks) == 1, "one wake-up for the dispatcher, which failed quietly"
    assert Complaint.objects.count() == 1
    assert Message.objects.get().state == State.PENDING


@pytest.mark.django_db
def test_a_case_email_is_written_normally_while_the_broker_is_down(
    agent, agent_client, django_capture_on_commit_callbacks
) -> None:
    complaint = ComplaintFactory(owner=agent)
    canned = CannedResponse.objects.get(name="Acknowledgement")

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(f"/cases/{complaint.reference}/emails/", {"canned": canned.pk})

    assert response.status_code == 302
    assert Message.objects.get().state == State.PENDING


@pytest.mark.django_db
def test_a_case_reopens_while_the_broker_is_down(agent, django_capture_on_commit_callbacks) -> None:
    complaint = ComplaintFactory(owner=agent)
    resolve(complaint, actor=agent)

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        reopen_complaint(complaint=complaint, reason="The parcel never came.", actor=agent)

    assert Complaint.objects.get().status == "reopened"
    assert Message.objects.filter(key__startswith="case-reopened:", state=State.PENDING).exists()


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
    assert Message.objects.get().to == "sam@example.com"

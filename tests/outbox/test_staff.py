"""Staff see undelivered mail apart from mail that may have been delivered, and decide what is sent again."""

import pytest
from django.contrib.auth.models import AnonymousUser

from outbox.errors import OutboxError
from outbox.models import Message, State
from outbox.services import retry_message
from tests.factories import AgentFactory, ComplaintFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_failed_message_is_sent_again_by_an_agent(write) -> None:
    message = write()
    Message.objects.filter(pk=message.pk).update(state=State.FAILED, attempts=3, last_error="550")
    agent = AgentFactory()

    retry_message(message=message, actor=agent)

    message.refresh_from_db()
    assert (message.state, message.attempts, message.retried_by) == (State.PENDING, 0, agent.username)


def test_a_message_that_may_have_been_delivered_is_sent_again_only_after_confirmation(write) -> None:
    message = write()
    Message.objects.filter(pk=message.pk).update(state=State.UNCERTAIN)

    with pytest.raises(OutboxError, match="may already have reached"):
        retry_message(message=message, actor=AgentFactory())
    assert Message.objects.get(pk=message.pk).state == State.UNCERTAIN

    retry_message(message=message, actor=AgentFactory(), confirmed=True)
    assert Message.objects.get(pk=message.pk).state == State.PENDING


def test_a_sent_message_is_never_sent_again(write) -> None:
    message = write()
    Message.objects.filter(pk=message.pk).update(state=State.SENT)

    with pytest.raises(OutboxError, match="not sent twice"):
        retry_message(message=message, actor=AgentFactory(), confirmed=True)


def test_only_staff_with_the_permission_may_send_again(write) -> None:
    message = write()
    Message.objects.filter(pk=message.pk).update(state=State.FAILED)

    for nobody in (UserFactory(), AnonymousUser()):
        with pytest.raises(OutboxError, match="may not"):
            retry_message(message=message, actor=nobody)


def test_the_undelivered_mail_page_keeps_the_two_kinds_apart_and_asks_before_resending(client, write) -> None:
    complaint = ComplaintFactory()
    failed = write(subject="Refused one", case_id=complaint.pk, reference=complaint.reference)
    doubtful = write(subject="Doubtful one")
    sent = write(subject="Delivered one")
    Message.objects.filter(pk=failed.pk).update(state=State.FAILED, last_error="550 No such user")
    Message.objects.filter(pk=doubtful.pk).update(state=State.UNCERTAIN)
    Message.objects.filter(pk=sent.pk).update(state=State.SENT)
    client.force_login(AgentFactory())

    page = client.get("/mail/").content.decode()

    assert "Refused one" in page and "Doubtful one" in page and "Delivered one" not in page
    assert "May have been delivered" in page and "550 No such user" in page
    assert f'href="/cases/{complaint.reference}/"' in page
    assert client.get(f"/mail/{doubtful.pk}/retry/").status_code == 405, "a GET changes nothing"

    refused = client.post(f"/mail/{doubtful.pk}/retry/", follow=True).content.decode()
    assert "Check with them, then confirm" in refused
    assert Message.objects.get(pk=doubtful.pk).state == State.UNCERTAIN
    client.post(f"/mail/{doubtful.pk}/retry/", {"confirmed": "on"})
    client.post(f"/mail/{failed.pk}/retry/", {"next": "https://evil.example.com/"})
    assert set(Message.objects.filter(pk__in=[failed.pk, doubtful.pk]).values_list("state", flat=True)) == {
        State.PENDING
    }


def test_the_undelivered_mail_page_is_for_staff_only(client) -> None:
    assert client.get("/mail/").status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get("/mail/").status_code == 403


def test_a_failing_producer_is_shown_on_undelivered_mail_until_a_run_succeeds(client) -> None:
    from django.utils import timezone

    from outbox import registry
    from outbox.dispatching import run_producers

    calls = {"fail": True}

    def surveys_due(now):
        if calls["fail"]:
            raise RuntimeError("the follow-ups table is locked")
        return 0

    registry.add_producer(surveys_due)
    try:
        client.force_login(AgentFactory())
        run_producers(now=timezone.now())
        page = client.get("/mail/").content.decode()
        assert "Mail that should be written is not" in page
        assert "RuntimeError: the follow-ups table is locked" in page

        calls["fail"] = False
        run_producers(now=timezone.now())
        assert "Mail that should be written is not" not in client.get("/mail/").content.decode()
    finally:
        registry._producers.remove(surveys_due)

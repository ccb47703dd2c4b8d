"""Due follow-up emails go through the outbox: re-checked just before they leave, sent exactly once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from complaints.models import EventKind
from complaints.services.reopening import reopen_complaint
from followups.models import FollowUp, FollowUpChannel, State
from followups.services.release import release_due_followups
from followups.services.surveys import record_survey_answer
from outbox.dispatching import claim_due_batch
from outbox.models import Message
from outbox.models import State as MessageState
from outbox.sending import send_batch
from tests.factories import ComplaintFactory, CustomerFactory, FollowUpStepFactory, only_policy, resolve
from tests.support.smtp import text_body

pytestmark = pytest.mark.django_db
NOON = datetime(2025, 6, 4, 11, 0, tzinfo=UTC)
DUE = NOON + timedelta(days=3)


def resolved_case(**customer: object):  # type: ignore[no-untyped-def]
    complaint = ComplaintFactory(customer=CustomerFactory(**customer), outcome="We refunded £40.")
    with time_machine.travel(NOON, tick=False):
        resolve(complaint)
    return complaint


def claimed(now: datetime = DUE) -> tuple[str, list[int]]:
    """Due follow-ups written to the outbox and claimed, as the dispatcher does before a send task."""
    release_due_followups(now)
    return claim_due_batch(now=now, batch_size=100)


@pytest.fixture(autouse=True)
def _any_hour_policy() -> None:
    FollowUpStepFactory(policy=only_policy(name="Trial"), delay=3)


@time_machine.travel(DUE, tick=False)
def test_a_due_email_is_sent_once_personal_with_a_survey_and_one_click_unsubscribe(smtp, dispatch) -> None:
    complaint = resolved_case(name="Ada Lovelace", email="ada@example.com")

    result = dispatch()

    (message,) = smtp.wait_for(1)
    assert message["To"] == "ada@example.com"
    assert complaint.reference in message["Subject"]
    body = text_body(message)
    assert "Dear Ada Lovelace" in body and complaint.reference in body and "We refunded £40." in body
    assert "/followups/survey/" in body and "/followups/unsubscribe/" in body
    assert message.get_body(preferencelist=("html",)) is not None
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<http") and "/followups/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    followup = FollowUp.objects.select_related("message").get()
    assert (followup.state, followup.attempts, followup.sent_at) == (State.SENT, 1, DUE)
    assert followup.message.state == MessageState.SENT and result.sent == [followup.message_id]
    assert complaint.events.filter(kind=EventKind.EMAIL_SENT, data__message=followup.message_id).exists()


def test_nothing_is_sent_before_it_is_due(smtp, dispatch) -> None:
    resolved_case()
    with time_machine.travel(DUE - timedelta(minutes=1), tick=False):
        assert dispatch().sent == []
    assert FollowUp.objects.get().state == State.SCHEDULED
    assert not Message.objects.exists(), "a follow-up becomes a message only when it is due"


@time_machine.travel(DUE, tick=False)
def test_a_redelivered_send_task_sends_nothing_twice(smtp) -> None:
    resolved_case()
    token, ids = claimed()

    first = send_batch(ids=ids, token=token)
    again = send_batch(ids=ids, token=token)

    assert len(first.sent) == 1 and again.sent == []
    assert len(smtp.messages) == 1


@time_machine.travel(DUE, tick=False)
def test_a_follow_up_is_written_to_the_outbox_once_even_if_released_twice(smtp) -> None:
    resolved_case()
    assert release_due_followups(DUE) == 1
    assert release_due_followups(DUE) == 0
    assert Message.objects.count() == 1


@time_machine.travel(DUE, tick=False)
def test_a_case_reopened_after_the_claim_is_not_followed_up(smtp) -> None:
    complaint = resolved_case()
    token, ids = claimed()
    reopen_complaint(complaint=complaint, reason="The customer called: still broken", actor_label="Customer")

    result = send_batch(ids=ids, token=token)

    assert result.sent == [] and smtp.messages == []
    assert FollowUp.objects.get().state == State.CANCELLED
    assert Message.objects.get().state == MessageState.CANCELLED


@time_machine.travel(DUE, tick=False)
def test_a_case_reopened_while_its_survey_waits_in_the_outbox_cancels_the_message(smtp) -> None:
    complaint = resolved_case()
    release_due_followups(DUE)

    reopen_complaint(complaint=complaint, reason="Still broken", actor_label="Customer")

    message = Message.objects.get()
    assert (message.state, message.note) == (MessageState.CANCELLED, "Case reopened")


@time_machine.travel(DUE, tick=False)
def test_a_customer_who_opted_out_after_the_claim_gets_nothing(smtp) -> None:
    complaint = resolved_case()
    token, ids = claimed()
    complaint.customer.followups_opted_out_at = DUE
    complaint.customer.save()

    send_batch(ids=ids, token=token)

    assert smtp.messages == []
    assert FollowUp.objects.get().state == State.SKIPPED


def test_a_survey_delayed_past_the_allowed_hours_waits_for_the_next_window(smtp) -> None:
    step = FollowUpStepFactory(policy=only_policy(name="Office hours"), delay=3, start_hour=9, end_hour=20)
    resolved_case()  # customer in London; due Saturday 12:00 BST
    token, ids = claimed()

    late = DUE.replace(hour=19, minute=30)  # 20:30 in London: a mail outage held it till now
    send_batch(ids=ids, token=token, now=late)

    followup = FollowUp.objects.select_related("message").get()
    sunday_9am = datetime(2025, 6, 8, 8, 0, tzinfo=UTC)
    assert smtp.messages == []
    assert followup.step == step and followup.state == State.QUEUED
    assert (followup.message.state, followup.message.due_at) == (MessageState.PENDING, sunday_9am)
    assert followup.message.attempts == 0


@time_machine.travel(DUE, tick=False)
def test_a_customer_gets_at_most_one_survey_in_the_interval_whatever_the_number_of_cases(
    smtp, dispatch, settings
) -> None:
    settings.FOLLOWUPS_SURVEY_MIN_INTERVAL_DAYS = 14
    customer = CustomerFactory()
    for _ in range(3):
        complaint = ComplaintFactory(customer=customer)
        with time_machine.travel(NOON, tick=False):
            resolve(complaint)

    dispatch()

    assert len(smtp.messages) == 1
    states = sorted(FollowUp.objects.values_list("state", flat=True))
    assert states == [State.SENT, State.SKIPPED, State.SKIPPED]


@time_machine.travel(DUE, tick=False)
def test_a_survey_that_may_have_been_delivered_still_counts_for_the_interval(smtp, dispatch) -> None:
    customer = CustomerFactory()
    first, second = (ComplaintFactory(customer=customer) for _ in range(2))
    with time_machine.travel(NOON, tick=False):
        resolve(first)
    dispatch()
    Message.objects.update(state=MessageState.UNCERTAIN)
    FollowUp.objects.update(state=State.UNCERTAIN)
    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        resolve(second)

    with time_machine.travel(DUE + timedelta(days=1), tick=False):
        dispatch()

    assert len(smtp.messages) == 1
    assert FollowUp.objects.get(complaint=second).note == "Customer already had a survey recently"


@time_machine.travel(DUE, tick=False)
def test_a_refused_address_becomes_a_visible_failure_that_can_be_sent_again(smtp, dispatch, client) -> None:
    from tests.factories import AgentFactory

    complaint = resolved_case(email="bad@example.com")

    dispatch()

    followup = FollowUp.objects.get()
    assert followup.state == State.FAILED
    assert "550" in followup.last_error
    assert complaint.events.filter(kind=EventKind.EMAIL_FAILED, note__contains="No such user").exists()

    client.force_login(AgentFactory())
    page = client.get("/followups/failed/").content.decode()
    assert complaint.reference in page and "No such user" in page
    assert client.get(f"/followups/{followup.pk}/retry/").status_code == 405  # a GET changes nothing
    response = client.post(f"/followups/{followup.pk}/retry/", {"next": "/\\evil.example.com/"})
    assert response["Location"] == "/followups/failed/"  # never sent off the site
    followup.refresh_from_db()
    assert followup.state == State.QUEUED
    assert Message.objects.get().state == MessageState.PENDING


@time_machine.travel(DUE, tick=False)
def test_a_transient_refusal_is_retried_with_backoff_then_fails_after_the_last_attempt(
    smtp, dispatch, settings
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 2
    resolved_case(email="busy@example.com")

    dispatch()
    message = Message.objects.get()
    assert (message.state, message.attempts) == (MessageState.PENDING, 1)
    assert message.due_at == DUE + timedelta(seconds=15)
    assert "451" in message.last_error
    assert FollowUp.objects.get().state == State.QUEUED

    with time_machine.travel(DUE + timedelta(seconds=15), tick=False):
        dispatch()
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.FAILED, 2)
    assert FollowUp.objects.get().state == State.FAILED
    assert smtp.messages == []


@time_machine.travel(DUE, tick=False)
def test_an_unanswered_email_falls_back_to_a_call_which_an_answer_cancels(smtp, dispatch) -> None:
    step = FollowUpStepFactory(
        policy=only_policy(name="Email then call"), delay=3, fallback_channel="call", fallback_delay=2
    )
    resolved_case(phone="+442079460000")

    dispatch()

    email = FollowUp.objects.get(channel=FollowUpChannel.EMAIL)
    call = FollowUp.objects.get(channel=FollowUpChannel.CALL)
    assert call.parent == email and call.step == step
    assert call.due_at == datetime(2025, 6, 10, 11, 0, tzinfo=UTC)  # Saturday + 2 business days
    record_survey_answer(followup=email, resolved=True, satisfaction=5)
    call.refresh_from_db()
    assert call.state == State.SKIPPED


@time_machine.travel(DUE, tick=False)
def test_operators_can_send_the_outbox_by_hand(smtp, capsys) -> None:
    resolved_case()
    call_command("send_outbox")
    assert "Sent 1," in capsys.readouterr().out
    assert len(smtp.messages) == 1


@time_machine.travel(DUE, tick=False)
def test_a_batch_out_of_time_hands_its_untried_messages_back_without_using_an_attempt(smtp, settings) -> None:
    settings.OUTBOX_SEND_BUDGET_SECONDS = 0  # a mail server so slow the budget is gone at once
    resolved_case(email="one@example.com")
    resolved_case(email="two@example.com")
    token, ids = claimed()

    result = send_batch(ids=ids, token=token)

    assert sorted(result.handed_back) == sorted(ids) and result.sent == [] and smtp.messages == []
    assert {(m.state, m.attempts, m.due_at) for m in Message.objects.all()} == {
        (MessageState.PENDING, 0, DUE)
    }
    assert set(FollowUp.objects.values_list("state", flat=True)) == {State.QUEUED}


@time_machine.travel(DUE, tick=False)
def test_the_soft_time_limit_mid_send_leaves_one_uncertain_survey_whose_link_still_works(
    smtp, monkeypatch
) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    from outbox.backends import SMTPBackend as EmailBackend

    for address in ("one@example.com", "two@example.com", "three@example.com"):
        resolved_case(email=address)
    token, ids = claimed()
    real_send, attempts = EmailBackend.send_messages, []

    def send_until_the_limit(self, messages):  # type: ignore[no-untyped-def]
        attempts.append(messages[0].to[0])
        if len(attempts) == 2:  # Celery raises this inside the task when its soft limit passes
            raise SoftTimeLimitExceeded()
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_until_the_limit)

    result = send_batch(ids=ids, token=token)

    states = dict(Message.objects.values_list("to", "state"))
    assert len(smtp.messages) == 1 and len(result.sent) == 1
    assert states == {
        "one@example.com": MessageState.SENT,
        "two@example.com": MessageState.UNCERTAIN,  # in flight: never sent again by the system
        "three@example.com": MessageState.PENDING,  # untried: back in the queue
    }
    uncertain = FollowUp.objects.get(customer__email="two@example.com")
    assert uncertain.state == State.UNCERTAIN
    record_survey_answer(followup=uncertain, resolved=True, satisfaction=4)
    uncertain.refresh_from_db()
    assert uncertain.state == State.ANSWERED


@time_machine.travel(DUE, tick=False)
def test_a_survey_answered_before_its_row_heard_it_was_sent_is_recorded_and_gets_no_fallback_call(
    smtp,
) -> None:
    FollowUpStepFactory(policy=only_policy(name="Email then call"), delay=3, fallback_channel="call")
    resolved_case(phone="+442079460000")
    release_due_followups(DUE)
    followup = FollowUp.objects.get()
    # Sent, and the customer answers within the second before the worker tells the row.
    Message.objects.filter(pk=followup.message_id).update(state=MessageState.SENT, sent_at=DUE)
    record_survey_answer(followup=followup, resolved=True, satisfaction=5)

    from outbox.dispatching import tell_untold

    tell_untold(now=DUE + timedelta(minutes=5))

    followup.refresh_from_db()
    assert followup.state == State.ANSWERED
    assert not FollowUp.objects.filter(channel=FollowUpChannel.CALL).exists()

"""Due follow-up emails are claimed, re-checked under lock and sent exactly once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from complaints.models import EventKind
from complaints.services.reopening import reopen_complaint
from followups.models import Channel, FollowUp, State
from followups.services.dispatching import claim_due_batch, dispatch_due_followups, recover_stuck_leases
from followups.services.sending import send_followup_batch
from followups.services.surveys import record_survey_answer
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


@pytest.fixture(autouse=True)
def _any_hour_policy() -> None:
    FollowUpStepFactory(policy=only_policy(name="Trial"), delay=3)


@time_machine.travel(DUE, tick=False)
def test_a_due_email_is_sent_once_personal_with_a_survey_and_an_unsubscribe_link(smtp, dispatch) -> None:
    complaint = resolved_case(name="Ada Lovelace", email="ada@example.com")

    (result,) = dispatch()

    (message,) = smtp.wait_for(1)
    assert message["To"] == "ada@example.com"
    assert complaint.reference in message["Subject"]
    body = text_body(message)
    assert "Dear Ada Lovelace" in body and complaint.reference in body and "We refunded £40." in body
    assert "/followups/survey/" in body and "/followups/unsubscribe/" in body
    assert message.get_body(preferencelist=("html",)) is not None
    assert "/followups/unsubscribe/" in message["List-Unsubscribe"]
    followup = FollowUp.objects.get()
    assert (followup.state, followup.attempts) == (State.SENT, 1)
    assert followup.sent_at == DUE and result.sent == [followup.pk]
    assert complaint.events.filter(kind=EventKind.FOLLOWUP, note__startswith="Follow-up email sent").exists()


def test_nothing_is_sent_before_it_is_due(smtp, dispatch) -> None:
    resolved_case()
    with time_machine.travel(DUE - timedelta(minutes=1), tick=False):
        assert dispatch() == []
    assert FollowUp.objects.get().state == State.SCHEDULED


@time_machine.travel(DUE, tick=False)
def test_a_redelivered_send_message_sends_nothing_twice(smtp) -> None:
    resolved_case()
    token, ids = claim_due_batch(now=DUE, batch_size=100)

    first = send_followup_batch(ids=ids, token=token)
    again = send_followup_batch(ids=ids, token=token)

    assert len(first.sent) == 1 and again.sent == []
    assert len(smtp.messages) == 1


@time_machine.travel(DUE, tick=False)
def test_a_case_reopened_after_the_claim_is_not_followed_up(smtp) -> None:
    complaint = resolved_case()
    token, ids = claim_due_batch(now=DUE, batch_size=100)
    reopen_complaint(complaint=complaint, reason="The customer called: still broken", actor_label="Customer")

    result = send_followup_batch(ids=ids, token=token)

    assert result.sent == [] and smtp.messages == []
    assert FollowUp.objects.get().state == State.CANCELLED


@time_machine.travel(DUE, tick=False)
def test_a_customer_who_opted_out_after_the_claim_gets_nothing(smtp) -> None:
    complaint = resolved_case()
    token, ids = claim_due_batch(now=DUE, batch_size=100)
    complaint.customer.followups_opted_out_at = DUE
    complaint.customer.save()

    send_followup_batch(ids=ids, token=token)

    assert smtp.messages == []
    assert FollowUp.objects.get().state == State.SKIPPED


def test_a_row_outside_the_allowed_hours_at_send_time_goes_back_to_the_schedule(smtp) -> None:
    step = FollowUpStepFactory(policy=only_policy(name="Office hours"), delay=3, start_hour=9, end_hour=20)
    resolved_case()  # customer in London; due Saturday 12:00 BST
    token, ids = claim_due_batch(now=DUE, batch_size=100)

    late = DUE.replace(hour=19, minute=30)  # 20:30 in London: the worker only got to it now
    send_followup_batch(ids=ids, token=token, now=late)

    followup = FollowUp.objects.get()
    assert smtp.messages == []
    assert followup.step == step and followup.state == State.SCHEDULED
    assert followup.due_at == datetime(2025, 6, 8, 8, 0, tzinfo=UTC)  # Sunday 09:00 BST


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
def test_a_refused_address_becomes_a_visible_failure_that_can_be_retried(smtp, dispatch, client) -> None:
    from tests.factories import AgentFactory

    complaint = resolved_case(email="bad@example.com")

    dispatch()

    followup = FollowUp.objects.get()
    assert followup.state == State.FAILED
    assert "550" in followup.last_error
    assert complaint.events.filter(note__startswith="Follow-up email failed").exists()

    client.force_login(AgentFactory())
    page = client.get("/followups/failed/").content.decode()
    assert complaint.reference in page and "No such user" in page
    assert client.get(f"/followups/{followup.pk}/retry/").status_code == 405  # a GET changes nothing
    response = client.post(f"/followups/{followup.pk}/retry/", {"next": "/\\evil.example.com/"})
    assert response["Location"] == "/followups/failed/"  # never sent off the site
    followup.refresh_from_db()
    assert (followup.state, followup.due_at) == (State.SCHEDULED, DUE)


@time_machine.travel(DUE, tick=False)
def test_a_transient_refusal_is_retried_with_backoff_then_fails_after_the_last_attempt(
    smtp, dispatch, settings
) -> None:
    settings.FOLLOWUPS_MAX_ATTEMPTS = 2
    resolved_case(email="busy@example.com")

    dispatch()
    followup = FollowUp.objects.get()
    assert (followup.state, followup.attempts) == (State.SCHEDULED, 1)
    assert followup.due_at == DUE + timedelta(minutes=1)
    assert "451" in followup.last_error

    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        dispatch()
    followup.refresh_from_db()
    assert (followup.state, followup.attempts) == (State.FAILED, 2)
    assert smtp.messages == []


def test_stuck_leases_are_recovered(smtp) -> None:
    resolved_case()
    resolved_case()
    _token, (queued_id, sending_id) = claim_due_batch(now=DUE, batch_size=100)
    FollowUp.objects.filter(pk=sending_id).update(state=State.SENDING, lease_expires_at=DUE)

    recover_stuck_leases(now=DUE + timedelta(hours=1))

    assert FollowUp.objects.get(pk=queued_id).state == State.SCHEDULED
    stuck = FollowUp.objects.get(pk=sending_id)
    assert stuck.state == State.FAILED and "Interrupted while sending" in stuck.last_error


@time_machine.travel(DUE, tick=False)
def test_due_rows_are_handed_over_in_batches(django_capture_on_commit_callbacks) -> None:
    for _ in range(5):
        resolved_case()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        handed = dispatch_due_followups(batch_size=2)
    assert handed == 5
    assert [len(cb.args[0]) for cb in callbacks] == [2, 2, 1]
    assert set(FollowUp.objects.values_list("state", flat=True)) == {State.QUEUED}


@time_machine.travel(DUE, tick=False)
def test_an_unanswered_email_falls_back_to_a_call_which_an_answer_cancels(smtp, dispatch) -> None:
    step = FollowUpStepFactory(
        policy=only_policy(name="Email then call"), delay=3, fallback_channel="call", fallback_delay=2
    )
    resolved_case(phone="+442079460000")

    dispatch()

    email = FollowUp.objects.get(channel=Channel.EMAIL)
    call = FollowUp.objects.get(channel=Channel.CALL)
    assert call.parent == email and call.step == step
    assert call.due_at == datetime(2025, 6, 10, 11, 0, tzinfo=UTC)  # Saturday + 2 business days
    record_survey_answer(followup=email, resolved=True, satisfaction=5)
    call.refresh_from_db()
    assert call.state == State.SKIPPED


@time_machine.travel(DUE, tick=False)
def test_operators_can_dispatch_by_hand(capsys, django_capture_on_commit_callbacks) -> None:
    resolved_case()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("dispatch_followups")
    assert "Handed 1 follow-up(s)" in capsys.readouterr().out


@time_machine.travel(DUE, tick=False)
def test_a_batch_out_of_time_hands_its_untried_rows_back_without_using_an_attempt(smtp, settings) -> None:
    settings.FOLLOWUPS_SEND_BUDGET_SECONDS = 0  # a mail server so slow the budget is gone at once
    resolved_case(email="one@example.com")
    resolved_case(email="two@example.com")
    token, ids = claim_due_batch(now=DUE, batch_size=100)

    result = send_followup_batch(ids=ids, token=token)

    assert sorted(result.rescheduled) == sorted(ids) and result.sent == [] and smtp.messages == []
    rows = FollowUp.objects.all()
    assert {(r.state, r.attempts, r.due_at) for r in rows} == {(State.SCHEDULED, 0, DUE)}


@time_machine.travel(DUE, tick=False)
def test_the_soft_time_limit_mid_batch_never_sends_twice(smtp, monkeypatch) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    from followups.services import emails

    for address in ("one@example.com", "two@example.com", "three@example.com"):
        resolved_case(email=address)
    token, ids = claim_due_batch(now=DUE, batch_size=100)
    real_build, built = emails.FollowUpMailer.build, []

    def build_until_the_limit(self, row):  # type: ignore[no-untyped-def]
        built.append(row.pk)
        if len(built) == 2:  # Celery raises this inside the task when its soft limit passes
            raise SoftTimeLimitExceeded()
        return real_build(self, row)

    monkeypatch.setattr(emails.FollowUpMailer, "build", build_until_the_limit)

    result = send_followup_batch(ids=ids, token=token)

    states = dict(FollowUp.objects.values_list("pk", "state"))
    assert len(smtp.messages) == 1 and len(result.sent) == 1
    assert states[built[1]] == State.SENDING  # in flight: recovered later as a visible failure
    assert [states[pk] for pk in ids if pk not in built] == [State.SCHEDULED]

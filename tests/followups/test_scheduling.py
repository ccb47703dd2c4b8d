"""Resolving a case writes its follow-ups in the same transaction; reopening cancels them."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from complaints.models import EventKind, Status
from complaints.services.reopening import reopen_complaint
from complaints.services.transitions import change_status
from followups.models import FollowUp, State
from followups.services import cancel_pending_followups, schedule_followups
from tests.factories import (
    CategoryFactory,
    ComplaintFactory,
    CustomerFactory,
    FollowUpStepFactory,
    only_policy,
    resolve,
    severity,
)

pytestmark = pytest.mark.django_db
NOON = datetime(2025, 6, 4, 11, 0, tzinfo=UTC)  # Wednesday, 12:00 in London


@time_machine.travel(NOON, tick=False)
def test_the_default_policy_emails_three_days_after_resolution_in_the_customers_waking_hours() -> None:
    complaint = ComplaintFactory(severity=severity("medium"))

    (followup,) = resolve(complaint)

    assert followup.channel == "email"
    assert followup.state == State.SCHEDULED
    assert followup.due_at == NOON + timedelta(days=3)
    assert followup.customer == complaint.customer
    assert complaint.events.filter(kind=EventKind.FOLLOWUP, note__contains="Follow-ups scheduled").exists()


@time_machine.travel(NOON, tick=False)
def test_a_high_severity_case_also_gets_a_call_five_days_after() -> None:
    complaint = ComplaintFactory(
        severity=severity("critical"), customer=CustomerFactory(phone="+442079460000")
    )

    email, call = resolve(complaint)

    assert (email.channel, call.channel) == ("email", "call")
    # Five days after Wednesday noon is Monday noon, inside the call window (10:00-18:00 weekdays).
    assert call.due_at == NOON + timedelta(days=5)


@time_machine.travel(NOON, tick=False)
def test_a_compensated_case_gets_a_call_too() -> None:
    complaint = ComplaintFactory(compensation_given=True, customer=CustomerFactory(phone="+442079460000"))
    assert [f.channel for f in resolve(complaint)] == ["email", "call"]


@time_machine.travel(NOON, tick=False)
def test_a_call_to_a_customer_without_a_phone_is_skipped_visibly() -> None:
    complaint = ComplaintFactory(severity=severity("high"), customer=CustomerFactory(phone=""))
    _, call = resolve(complaint)
    assert call.state == State.SKIPPED
    assert call.note == "The customer has no phone number."


def test_the_most_specific_policy_wins() -> None:
    category = CategoryFactory()
    general = only_policy(name="General")
    FollowUpStepFactory(policy=general, delay=3)
    specific = only_policy(name="Billing, high", category=category, min_severity=severity("high"))
    general.is_active = True
    general.save()
    FollowUpStepFactory(policy=specific, delay=1)

    billing_high = resolve(ComplaintFactory(category=category, severity=severity("critical")))
    billing_low = resolve(ComplaintFactory(category=category, severity=severity("low")))

    assert billing_high[0].step.policy == specific
    assert billing_low[0].step.policy == general


def test_a_rolled_back_resolution_leaves_no_followup() -> None:
    complaint = ComplaintFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        change_status(complaint=complaint, to_status=Status.INVESTIGATING, actor=None)
        change_status(complaint=complaint, to_status=Status.RESOLVED, actor=None)
        schedule_followups(complaint=complaint)
        raise RuntimeError("the resolution failed later in its transaction")
    assert not FollowUp.objects.exists()


def test_scheduling_twice_for_one_resolution_writes_the_rows_once() -> None:
    complaint = ComplaintFactory()
    first = resolve(complaint)
    again = schedule_followups(complaint=complaint)
    assert [f.pk for f in again] == [f.pk for f in first]
    assert FollowUp.objects.count() == 1


def test_only_resolved_cases_are_scheduled() -> None:
    with pytest.raises(ValueError, match="not resolved"):
        schedule_followups(complaint=ComplaintFactory())


def test_reopening_cancels_pending_followups_and_resolving_again_schedules_afresh() -> None:
    complaint = ComplaintFactory()
    with time_machine.travel(NOON, tick=False):
        (first,) = resolve(complaint)
    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        reopen_complaint(complaint=complaint, reason="Still broken", actor_label="Customer")
        first.refresh_from_db()
        assert first.state == State.CANCELLED
        assert first.note == "Case reopened"
        (second,) = resolve(complaint)
    assert second.pk != first.pk
    assert second.state == State.SCHEDULED
    # Resolved again on Thursday: three days later is a Sunday, not in the default email window
    # (Monday to Saturday), so Monday 09:00 in London.
    assert second.due_at == datetime(2025, 6, 9, 8, 0, tzinfo=UTC)


def test_withdrawing_cancels_pending_followups() -> None:
    complaint = ComplaintFactory()
    resolve(complaint)
    change_status(complaint=complaint, to_status=Status.REOPENED, actor=None)
    resolve(complaint)
    change_status(complaint=complaint, to_status=Status.REOPENED, actor=None)
    change_status(complaint=complaint, to_status=Status.WITHDRAWN, actor=None)
    assert not FollowUp.objects.filter(state=State.SCHEDULED).exists()
    assert cancel_pending_followups(complaint=complaint, reason="again") == 0


def test_a_customer_who_unsubscribed_gets_no_followups() -> None:
    customer = CustomerFactory(followups_opted_out_at=NOON)
    complaint = ComplaintFactory(customer=customer)
    assert resolve(complaint) == []
    assert complaint.events.filter(note__contains="unsubscribed").exists()


def test_due_times_follow_the_customers_time_zone() -> None:
    policy = only_policy()
    FollowUpStepFactory(policy=policy, delay=3, start_hour=9, end_hour=20)
    tokyo = ComplaintFactory(customer=CustomerFactory(time_zone="Asia/Tokyo"))
    with time_machine.travel(NOON, tick=False):  # 20:00 in Tokyo: too late, next morning 09:00 JST
        (followup,) = resolve(tokyo)
    assert followup.due_at == datetime(2025, 6, 8, 0, 0, tzinfo=UTC)

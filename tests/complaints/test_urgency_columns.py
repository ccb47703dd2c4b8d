"""A case's next due time and at-risk time are kept by the database from its own clock."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from complaints.models import Complaint, Status, Urgency
from complaints.services.transitions import change_status
from complaints.services.waiting import start_waiting_on_customer, stop_waiting_on_customer
from tests.factories import AgentFactory, ComplaintFactory

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def clocked(**fields) -> Complaint:
    defaults = {
        "received_at": RECEIVED,
        "first_response_due_at": RECEIVED + timedelta(hours=4),
        "resolution_due_at": RECEIVED + timedelta(hours=40),
    }
    case = ComplaintFactory(**(defaults | fields))
    case.refresh_from_db()
    return case


def test_the_first_response_is_due_first_then_the_resolution() -> None:
    case = clocked()
    assert case.due_at == RECEIVED + timedelta(hours=4)
    # A quarter of the four-hour window is left from one hour before it ends.
    assert case.risk_at == RECEIVED + timedelta(hours=3)

    Complaint.objects.filter(pk=case.pk).update(first_responded_at=RECEIVED + timedelta(hours=1))
    case.refresh_from_db()
    assert case.due_at == RECEIVED + timedelta(hours=40)
    assert case.risk_at == RECEIVED + timedelta(hours=30)


def test_a_finished_or_paused_case_has_no_due_time() -> None:
    agent = AgentFactory()
    case = clocked(owner=agent, status=Status.INVESTIGATING, first_responded_at=RECEIVED)
    with time_machine.travel(RECEIVED + timedelta(hours=2), tick=False):
        start_waiting_on_customer(complaint=case, actor=agent)
    case.refresh_from_db()
    assert case.due_at is None and case.risk_at is None
    with time_machine.travel(RECEIVED + timedelta(hours=12), tick=False):
        stop_waiting_on_customer(complaint=case, actor=agent)
    case.refresh_from_db()
    # Ten paused hours move the resolution due time on by ten hours (calendar clock).
    assert case.due_at == RECEIVED + timedelta(hours=50)

    change_status(complaint=case, to_status=Status.RESOLVED, actor=agent)
    case.refresh_from_db()
    assert case.due_at is None


@pytest.mark.parametrize(
    ("hours_after", "expected"),
    [(1, Urgency.ON_TIME), (3.5, Urgency.AT_RISK), (5, Urgency.OVERDUE)],
)
def test_urgency_in_words_follows_the_clock(hours_after: float, expected: Urgency) -> None:
    case = clocked()
    assert case.urgency(RECEIVED + timedelta(hours=hours_after)) == expected


def test_the_columns_agree_with_the_case_page_clock() -> None:
    """The same rule as `clock_state`, which the case page shows."""
    from complaints.clock import ClockState, clock_state

    case = clocked()
    for hours in (0.5, 2.9, 3.1, 3.9, 4.1, 30):
        now = RECEIVED + timedelta(hours=hours)
        state = clock_state(now=now, started=case.received_at, due=case.first_response_due_at)
        expected = {ClockState.AT_RISK: Urgency.AT_RISK, ClockState.OVERDUE: Urgency.OVERDUE}.get(
            state, Urgency.ON_TIME
        )
        assert case.urgency(now) == expected, hours


def test_the_database_refuses_to_have_the_columns_written() -> None:
    case = clocked()
    with pytest.raises(Exception, match="generated"), connection.cursor() as cursor:
        cursor.execute("UPDATE complaints_complaint SET due_at = now() WHERE id = %s", [case.pk])

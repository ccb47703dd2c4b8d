"""Response targets from admin: due times per severity and category, business hours, pauses."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from complaints.models import EventKind, Holiday, OpeningHours, ResponseTarget, Status
from complaints.services.intake import submit_complaint
from complaints.services.ownership import claim_complaint
from complaints.services.transitions import change_status
from complaints.services.waiting import start_waiting_on_customer, stop_waiting_on_customer
from tests.factories import CategoryFactory, ComplaintFactory, CustomerFactory, channel, severity

pytestmark = pytest.mark.django_db


def submit(sev: str = "medium", category=None, received_at: datetime | None = None):
    return submit_complaint(
        customer=CustomerFactory(),
        channel=channel(),
        category=category or CategoryFactory(),
        severity=severity(sev),
        customer_words="It broke.",
        received_at=received_at,
    )


@pytest.fixture
def portal_in_utc(settings):
    settings.TIME_ZONE = "UTC"
    timezone.deactivate()


def test_the_default_targets_are_seeded_for_every_severity() -> None:
    kinds = dict(ResponseTarget.objects.filter(category=None).values_list("severity__code", "hours_kind"))
    assert kinds == {"critical": "calendar", "high": "calendar", "medium": "business", "low": "business"}
    assert OpeningHours.objects.count() == 5


@time_machine.travel(datetime(2026, 3, 6, 16, 0, tzinfo=UTC), tick=False)  # a Friday
def test_calendar_targets_count_around_the_clock(portal_in_utc) -> None:
    complaint = submit("critical")
    assert complaint.first_response_due_at == datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
    assert complaint.resolution_due_at == datetime(2026, 3, 7, 16, 0, tzinfo=UTC)
    assert complaint.clock_hours_kind == "calendar"


@time_machine.travel(datetime(2026, 3, 6, 16, 0, tzinfo=UTC), tick=False)
def test_business_targets_skip_nights_weekends_and_holidays(portal_in_utc) -> None:
    Holiday.objects.create(date=date(2026, 3, 9), name="Staff training day")
    complaint = submit("medium")  # 8 business hours to first response
    # Friday 16-17 counts one hour; Monday is a holiday; Tuesday 09:00 + 7 hours.
    assert complaint.first_response_due_at == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
    assert complaint.clock_hours_kind == "business"


@time_machine.travel(datetime(2026, 3, 6, 16, 0, tzinfo=UTC), tick=False)
def test_opening_hours_are_read_in_the_portal_time_zone(settings) -> None:
    settings.TIME_ZONE = "America/New_York"
    timezone.deactivate()
    complaint = submit("medium")
    # 16:00 UTC is 11:00 in New York: six hours on Friday, two more from Monday 09:00 (14:00 UTC).
    assert complaint.first_response_due_at == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert complaint.first_response_due_at.astimezone(ZoneInfo("America/New_York")).hour == 11


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False)
def test_a_categorys_own_target_wins_over_the_severitys_general_one(portal_in_utc) -> None:
    urgent = CategoryFactory(name="Gas leak")
    ResponseTarget.objects.create(
        severity=severity("medium"),
        category=urgent,
        first_response_hours=1,
        resolution_hours=2,
        hours_kind="calendar",
    )
    assert submit("medium", urgent).first_response_due_at == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    # The general medium target: 8 business hours from Monday 10:00 is Tuesday 10:00.
    assert submit("medium").first_response_due_at == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_without_a_target_a_case_has_no_due_times() -> None:
    ResponseTarget.objects.filter(severity__code="low").delete()
    complaint = submit("low")
    assert complaint.first_response_due_at is None and complaint.resolution_due_at is None


def test_waiting_on_the_customer_pauses_the_clock_and_moves_the_due_times(portal_in_utc, agent) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):  # Monday
        complaint = submit("medium")
        # 40 business hours: Monday 10-17, Tuesday to Friday, then one more hour on Monday 9 March.
        assert complaint.resolution_due_at == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
        claim_complaint(complaint=complaint, actor=agent)
        change_status(complaint=complaint, to_status=Status.ACKNOWLEDGED, actor=agent)
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=UTC), tick=False):
        start_waiting_on_customer(complaint=complaint, actor=agent, note="Asked for photos")
    with time_machine.travel(datetime(2026, 3, 9, 10, 0, tzinfo=UTC), tick=False):
        # Long overdue by the wall clock, but the clock is paused.
        assert not complaint.is_overdue(timezone.now())
        page_state = complaint.awaiting_customer_since
        assert page_state == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 3, 4, 12, 0, tzinfo=UTC), tick=False):
        stop_waiting_on_customer(complaint=complaint, actor=None, actor_label="Customer", note="Photos sent")
    complaint.refresh_from_db()
    # Paused Tuesday 10:00 to Wednesday 12:00: ten business hours later than before.
    assert complaint.resolution_due_at == datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert complaint.awaiting_customer_since is None
    waits = list(complaint.events.filter(kind=EventKind.WAITING).values_list("data", flat=True))
    assert waits == [{"waiting": True}, {"waiting": False, "paused_seconds": 26 * 3600}]


@pytest.mark.parametrize(
    ("hours_later", "shown"),
    [(1, "On time"), (7, "At risk"), (9, "Overdue")],
)
def test_the_case_page_shows_due_times_and_whether_they_are_at_risk_or_overdue(
    agent_client, agent, hours_later, shown
) -> None:
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        complaint = ComplaintFactory(
            owner=agent,
            received_at=start,
            first_response_due_at=start + timedelta(hours=8),
            resolution_due_at=start + timedelta(hours=40),
        )
    with time_machine.travel(start + timedelta(hours=hours_later), tick=False):
        page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()
    first_response = page.split('id="clocks"')[1].split("Resolution")[0]
    assert shown in first_response
    assert "2 Mar 2026 16:00" in first_response


def test_a_paused_case_shows_paused_instead_of_overdue(agent_client, agent) -> None:
    start = timezone.now() - timedelta(days=10)
    complaint = ComplaintFactory(
        owner=agent,
        received_at=start,
        first_response_due_at=start + timedelta(hours=8),
        awaiting_customer_since=start + timedelta(hours=1),
    )
    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()
    assert "Paused" in page and "Overdue" not in page


def test_the_waiting_button_pauses_and_restarts_the_clock(agent_client, agent) -> None:
    complaint = submit("high")
    complaint.owner = agent
    complaint.save()
    due = complaint.resolution_due_at

    agent_client.post(f"/cases/{complaint.reference}/waiting/", {"action": "start", "note": "Need receipts"})
    complaint.refresh_from_db()
    assert complaint.awaiting_customer_since is not None

    agent_client.post(f"/cases/{complaint.reference}/waiting/", {"action": "stop", "note": ""})
    complaint.refresh_from_db()
    assert complaint.awaiting_customer_since is None
    assert complaint.resolution_due_at >= due


def test_a_double_click_on_wait_keeps_the_case_waiting(agent_client, agent) -> None:
    complaint = submit("high")
    complaint.owner = agent
    complaint.save()

    for _ in range(2):
        agent_client.post(
            f"/cases/{complaint.reference}/waiting/", {"action": "start", "note": "Need receipts"}
        )

    complaint.refresh_from_db()
    assert complaint.awaiting_customer_since is not None


def test_opening_hours_must_close_after_they_open() -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(weekday=5, opens=time(12), closes=time(9))


def test_a_reopened_case_gets_a_fresh_resolution_target_from_the_reopening(portal_in_utc) -> None:
    from complaints.services.reopening import reopen_complaint

    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        complaint = submit("critical")  # 24 calendar hours to resolve
        change_status(complaint=complaint, to_status=Status.INVESTIGATING, actor=None)
        change_status(complaint=complaint, to_status=Status.RESOLVED, actor=None)
    reopened_at = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)

    reopen_complaint(complaint=complaint, reason="Still broken", now=reopened_at)

    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED
    assert complaint.resolution_due_at == reopened_at + timedelta(hours=24)
    assert not complaint.is_overdue(reopened_at + timedelta(hours=23))
    assert complaint.is_overdue(reopened_at + timedelta(hours=25))

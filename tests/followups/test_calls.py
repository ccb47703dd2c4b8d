"""Follow-up calls appear in the owner's list at their due time; the agent records the outcome."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import EventKind, Status
from followups.errors import FollowUpError
from followups.models import FollowUp, FollowUpCallOutcome, FollowUpChannel, Purpose, State
from followups.services.calls import record_call_outcome
from tests.factories import (
    AgentFactory,
    ComplaintFactory,
    CustomerFactory,
    FollowUpStepFactory,
    only_policy,
    resolve,
)

pytestmark = pytest.mark.django_db
NOON = datetime(2025, 6, 4, 11, 0, tzinfo=UTC)  # Wednesday
DUE = NOON + timedelta(days=1)


@pytest.fixture(autouse=True)
def _call_policy() -> None:
    FollowUpStepFactory(
        policy=only_policy(name="Call"),
        channel="call",
        delay=1,
        retries=1,
        retry_delay=1,
        fallback_channel="email",
        fallback_delay=1,
        fallback_unit="days",
    )


def call_on(owner=None) -> FollowUp:  # type: ignore[no-untyped-def]
    complaint = ComplaintFactory(
        owner=owner,
        customer=CustomerFactory(name="Alan Turing", phone="+442079460000"),
        summary="Late refund",
    )
    with time_machine.travel(NOON, tick=False):
        (followup,) = resolve(complaint)
    return followup


def test_a_call_appears_in_the_owners_list_at_its_due_time_with_script_and_summary(client) -> None:
    agent = AgentFactory(first_name="Kim", last_name="Lee")
    followup = call_on(owner=agent)
    client.force_login(agent)

    with time_machine.travel(DUE - timedelta(minutes=1), tick=False):
        assert followup.complaint.reference not in client.get("/followups/calls/").content.decode()
    with time_machine.travel(DUE, tick=False):
        listing = client.get("/followups/calls/").content.decode()
        assert f"Call about {followup.complaint.reference}" in listing
        home = client.get("/").content.decode()
        assert "Calls due: 1 on your cases" in home
        reference = followup.complaint.reference
        assert (
            f'Phone call follow-up on <a href="/cases/{reference}/">{reference}</a> (Alan Turing) due' in home
        )
        page = client.get(f"/followups/calls/{followup.pk}/").content.decode()
    assert "Hello, this is Kim Lee about " + followup.complaint.reference in page
    assert "Late refund" in page and "Alan Turing" in page and "Record outcome" in page


def test_the_home_counts_calls_again_once_one_is_recorded_and_otherwise_each_minute(
    client, django_capture_on_commit_callbacks
) -> None:
    agent = AgentFactory()
    first, second = call_on(owner=agent), call_on(owner=agent)
    client.force_login(agent)

    def due_today(followup: FollowUp, home: str) -> bool:
        return f'follow-up on <a href="/cases/{followup.complaint.reference}/">' in home

    with time_machine.travel(DUE, tick=False):
        home = client.get("/").content.decode()
        assert "Calls due: 2 on your cases" in home
        assert due_today(first, home) and due_today(second, home)
        with django_capture_on_commit_callbacks(execute=True):
            recorded = client.post(
                f"/followups/calls/{first.pk}/",
                {"outcome": FollowUpCallOutcome.SATISFIED, "satisfaction": "4", "note": ""},
            )
        assert recorded.status_code == 302
        home = client.get("/").content.decode()
        assert "Calls due: 1 on your cases" in home
        assert not due_today(first, home) and due_today(second, home)
        # Changed elsewhere (another web process, a data fix): shown once the minute turns.
        FollowUp.objects.filter(pk=second.pk).update(state=State.CANCELLED)
        home = client.get("/").content.decode()
        assert "Calls due: 1 on your cases" in home and due_today(second, home)
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        home = client.get("/").content.decode()
        assert "Calls due:" not in home and not due_today(second, home)


@time_machine.travel(DUE, tick=False)
def test_a_call_on_a_case_whose_owner_left_goes_to_the_team_list(client) -> None:
    gone = AgentFactory(is_active=False)
    followup = call_on(owner=gone)
    colleague = AgentFactory()
    client.force_login(colleague)

    page = client.get("/followups/calls/").content.decode()
    team_section = page.split("Team calls", 1)[1]
    assert followup.complaint.reference in team_section

    client.post(
        f"/followups/calls/{followup.pk}/",
        {"outcome": FollowUpCallOutcome.SATISFIED, "satisfaction": "4", "note": ""},
    )
    followup.refresh_from_db()
    assert followup.state == State.ANSWERED and followup.called_by == colleague


@time_machine.travel(DUE, tick=False)
def test_reached_and_satisfied_is_recorded_on_the_timeline(client) -> None:
    agent = AgentFactory()
    followup = call_on(owner=agent)
    client.force_login(agent)

    response = client.post(
        f"/followups/calls/{followup.pk}/",
        {"outcome": FollowUpCallOutcome.SATISFIED, "satisfaction": "5", "note": "All good now"},
        follow=True,
    )

    assert "Call outcome recorded" in response.content.decode()
    followup.refresh_from_db()
    assert (followup.state, followup.answer_resolved, followup.attempts) == (State.ANSWERED, True, 1)
    assert followup.complaint.events.filter(kind=EventKind.FOLLOWUP, note__contains="All good now").exists()


@time_machine.travel(DUE, tick=False)
def test_reached_and_not_satisfied_reopens_the_case() -> None:
    agent = AgentFactory()
    followup = call_on(owner=agent)

    record_call_outcome(
        followup=followup, outcome=FollowUpCallOutcome.NOT_SATISFIED, actor=agent, note="Still waiting"
    )

    followup.complaint.refresh_from_db()
    assert followup.complaint.status == Status.REOPENED
    assert "Still waiting" in followup.complaint.events.get(to_status=Status.REOPENED).note


def test_no_answer_retries_per_policy_then_falls_back_to_email() -> None:
    agent = AgentFactory()
    followup = call_on(owner=agent)
    with time_machine.travel(DUE, tick=False):  # Thursday noon
        record_call_outcome(followup=followup, outcome=FollowUpCallOutcome.NO_ANSWER, actor=agent)
    followup.refresh_from_db()
    assert (followup.state, followup.attempts) == (State.SCHEDULED, 1)
    assert followup.due_at == DUE + timedelta(days=1)  # one business day later

    with time_machine.travel(followup.due_at, tick=False):
        record_call_outcome(followup=followup, outcome=FollowUpCallOutcome.VOICEMAIL, actor=agent)
    followup.refresh_from_db()
    assert (followup.state, followup.attempts) == (State.SENT, 2)
    fallback = FollowUp.objects.get(purpose=Purpose.FALLBACK)
    assert (fallback.channel, fallback.state, fallback.parent) == (
        FollowUpChannel.EMAIL,
        State.SCHEDULED,
        followup,
    )
    assert fallback.due_at == DUE + timedelta(days=2)


@time_machine.travel(DUE, tick=False)
def test_another_agent_cannot_record_a_call_on_a_colleagues_active_case(client) -> None:
    followup = call_on(owner=AgentFactory())
    intruder = AgentFactory()
    with pytest.raises(FollowUpError):
        record_call_outcome(followup=followup, outcome=FollowUpCallOutcome.SATISFIED, actor=intruder)
    client.force_login(intruder)
    page = client.get(f"/followups/calls/{followup.pk}/").content.decode()
    assert "Record outcome" not in page


@time_machine.travel(DUE, tick=False)
def test_the_case_page_shows_the_schedule_and_results(client) -> None:
    agent = AgentFactory()
    followup = call_on(owner=agent)
    record_call_outcome(followup=followup, outcome=FollowUpCallOutcome.SATISFIED, actor=agent)
    client.force_login(agent)
    page = client.get(f"/cases/{followup.complaint.reference}/").content.decode()
    assert "Follow-ups" in page and "Phone call" in page and "Reached, satisfied" in page


def test_calls_due_needs_a_staff_role(client) -> None:
    response = client.get("/followups/calls/")
    assert response.status_code == 302
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/followups/calls/").status_code == 403
    assert client.get("/followups/failed/").status_code == 403


@time_machine.travel(DUE, tick=False)
def test_a_call_records_the_same_answer_as_the_email_survey_so_both_are_counted(client) -> None:
    agent = AgentFactory()
    followup = call_on(owner=agent)
    client.force_login(agent)

    client.post(
        f"/followups/calls/{followup.pk}/", {"outcome": FollowUpCallOutcome.SATISFIED, "satisfaction": "4"}
    )

    followup.refresh_from_db()
    assert (followup.state, followup.answer_resolved, followup.answer_satisfaction) == (
        State.ANSWERED,
        True,
        4,
    )
    event = followup.complaint.events.filter(kind=EventKind.FOLLOWUP).latest("id")
    assert event.data["resolved"] is True and event.data["satisfaction"] == 4
    assert "Resolved, satisfaction 4/5." in event.note
    # What insights read: answered follow-ups with a score, whatever the channel.
    answered = FollowUp.objects.filter(state=State.ANSWERED, answer_satisfaction__isnull=False)
    assert list(answered.values_list("channel", "answer_resolved", "answer_satisfaction")) == [
        (FollowUpChannel.CALL, True, 4)
    ]


@time_machine.travel(DUE, tick=False)
def test_a_customer_reached_is_asked_how_satisfied_they_are_before_the_outcome_is_recorded(client) -> None:
    agent = AgentFactory()
    followup = call_on(owner=agent)
    client.force_login(agent)

    refused = client.post(
        f"/followups/calls/{followup.pk}/",
        {"outcome": FollowUpCallOutcome.NOT_SATISFIED, "note": "Still no refund"},
    )

    page = refused.content.decode()
    assert "Ask how satisfied they are, from 1 to 5." in page
    assert "Still no refund" in page  # what was typed is kept
    followup.refresh_from_db()
    assert followup.state == State.SCHEDULED


@time_machine.travel(DUE, tick=False)
def test_not_resolved_on_the_phone_reopens_the_case_as_the_survey_does(client) -> None:
    agent = AgentFactory()
    followup = call_on(owner=agent)
    client.force_login(agent)

    client.post(
        f"/followups/calls/{followup.pk}/",
        {"outcome": FollowUpCallOutcome.NOT_SATISFIED, "satisfaction": "2", "note": "Refund never came"},
    )

    followup.refresh_from_db()
    assert (followup.answer_resolved, followup.answer_satisfaction) == (False, 2)
    followup.complaint.refresh_from_db()
    assert followup.complaint.status == Status.REOPENED
    # The reopened case's page still lists its follow-ups and what the customer said.
    page = client.get(f"/cases/{followup.complaint.reference}/").content.decode()
    panel = page[page.index('id="followups-heading"') :]
    assert "Not resolved, satisfaction 2/5" in panel


def test_the_page_of_a_case_never_resolved_does_not_look_for_follow_ups(client) -> None:
    agent = AgentFactory()
    case = ComplaintFactory(owner=agent)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="followups-heading"' not in page
    assert not [q for q in queries.captured_queries if '"followups_followup"' in q["sql"]]


@time_machine.travel(DUE, tick=False)
def test_nobody_reached_records_no_satisfaction(client) -> None:
    agent = AgentFactory()
    followup = call_on(owner=agent)
    client.force_login(agent)

    client.post(
        f"/followups/calls/{followup.pk}/", {"outcome": FollowUpCallOutcome.NO_ANSWER, "satisfaction": "5"}
    )

    followup.refresh_from_db()
    assert (followup.state, followup.answer_satisfaction) == (State.SCHEDULED, None)

"""Calls due and failed follow-ups say how many there are and page on, instead of stopping quietly."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followups.models import FollowUp, State
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
    FollowUpStepFactory(policy=only_policy(name="Call"), channel="call", delay=1, retries=1, retry_delay=1)


def calls_for(owner, count: int) -> list[FollowUp]:  # type: ignore[no-untyped-def]
    calls = []
    for _ in range(count):
        with time_machine.travel(NOON, tick=False):
            (followup,) = resolve(
                ComplaintFactory(owner=owner, customer=CustomerFactory(phone="+442079460000"))
            )
        calls.append(followup)
    return calls


def test_calls_due_are_counted_with_the_overdue_ones_and_paged(client) -> None:
    agent = AgentFactory()
    mine = calls_for(agent, 55)
    gone = AgentFactory(is_active=False)
    team = calls_for(gone, 2)
    FollowUp.objects.filter(pk__in=[f.pk for f in mine[:3]]).update(due_at=DUE - timedelta(days=3))
    client.force_login(agent)

    with time_machine.travel(DUE + timedelta(minutes=5), tick=False):
        page = client.get("/followups/calls/").content.decode()
        assert "Your cases: 55 due, " in page and "3 overdue" in page
        assert "Team calls (owner away or gone): 2 due" in page
        assert page.count(">Overdue</span>") == 3
        assert page.count("Call about RD-") == 50 + 2
        link = page.split('href="?mine_after=')[1].split('"')[0].replace("&amp;", "&")
        rest = client.get("/followups/calls/?mine_after=" + link).content.decode()
    shown_later = {f.complaint.reference for f in mine if f"Call about {f.complaint.reference}<" in rest}
    assert len(shown_later) == 5
    assert all(f"Call about {f.complaint.reference}<" in page for f in team)


def test_the_calls_page_costs_the_same_queries_whatever_the_calls(client) -> None:
    agent = AgentFactory()
    client.force_login(agent)
    calls_for(agent, 2)
    with time_machine.travel(DUE, tick=False), CaptureQueriesContext(connection) as few:
        client.get("/followups/calls/")
    calls_for(agent, 20)
    with time_machine.travel(DUE, tick=False), CaptureQueriesContext(connection) as many:
        client.get("/followups/calls/")
    assert len(many) == len(few)
    # Session, user with roles; one pass over the due calls; the rows shown.
    assert len(few) == 4


def test_failed_follow_ups_are_counted_and_paged_newest_failure_first(client) -> None:
    agent = AgentFactory()
    failures = calls_for(agent, 52)
    for age, followup in enumerate(failures):
        FollowUp.objects.filter(pk=followup.pk).update(
            state=State.FAILED, failed_at=DUE - timedelta(minutes=age), last_error="Refused"
        )
    client.force_login(agent)
    page = client.get("/followups/failed/").content.decode()
    assert "Failed: 52" in page
    assert failures[0].complaint.reference in page and failures[51].complaint.reference not in page
    link = page.split('href="?after=')[1].split('"')[0].replace("&amp;", "&")
    older = client.get("/followups/failed/?after=" + link).content.decode()
    assert failures[51].complaint.reference in older and failures[0].complaint.reference not in older


def test_the_failed_follow_ups_page_costs_the_same_queries_whatever_the_failures(client) -> None:
    agent = AgentFactory()
    client.force_login(agent)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/followups/failed/")
        return len(captured)

    calls = calls_for(agent, 1)
    FollowUp.objects.filter(pk=calls[0].pk).update(state=State.FAILED, failed_at=DUE)
    few = queries()
    FollowUp.objects.filter(pk__in=[f.pk for f in calls_for(agent, 20)]).update(
        state=State.FAILED, failed_at=DUE
    )
    assert queries() == few
    # Session, user with roles; the surveys in doubt; the page of failures; their count (capped).
    assert few == 5

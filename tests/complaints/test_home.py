"""Home by role: an agent's queue by urgency with counts; a supervisor's view of the team."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Status
from complaints.selectors.queues import forget_loads
from tests.factories import AgentFactory, CategoryFactory, ComplaintFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def case(owner=None, *, due_in_hours: float | None, window_hours: float = 40, **fields):  # type: ignore[no-untyped-def]
    now = timezone.now()
    fields.setdefault("status", Status.INVESTIGATING)
    if due_in_hours is None:
        return ComplaintFactory(owner=owner, **fields)
    due = now + timedelta(hours=due_in_hours)
    return ComplaintFactory(
        owner=owner,
        received_at=due - timedelta(hours=window_hours),
        first_responded_at=due - timedelta(hours=window_hours - 1),
        resolution_due_at=due,
        **fields,
    )


def order_on(page: str, references: list[str]) -> list[str]:
    return sorted(references, key=page.index)


def test_an_agents_queue_is_overdue_first_then_at_risk_then_by_due_time_then_without_a_clock(
    agent_client, agent
) -> None:
    later = case(agent, due_in_hours=30)
    at_risk = case(agent, due_in_hours=2)
    very_late = case(agent, due_in_hours=-48)
    late = case(agent, due_in_hours=-1)
    no_clock = case(agent, due_in_hours=None)
    page = agent_client.get("/").content.decode()
    expected = [very_late, late, at_risk, later, no_clock]
    assert order_on(page, [c.reference for c in expected]) == [c.reference for c in expected]
    row = {c.reference: page.split(f">{c.reference}</a>")[1].split("</tr>")[0] for c in expected}
    assert "Overdue" in row[very_late.reference] and "Overdue" in row[late.reference]
    assert "At risk" in row[at_risk.reference]
    assert "Overdue" not in row[later.reference] and "At risk" not in row[later.reference]


def test_the_home_page_says_how_many_are_overdue_and_at_risk_with_links_to_them(agent_client, agent) -> None:
    for _ in range(3):
        case(agent, due_in_hours=-5)
    case(agent, due_in_hours=1)
    case(agent, due_in_hours=20)
    page = agent_client.get("/").content.decode()
    summary = page.split('id="queue-summary">')[1].split("</p>")[0]
    assert "5 open cases" in summary and "3 overdue" in summary and "1 at risk" in summary
    assert 'href="/cases/?owner=me&amp;urgency=overdue&amp;sort=due"' in summary


def test_the_unowned_list_says_how_many_wait_and_links_to_all_of_them(agent_client) -> None:
    category, customer = CategoryFactory(), CustomerFactory()
    for _ in range(12):
        case(None, due_in_hours=-3, category=category, customer=customer)
    page = agent_client.get("/").content.decode()
    assert "Waiting for an owner: 12 (12 overdue)" in page
    assert "See all 12 cases waiting for an owner" in page
    assert 'href="/cases/?owner=none&amp;status=open&amp;sort=due"' in page


def test_cases_the_customer_reopened_come_first(agent_client, agent) -> None:
    urgent = case(agent, due_in_hours=-10)
    reopened = case(agent, due_in_hours=30, status=Status.REOPENED, reopened_at=timezone.now())
    page = agent_client.get("/").content.decode()
    assert "Reopened by the customer: 1" in page
    assert page.index(reopened.reference) < page.index(urgent.reference)


def test_a_supervisor_sees_the_teams_overdue_cases_and_each_agents_load(supervisor_client) -> None:
    kim, lee = (
        AgentFactory(first_name="Kim", last_name="Park"),
        AgentFactory(first_name="Lee", last_name="Chan"),
    )
    kims = [case(kim, due_in_hours=-h) for h in (1, 2, 3)]
    case(kim, due_in_hours=1)
    case(lee, due_in_hours=30)
    page = supervisor_client.get("/").content.decode()
    assert "3 overdue" in page.split('id="team-summary">')[1].split("</p>")[0]
    load = page.split("Each agent's load")[1].split("</table>")[0]
    kim_row = load.split("Kim Park</th>")[1].split("</tr>")[0]
    assert ">4<" in kim_row and "3 overdue" in kim_row and "1 at risk" in kim_row
    assert load.index("Kim Park") < load.index("Lee Chan")  # most overdue first
    overdue = page.split("overdue cases, most overdue first")[1]
    assert order_on(overdue, [c.reference for c in kims]) == [c.reference for c in reversed(kims)]
    assert "Kim Park" in overdue.split(f">{kims[0].reference}</a>")[1].split("</tr>")[0]


def test_the_team_load_is_kept_a_minute_then_counted_again(supervisor_client, settings) -> None:
    kim = AgentFactory(first_name="Kim", last_name="Park")
    case(kim, due_in_hours=-1)
    supervisor_client.get("/")
    case(kim, due_in_hours=-2)
    kept = supervisor_client.get("/").content.decode().split("Kim Park</th>")[1].split("</tr>")[0]
    assert "1 overdue" in kept
    settings.TEAM_LOAD_MAX_AGE_SECONDS = 0
    fresh = supervisor_client.get("/").content.decode().split("Kim Park</th>")[1].split("</tr>")[0]
    assert "2 overdue" in fresh


def _queries(client) -> int:  # type: ignore[no-untyped-def]
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_an_agents_home_costs_the_same_queries_whatever_their_number_of_cases(agent_client, agent) -> None:
    category, customer = CategoryFactory(), CustomerFactory()
    case(agent, due_in_hours=-1, category=category, customer=customer)
    few = _queries(agent_client)
    for hours in range(-30, 30):
        case(agent, due_in_hours=hours, category=category, customer=customer)
        case(None, due_in_hours=hours, category=category, customer=customer)
    assert _queries(agent_client) <= few
    # Session, user with roles; the counts in one; the queue and the unowned cases (each a second
    # read for cases without a clock when those with one do not fill the list); the reopened cases
    # only when there are some; the decisions panel; the follow-up panel.
    assert few <= 9, few


def test_a_supervisors_home_costs_the_same_queries_whatever_the_team(supervisor_client) -> None:
    category, customer = CategoryFactory(), CustomerFactory()
    case(AgentFactory(), due_in_hours=-1, category=category, customer=customer)
    few = _queries(supervisor_client)
    for _ in range(5):
        agent = AgentFactory()
        for hours in (-3, 1, 20):
            case(agent, due_in_hours=hours, category=category, customer=customer)
    forget_loads()
    supervisor_client.get("/")  # the load is counted once a minute, the rest on every visit
    assert _queries(supervisor_client) == few
    # Session, user with roles; the counts in one; the overdue cases; the approvals waiting (count
    # and oldest in one) and decisions; the follow-up panel. The team's load is kept a minute.
    assert few <= 7, few

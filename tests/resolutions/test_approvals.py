"""The approval queue shows what a decision needs; the proposer is told of the decision on their
home page, by email and on the case."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from complaints.models import EventKind
from outbox.models import Message
from outbox.testing import flush_outbox
from resolutions.models import CompensationStatus
from resolutions.services.compensation import issue_compensation
from tests.factories import ComplaintFactory, CustomerFactory, propose_refund

pytestmark = pytest.mark.django_db


def propose(case, actor, amount: str, *, reason: str = "Parcel lost twice."):  # type: ignore[no-untyped-def]
    return propose_refund(case, actor, amount, reason=reason)


def decide(client, compensation, decision: str, note: str):
    return client.post(
        reverse("resolutions:decide", args=[compensation.pk]),
        {f"c{compensation.pk}-decision": decision, f"c{compensation.pk}-reason": note},
        follow=True,
    )


def test_a_request_shows_the_customer_the_complaint_what_they_want_what_they_were_given_the_limits_and_budget(
    client, case, agent, supervisor, category
) -> None:
    case.customer.name = "Chinwe Okafor"
    case.customer.save()
    case.summary = "Kettle arrived broken; two calls unanswered."
    case.desired_outcome = "A working kettle and an apology."
    case.save()
    earlier = ComplaintFactory(customer=case.customer, owner=agent, category=category)
    given = propose(earlier, agent, "45.40")  # within the agent's limit: granted at once
    issue_compensation(compensation=given, actor=agent, external_reference="TX-1")
    propose(ComplaintFactory(customer=case.customer, owner=agent, category=category), agent, "100")
    propose(case, agent, "120")
    client.force_login(supervisor)

    page = client.get(reverse("resolutions:approvals")).content.decode()

    assert "Chinwe Okafor" in page
    assert "Kettle arrived broken; two calls unanswered." in page
    assert "A working kettle and an apology." in page
    assert f"Refund of 45.40 GBP on {earlier.reference} (issued" in page  # money, not 45.400000
    assert "In all: 45.40 GBP" in page  # the request waiting on another case is not given yet
    assert (
        "Limits per case</dt><dd>agents 50.00 GBP, supervisors 250.00 GBP, hard maximum 1,000.00 GBP" in page
    )
    # Spent this month: the 45.40 granted; the two requests are not spent yet.
    assert "4,954.60 GBP of 5,000.00 GBP" in page
    assert "Case total if approved</dt><dd>120.00 GBP" in page


def test_the_approvals_page_reads_a_fixed_number_of_queries_whatever_the_number_of_requests(
    client, case, agent, supervisor, category, django_assert_max_num_queries
) -> None:
    for number in range(8):
        customer = CustomerFactory()
        earlier = ComplaintFactory(customer=customer, owner=agent, category=category)
        propose(earlier, agent, "10")
        propose(ComplaintFactory(customer=customer, owner=agent, category=category), agent, f"{60 + number}")
    client.force_login(supervisor)
    client.get(reverse("resolutions:approvals"))  # session and roles warmed

    with django_assert_max_num_queries(9):
        page = client.get(reverse("resolutions:approvals")).content.decode()

    assert page.count('class="card mb-3 approval-request"') == 8


def test_approving_with_a_note_tells_the_agent_on_their_home_page_by_email_and_on_the_case(
    client, case, agent, supervisor, mailoutbox
) -> None:
    waiting = propose(case, agent, "120")
    client.force_login(supervisor)

    response = decide(client, waiting, "approve", "Twice late: fair.")

    assert "approved" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.APPROVED and waiting.decision_reason == "Twice late: fair."
    event = case.events.filter(kind=EventKind.COMPENSATION).latest("id")
    assert event.actor == supervisor and event.note == "Compensation approved: Twice late: fair."

    notice = Message.objects.get(key=f"compensation-decision:{waiting.pk}")
    assert notice.to == agent.email
    flush_outbox()
    (email,) = [m for m in mailoutbox if m.to == [agent.email]]
    assert "approved" in email.subject and "120.00 GBP" in email.subject
    assert "Twice late: fair." in email.body and case.reference in email.body

    client.force_login(agent)
    home = client.get("/").content.decode()
    panel = home[home.index('id="decisions"') :]
    assert case.reference in panel and "approved" in panel and "Twice late: fair." in panel
    decider = supervisor.get_full_name() or supervisor.username
    assert f"Refund of 120.00 GBP <strong>approved</strong> by {decider}" in panel
    case_page = client.get(reverse("complaints:detail", args=[case.reference])).content.decode()
    decision = case_page[case_page.index('class="decision"') :][:600]
    assert "Approved by" in decision and "Twice late: fair." in decision
    assert "Compensation approved: Twice late: fair." in case_page  # the timeline


def test_rejecting_needs_a_note_which_the_agent_reads(client, case, agent, supervisor) -> None:
    waiting = propose(case, agent, "120")
    client.force_login(supervisor)

    refused = decide(client, waiting, "reject", "")
    assert refused.status_code == 400
    assert "Give the reason for rejecting it" in refused.content.decode()

    decide(client, waiting, "reject", "Above what the delay cost them.")

    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.REJECTED
    assert Message.objects.filter(key=f"compensation-decision:{waiting.pk}", to=agent.email).count() == 1
    client.force_login(agent)
    panel = client.get("/").content.decode()
    assert "rejected" in panel and "Above what the delay cost them." in panel


def test_a_supervisor_is_told_why_they_cannot_decide_above_their_limit(
    client, case, agent, supervisor
) -> None:
    waiting = propose(case, agent, "300")
    client.force_login(supervisor)

    queue = client.get(reverse("resolutions:approvals")).content.decode()
    assert "1 request above the supervisor limit waits for an admin" in queue
    refused = decide(client, waiting, "approve", "")

    assert refused.status_code == 400
    assert "an admin must decide" in refused.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.PROPOSED


def test_the_count_of_requests_for_an_admin_is_kept_until_the_minute_turns(
    client, case, agent, supervisor, category
) -> None:
    propose(case, agent, "300")
    client.force_login(supervisor)
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)

    with time_machine.travel(noon + timedelta(seconds=10), tick=False):
        assert (
            "1 request above the supervisor limit"
            in client.get(reverse("resolutions:approvals")).content.decode()
        )
        propose(ComplaintFactory(owner=agent, category=category), agent, "400")
        kept = client.get(reverse("resolutions:approvals")).content.decode()
    with time_machine.travel(noon + timedelta(minutes=1), tick=False):
        counted = client.get(reverse("resolutions:approvals")).content.decode()

    assert "1 request above the supervisor limit" in kept
    assert "2 requests above the supervisor limit wait for an admin" in counted


def test_the_queue_shows_a_page_of_the_oldest_requests_and_links_to_the_later_ones(
    client, agent, supervisor, category, monkeypatch, django_assert_max_num_queries
) -> None:
    monkeypatch.setattr("resolutions.selectors.QUEUE_PAGE", 3)
    cases = [ComplaintFactory(owner=agent, category=category) for _ in range(5)]
    for case in cases:
        propose(case, agent, "120")
    client.force_login(supervisor)
    first = client.get(reverse("resolutions:approvals")).content.decode()
    later = re.search(r'href="\?after=([^"]+)">Later requests</a>', first)
    assert later is not None
    assert [c.reference for c in cases if c.reference in first] == [c.reference for c in cases[:3]]

    with django_assert_max_num_queries(9):
        second = client.get(reverse("resolutions:approvals") + "?after=" + later.group(1)).content.decode()

    assert [c.reference for c in cases if c.reference in second] == [c.reference for c in cases[3:]]
    assert "Later requests" not in second and "Oldest requests" in second


def test_a_request_from_someone_who_has_left_still_names_them(client, case, agent, supervisor) -> None:
    propose(case, agent, "120")
    agent.is_active = False
    agent.save()
    client.force_login(supervisor)

    page = client.get(reverse("resolutions:approvals")).content.decode()

    assert f"Proposed by {agent.get_full_name() or agent.username} on " in page


def test_what_people_typed_is_shown_escaped_on_the_queue(client, case, agent, supervisor) -> None:
    case.customer.name = '<img src=x onerror="alert(1)">'
    case.customer.save()
    case.desired_outcome = "<script>alert('want')</script>"
    case.save()
    propose(case, agent, "120", reason="<b>bold</b> & more")
    client.force_login(supervisor)

    page = client.get(reverse("resolutions:approvals")).content.decode()

    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;want&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page

"""The case list: search by reference, customer name, email or phone; filter; page by key."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Status
from tests.factories import AgentFactory, ComplaintFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    page = response.content.decode()
    return [line.split('">')[1].split("<")[0] for line in page.split('<a href="/cases/RD-')[1:]]


def test_cases_are_found_by_reference_name_email_and_phone(agent_client) -> None:
    fatima = CustomerFactory(name="Fatima Ali", email="fatima@example.com", phone="+447700900555")
    hers = ComplaintFactory(customer=fatima)
    other = ComplaintFactory(customer=CustomerFactory(name="Lucas Martin"))

    for query in [hers.reference, "fati", "FATIMA@example.com", "07700900555"]:
        found = references(agent_client.get("/cases/", {"q": query}))
        assert found == [hers.reference], query
    assert other.reference in references(agent_client.get("/cases/"))


def test_cases_are_filtered_by_status_and_owner(agent_client, agent) -> None:
    mine = ComplaintFactory(owner=agent, status=Status.INVESTIGATING)
    unowned = ComplaintFactory(owner=None)
    theirs = ComplaintFactory(owner=AgentFactory(), status=Status.INVESTIGATING)

    assert references(agent_client.get("/cases/", {"owner": "me"})) == [mine.reference]
    assert references(agent_client.get("/cases/", {"owner": "none"})) == [unowned.reference]
    assert set(references(agent_client.get("/cases/", {"status": "investigating"}))) == {
        mine.reference,
        theirs.reference,
    }


def test_the_list_pages_by_key_and_counts_no_further_than_a_cap(agent_client) -> None:
    now = timezone.now()
    cases = [ComplaintFactory(received_at=now - timedelta(minutes=i)) for i in range(60)]
    # Two cases received at the same moment are both shown, in id order, across a page break.
    newest_first = [c.reference for c in cases]

    with CaptureQueriesContext(connection) as queries:
        first = agent_client.get("/cases/")
    counts = [q["sql"].upper() for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the urgency counts are shown"
    assert all("LIMIT 1000" in sql for sql in counts), counts
    assert not any("OFFSET" in q["sql"].upper() for q in queries)
    seen = references(first)
    assert seen == newest_first[:25]
    page = first.content.decode()
    next_link = page.split('href="/cases/?')[-1].split('"')[0].replace("&amp;", "&")
    second = agent_client.get("/cases/?" + next_link)
    seen += references(second)
    third_link = second.content.decode().split('href="/cases/?')[-1].split('"')[0].replace("&amp;", "&")
    third = agent_client.get("/cases/?" + third_link)
    seen += references(third)
    assert seen == newest_first
    assert "Next page" not in third.content.decode()


def test_ties_on_received_time_are_not_lost_between_pages(agent_client) -> None:
    moment = timezone.now()
    cases = [ComplaintFactory(received_at=moment) for _ in range(30)]
    first = agent_client.get("/cases/")
    link = first.content.decode().split('href="/cases/?')[-1].split('"')[0].replace("&amp;", "&")
    seen = references(first) + references(agent_client.get("/cases/?" + link))
    assert sorted(seen) == sorted(c.reference for c in cases)


def test_a_tampered_cursor_starts_from_the_top(agent_client) -> None:
    case = ComplaintFactory()
    assert references(agent_client.get("/cases/", {"after": "nonsense"})) == [case.reference]


def test_what_a_customer_typed_as_their_name_is_shown_escaped_in_every_case_table(client) -> None:
    agent = AgentFactory()
    name = '<script>alert("x")</script> & O\'Brien'
    case = ComplaintFactory(customer=CustomerFactory(name=name), owner=agent)
    client.force_login(agent)

    for path in ("/cases/", "/", f"/cases/?q={case.reference}"):
        page = client.get(path).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#x27;Brien" in page, path
        assert "<script>alert" not in page, path

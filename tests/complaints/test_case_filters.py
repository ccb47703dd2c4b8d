"""The case list's filters, its order by due time, urgency in words, saved filters, CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import SavedFilter, Status
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    ComplaintFactory,
    CustomerFactory,
    UserFactory,
    channel,
    severity,
)

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    page = response.content.decode()
    return [chunk.split('">')[1].split("<")[0] for chunk in page.split('<a href="/cases/RD-')[1:]]


def overdue_case(**fields):
    now = timezone.now()
    return ComplaintFactory(
        received_at=now - timedelta(days=3),
        first_response_due_at=now - timedelta(days=2),
        resolution_due_at=now - timedelta(hours=1),
        **fields,
    )


def at_risk_case(**fields):
    now = timezone.now()
    return ComplaintFactory(
        received_at=now - timedelta(hours=9),
        first_responded_at=now - timedelta(hours=8),
        resolution_due_at=now + timedelta(hours=1),
        **fields,
    )


def every_page(client, params: dict[str, str]) -> tuple[list[str], list[list[dict[str, str]]]]:
    """The references of every page of the list, following its "Next page" links, and the queries
    of each page after the first."""
    seen: list[str] = []
    later: list[list[dict[str, str]]] = []
    response = client.get("/cases/", params)
    while True:
        seen += references(response)
        page = response.content.decode()
        if "Next page" not in page:
            return seen, later
        link = page.split('href="/cases/?')[-1].split('"')[0].replace("&amp;", "&")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/cases/?" + link)
        later.append(list(queries.captured_queries))


def on_time_case(**fields):
    now = timezone.now()
    return ComplaintFactory(
        received_at=now - timedelta(hours=1),
        first_responded_at=now,
        resolution_due_at=now + timedelta(days=5),
        **fields,
    )


def test_each_filter_narrows_the_list(agent_client, agent) -> None:
    billing = CategoryFactory(name="Billing")
    by_category = ComplaintFactory(category=billing)
    by_severity = ComplaintFactory(severity=severity("critical"))
    by_channel = ComplaintFactory(channel=channel("web"))
    mine = ComplaintFactory(owner=agent, status=Status.INVESTIGATING)
    finished = ComplaintFactory(status=Status.CLOSED)

    assert references(agent_client.get("/cases/", {"category": billing.pk})) == [by_category.reference]
    assert references(agent_client.get("/cases/", {"severity": severity("critical").pk})) == [
        by_severity.reference
    ]
    assert references(agent_client.get("/cases/", {"channel": channel("web").pk})) == [by_channel.reference]
    assert references(agent_client.get("/cases/", {"owner": "me"})) == [mine.reference]
    assert references(agent_client.get("/cases/", {"status": "finished"})) == [finished.reference]
    assert finished.reference not in references(agent_client.get("/cases/", {"status": "open"}))


def test_received_dates_bound_the_list_in_the_portal_time_zone(agent_client) -> None:
    now = timezone.now()
    old = ComplaintFactory(received_at=now - timedelta(days=40))
    recent = ComplaintFactory(received_at=now - timedelta(days=2))
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert references(agent_client.get("/cases/", {"received_from": since})) == [recent.reference]
    assert references(agent_client.get("/cases/", {"received_to": until})) == [old.reference]


def test_a_reversed_date_range_is_shown_beside_the_field_and_keeps_what_was_typed(agent_client) -> None:
    response = agent_client.get("/cases/", {"received_from": "2026-03-10", "received_to": "2026-03-01"})
    page = response.content.decode()
    assert "The end date is before the start date." in page
    assert 'value="2026-03-01"' in page and 'aria-describedby="id_received_to_error"' in page


def test_overdue_and_at_risk_cases_are_filtered_and_marked_in_words(agent_client) -> None:
    late, risky, fine = overdue_case(), at_risk_case(), on_time_case()

    assert references(agent_client.get("/cases/", {"urgency": "overdue"})) == [late.reference]
    assert references(agent_client.get("/cases/", {"urgency": "at_risk"})) == [risky.reference]
    assert set(references(agent_client.get("/cases/", {"urgency": "attention"}))) == {
        late.reference,
        risky.reference,
    }
    page = agent_client.get("/cases/").content.decode()
    row = {
        ref: page.split(f">{ref}</a>")[1].split("</tr>")[0]
        for ref in (late.reference, risky.reference, fine.reference)
    }
    assert "Overdue" in row[late.reference]
    assert "At risk" in row[risky.reference]
    assert "Overdue" not in row[fine.reference] and "At risk" not in row[fine.reference]
    assert "1 overdue" in page and "1 at risk" in page


def test_sorting_by_due_time_puts_the_most_urgent_first_and_cases_without_a_clock_last(agent_client) -> None:
    now = timezone.now()
    timed = [
        ComplaintFactory(
            received_at=now - timedelta(days=1),
            resolution_due_at=now + timedelta(hours=h),
            first_responded_at=now,
        )
        for h in range(30, 0, -1)
    ]
    finished = [ComplaintFactory(status=Status.CLOSED) for _ in range(3)]
    urgent_first = [c.reference for c in reversed(timed)] + [c.reference for c in reversed(finished)]

    seen, _ = every_page(agent_client, {"sort": "due"})
    assert seen == urgent_first


def test_a_deep_page_starts_inside_the_index_with_a_row_comparison(agent_client) -> None:
    now = timezone.now()
    for i in range(30):
        ComplaintFactory(received_at=now - timedelta(minutes=i))
    first = agent_client.get("/cases/").content.decode()
    link = first.split('href="/cases/?')[-1].split('"')[0].replace("&amp;", "&")
    with CaptureQueriesContext(connection) as queries:
        agent_client.get("/cases/?" + link)
    listing = next(q["sql"] for q in queries if "ORDER BY" in q["sql"] and "LIMIT 26" in q["sql"])
    assert '(("complaints_complaint"."received_at", "complaints_complaint"."id") < (' in listing
    assert " OR " not in listing


def test_the_at_risk_list_pages_newest_first_choosing_each_pages_keys_from_the_index(agent_client) -> None:
    now = timezone.now()
    risky = [
        ComplaintFactory(
            received_at=now - timedelta(hours=9, minutes=i),
            first_responded_at=now - timedelta(hours=8),
            resolution_due_at=now + timedelta(hours=1),
        )
        for i in range(30)
    ]
    for _ in range(5):
        on_time_case()
        overdue_case()

    seen, later_pages = every_page(agent_client, {"urgency": "at_risk"})
    assert seen == [c.reference for c in risky]
    assert later_pages
    for queries in later_pages:
        listing = next(q["sql"] for q in queries if "LIMIT 26" in q["sql"])
        # The page's keys in a subquery that reads only the index's columns.
        keys = listing.split(" IN (SELECT ")[1]
        assert keys.startswith('U0."id" AS "pk" FROM "complaints_complaint" U0 WHERE') and "JOIN" not in keys


def test_the_list_costs_the_same_queries_whatever_the_rows(agent_client) -> None:
    def queries_for_list() -> int:
        agent_client.get("/cases/")  # the filter bar's choices are read once a minute, not per page
        with CaptureQueriesContext(connection) as queries:
            assert agent_client.get("/cases/").status_code == 200
        return len(queries)

    category, owner, customer = CategoryFactory(), AgentFactory(), CustomerFactory()
    ComplaintFactory(category=category)
    few = queries_for_list()
    for _ in range(30):
        overdue_case(owner=owner, customer=customer, category=category)
    assert queries_for_list() == few
    # Session, user with roles; the page of cases; both urgency counts in one; the saved filters.
    assert few == 5


def test_saved_filters_belong_to_the_person_who_saved_them(agent_client, agent) -> None:
    response = agent_client.post(
        "/cases/filters/", {"name": "My overdue", "query": "owner=me&urgency=overdue&evil=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/cases/?owner=me&urgency=overdue"
    saved = SavedFilter.objects.get(user=agent)
    assert saved.query == "owner=me&urgency=overdue"
    page = agent_client.get("/cases/").content.decode()
    assert 'href="/cases/?owner=me&amp;urgency=overdue">My overdue</a>' in page

    colleague = Client()
    colleague.force_login(AgentFactory())
    assert "My overdue" not in colleague.get("/cases/").content.decode()
    assert colleague.post(f"/cases/filters/{saved.pk}/delete/").status_code == 404
    agent_client.post(f"/cases/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.exists()


def test_saving_under_a_name_already_used_replaces_it(agent_client, agent) -> None:
    agent_client.post("/cases/filters/", {"name": "Mine", "query": "owner=me"})
    agent_client.post("/cases/filters/", {"name": " Mine ", "query": "owner=me&sort=due"})
    assert list(SavedFilter.objects.values_list("name", "query")) == [("Mine", "owner=me&sort=due")]


def test_the_csv_export_streams_the_filtered_cases(agent_client) -> None:
    billing = CategoryFactory(name="Billing")
    late = overdue_case(category=billing, customer=CustomerFactory(name='=HYPERLINK("http://x")'))
    ComplaintFactory(category=CategoryFactory(name="Delivery"))

    response = agent_client.get("/cases/export.csv", {"category": billing.pk})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["reference", "received", "customer"]
    assert [r[0] for r in rows[1:]] == [late.reference]
    assert rows[1][2].startswith("'=")  # a spreadsheet shows it as text, never runs it
    assert rows[1][-1] == "Overdue"


def test_the_csv_export_follows_the_same_access_rule_as_the_list(client) -> None:
    ComplaintFactory()
    assert client.get("/cases/export.csv")["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())  # signed in, but not in the service team
    assert client.get("/cases/export.csv").status_code == 403
    assert client.get("/cases/").status_code == 403


def test_the_csv_export_of_a_search_holds_the_matches(agent_client) -> None:
    match = ComplaintFactory(customer=CustomerFactory(name="Ngozi Okafor"))
    ComplaintFactory(customer=CustomerFactory(name="Tom Smith"))
    response = agent_client.get("/cases/export.csv", {"q": "Okafor"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[0] for r in rows[1:]] == [match.reference]


def test_lists_of_other_filter_values_and_other_owners_each_show_their_own_cases(settings) -> None:
    # Each list's reads are compiled once per process and shape (`portal.baked.Over`). With the
    # tests' check of every call against a fresh compile off, the shapes alone keep them apart.
    settings.BAKED_READS_CHECKED = False
    billing, delivery = CategoryFactory(name="Billing"), CategoryFactory(name="Delivery")
    ana, ben = AgentFactory(), AgentFactory()
    anas = ComplaintFactory(category=billing, owner=ana)
    bens = ComplaintFactory(category=delivery, owner=ben)
    client = Client()
    client.force_login(ana)
    assert references(client.get(f"/cases/?category={billing.pk}")) == [anas.reference]
    assert references(client.get(f"/cases/?category={delivery.pk}")) == [bens.reference]
    assert references(client.get("/cases/?owner=me")) == [anas.reference]
    client.force_login(ben)
    assert references(client.get("/cases/?owner=me")) == [bens.reference]
    assert references(client.get(f"/cases/?category={billing.pk}")) == [anas.reference]

"""The customer's choice by link: emailed options, a signed expiring page, POST only acts."""

import re
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from complaints.models import EventKind, Status
from outbox.testing import flush_outbox
from resolutions.models import SolutionOffered
from resolutions.services.choices import choice_token, send_solution_options
from resolutions.services.resolving import SolutionInput, resolve_complaint
from tests.factories import kind, root_cause
from tests.resolutions.test_resolving import ALL_STEPS

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(case, agent):
    return send_solution_options(
        complaint=case,
        actor=agent,
        solutions=[
            SolutionInput(kind=kind("replacement"), details="New kettle by Friday", value=Decimal("39.99")),
            SolutionInput(kind=kind("store_credit"), details="£50 store credit", value=Decimal("50")),
        ],
    )


def test_the_options_email_carries_a_signed_link_to_the_choice_page(case, agent, mailoutbox) -> None:
    send_solution_options(
        complaint=case,
        actor=agent,
        solutions=[SolutionInput(kind=kind("refund"), details="Full refund", value=Decimal("39.99"))],
    )
    assert mailoutbox == [], "written to the outbox, not sent in the request"
    case.refresh_from_db()
    assert case.status == Status.SOLUTION_PROPOSED

    flush_outbox()
    (message,) = mailoutbox
    assert message.to == [case.customer.email]
    link = re.search(r"http://\S+/choose/\S+/", message.body)
    assert link is not None and "Full refund" in message.body


def test_opening_the_link_changes_nothing_and_posting_a_choice_records_it(
    client, case, offers, mailoutbox
) -> None:
    url = reverse("resolutions:choose", args=[choice_token(case)])

    page = client.get(url)
    assert page.status_code == 200 and "New kettle by Friday" in page.content.decode()
    assert not SolutionOffered.objects.filter(chosen=True).exists()

    response = client.post(url, {"solution": offers[1].pk})

    assert "You chose" in response.content.decode()
    offers[1].refresh_from_db()
    assert offers[1].chosen and offers[1].chosen_by_customer_at is not None
    event = case.events.get(kind=EventKind.CHOICE)
    assert event.who == "Customer" and "store credit" in event.note
    flush_outbox()
    assert mailoutbox[-1].to == [case.owner.email]


def test_the_customer_may_change_their_mind_before_the_case_is_resolved(client, case, offers) -> None:
    url = reverse("resolutions:choose", args=[choice_token(case)])
    client.post(url, {"solution": offers[1].pk})
    client.post(url, {"solution": offers[0].pk})
    assert list(SolutionOffered.objects.filter(chosen=True)) == [offers[0]]


def test_a_choice_not_offered_on_this_case_is_refused(client, case, offers) -> None:
    url = reverse("resolutions:choose", args=[choice_token(case)])
    response = client.post(url, {"solution": "999999"})
    assert "Choose one of the options shown" in response.content.decode()
    response = client.post(url, {"solution": "not a number"})
    assert "Choose one of the options shown" in response.content.decode()
    assert not SolutionOffered.objects.filter(chosen=True).exists()


def test_a_tampered_or_expired_link_is_refused_with_a_reason(client, case, offers) -> None:
    token = choice_token(case)
    tampered = client.get(reverse("resolutions:choose", args=[token[:-2] + "xx"]))
    assert tampered.status_code == 403 and "not valid" in tampered.content.decode()

    with time_machine.travel("2100-01-01", tick=False):
        expired = client.post(reverse("resolutions:choose", args=[token]), {"solution": offers[0].pk})
    assert expired.status_code == 403 and "expired" in expired.content.decode()
    assert not SolutionOffered.objects.filter(chosen=True).exists()


def resolve_as_the_customer_chose(case, agent, *, outcome: str):  # type: ignore[no-untyped-def]
    """Resolve with no solution of its own: the one the customer chose by link is taken."""
    return resolve_complaint(
        complaint=case,
        actor=agent,
        idempotency_key=uuid.uuid4(),
        steps=ALL_STEPS,
        solutions=[],
        chosen=None,
        outcome=outcome,
        root_cause=root_cause("delivery"),
        preventable=False,
    )


def test_resolving_takes_the_customers_choice_made_by_link(client, case, agent, offers) -> None:
    client.post(reverse("resolutions:choose", args=[choice_token(case)]), {"solution": offers[1].pk})

    resolution = resolve_as_the_customer_chose(case, agent, outcome="Store credit issued.")
    assert resolution.chosen_solution == offers[1]
    assert resolution.solutions.count() == 2

    after = client.get(reverse("resolutions:choose", args=[choice_token(case)]))
    assert "already resolved" in after.content.decode()


def test_the_case_page_lists_options_sent_until_a_resolution_takes_them(client, case, agent, offers) -> None:
    client.force_login(agent)
    page = client.get(reverse("complaints:detail", args=[case.reference])).content.decode()
    sent = page.split("Options sent to the customer", 1)[1]
    assert "New kettle by Friday" in sent and "£50 store credit" in sent

    client.post(reverse("resolutions:choose", args=[choice_token(case)]), {"solution": offers[0].pk})
    resolve_as_the_customer_chose(case, agent, outcome="Kettle replaced.")
    page = client.get(reverse("complaints:detail", args=[case.reference])).content.decode()
    assert "Options sent to the customer" not in page
    resolution = page.split('class="mb-3 resolution"', 1)[1]
    assert "New kettle by Friday (39.99 GBP) <strong>— chosen</strong>" in resolution
    assert "£50 store credit" in resolution

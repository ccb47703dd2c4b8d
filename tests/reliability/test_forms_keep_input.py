"""A refused form comes back with everything typed and ticked, the error beside it."""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from complaints.models import Complaint
from resolutions.models import CompensationPolicy, CompensationStatus
from resolutions.services.compensation import propose_compensation
from tests.factories import AgentFactory, CategoryFactory, CompensationPolicyFactory, ComplaintFactory, kind

pytestmark = pytest.mark.django_db


def _checked(html: str, reference: str) -> bool:
    tag = re.search(rf'<input[^>]*value="{reference}"[^>]*>', html)
    assert tag, f"no checkbox for {reference}"
    return " checked" in tag.group(0)


def test_a_bulk_reassignment_without_a_new_owner_keeps_the_ticked_cases_and_the_note(
    supervisor_client,
) -> None:
    leaving = AgentFactory()
    ticked = [ComplaintFactory(owner=leaving) for _ in range(2)]
    other = ComplaintFactory(owner=leaving)

    response = supervisor_client.post(
        "/cases/reassign/",
        {
            "cases": [c.reference for c in ticked],
            "note": "Covering Sam's leave",
            "back": f"owner={leaving.pk}",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert all(_checked(html, c.reference) for c in ticked)
    assert not _checked(html, other.reference)
    assert "Covering Sam&#x27;s leave</textarea>" in html
    assert re.search(r'id="id_to_user".*?This field is required', html, re.S)
    assert 'name="back" value="owner=' in html
    assert set(Complaint.objects.values_list("owner", flat=True)) == {leaving.pk}


def test_a_bulk_reassignment_without_ticked_cases_keeps_the_owner_and_note_and_says_what_is_missing(
    supervisor_client,
) -> None:
    ComplaintFactory()
    taking_over = AgentFactory()

    response = supervisor_client.post(
        "/cases/reassign/", {"to_user": taking_over.pk, "note": "Team change", "back": ""}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "tick at least one case above" in html
    assert f'<option value="{taking_over.pk}" selected>' in html
    assert "Team change</textarea>" in html


def test_a_refused_approval_keeps_the_decision_and_the_reason_typed(client, supervisor) -> None:
    category = CategoryFactory(name="Deliveries")
    CompensationPolicy.objects.all().delete()
    CompensationPolicyFactory(category=category)
    agent = AgentFactory()
    waiting = propose_compensation(
        complaint=ComplaintFactory(owner=agent, category=category),
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("300"),  # above the supervisor's 250 too
        currency="GBP",
        reason="Three weeks late",
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(supervisor)

    response = client.post(
        reverse("resolutions:decide", args=[waiting.pk]),
        {f"c{waiting.pk}-decision": "approve", f"c{waiting.pk}-reason": "The customer waited three weeks"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "above your approval limit of 250.00 GBP" in html
    assert "The customer waited three weeks</textarea>" in html
    assert '<option value="approve" selected>' in html
    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.PROPOSED


def test_a_rejection_without_a_reason_is_refused_beside_the_reason(client, supervisor) -> None:
    category = CategoryFactory(name="Deliveries")
    CompensationPolicy.objects.all().delete()
    CompensationPolicyFactory(category=category)
    agent = AgentFactory()
    waiting = propose_compensation(
        complaint=ComplaintFactory(owner=agent, category=category),
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("90"),
        currency="GBP",
        reason="Late",
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(supervisor)

    response = client.post(
        reverse("resolutions:decide", args=[waiting.pk]), {f"c{waiting.pk}-decision": "reject"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(rf'id="id_c{waiting.pk}-reason".*?Give the reason for rejecting it', html, re.S)

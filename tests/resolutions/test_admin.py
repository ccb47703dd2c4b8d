"""Django admin: policies with history, read-only ledger, approval actions through the services."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from resolutions.models import BudgetUsage, CompensationStatus
from resolutions.services.compensation import propose_compensation
from tests.factories import AdminUserFactory, ComplaintFactory, kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return AdminUserFactory(username="ada")


def test_the_admin_pages_for_policies_kinds_causes_and_budget_usage_open(client, admin_user, policy) -> None:
    client.force_login(admin_user)
    for name in (
        "compensationpolicy",
        "compensationkind",
        "rootcause",
        "budgetusage",
        "compensation",
        "resolution",
    ):
        assert client.get(reverse(f"admin:resolutions_{name}_changelist")).status_code == 200, name
    assert (
        client.get(reverse("admin:resolutions_compensationpolicy_history", args=[policy.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:resolutions_budgetusage_add")).status_code == 403


def test_the_approve_action_calls_the_approval_service(client, admin_user, case, agent, policy) -> None:
    policy.monthly_budget = Decimal("900")
    policy.save()
    waiting = propose_compensation(
        complaint=case,
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("300"),
        currency="GBP",
        reason="Broken twice",
        idempotency_key=uuid.uuid4(),
    )
    too_much = propose_compensation(
        complaint=ComplaintFactory(owner=agent, category=case.category),
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("700.00"),
        currency="GBP",
        reason="Broken twice",
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:resolutions_compensation_changelist"),
        {"action": "approve_selected", "_selected_action": [waiting.pk, too_much.pk]},
        follow=True,
    )

    waiting.refresh_from_db()
    too_much.refresh_from_db()
    assert waiting.status == CompensationStatus.APPROVED and waiting.approved_by == admin_user
    assert too_much.status == CompensationStatus.PROPOSED
    assert "Only 600.00 GBP is left" in response.content.decode()
    assert BudgetUsage.objects.get().committed == Decimal("300.00")

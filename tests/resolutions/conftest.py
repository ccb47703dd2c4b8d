"""Fixtures for resolution and compensation tests: a case owned by an agent, in a category whose
policy is the only one that applies (the seeded default is removed so each test states its rules)."""

from decimal import Decimal

import pytest

from complaints.models import Status
from complaints.services.transitions import change_status
from resolutions.models import CompensationPolicy
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CompensationPolicyFactory,
    ComplaintFactory,
    SupervisorFactory,
)


@pytest.fixture
def agent(db):
    return AgentFactory(username="alex")


@pytest.fixture
def supervisor(db):
    return SupervisorFactory(username="morgan")


@pytest.fixture
def category(db):
    return CategoryFactory(name="Deliveries")


@pytest.fixture
def policy(db, category):
    CompensationPolicy.objects.all().delete()
    return CompensationPolicyFactory(name="Deliveries policy", category=category)


@pytest.fixture
def case(db, agent, category, policy):
    """An investigating case owned by the agent: ready to be resolved."""
    complaint = ComplaintFactory(owner=agent, category=category)
    change_status(complaint=complaint, to_status=Status.INVESTIGATING, actor=agent)
    return complaint


def gbp(value: str) -> Decimal:
    return Decimal(value)

"""An idempotency key finds a record only on its own case, and only after the permission check."""

import uuid
from decimal import Decimal

import pytest

from complaints.models import Status
from complaints.services.transitions import change_status
from resolutions.errors import ResolutionError
from resolutions.models import Compensation, CompensationPolicy, Resolution
from resolutions.services.compensation import propose_compensation
from tests.factories import AgentFactory, CategoryFactory, CompensationPolicyFactory, ComplaintFactory, kind
from tests.resolutions.test_resolving import resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    category = CategoryFactory(name="Deliveries")
    CompensationPolicy.objects.all().delete()
    CompensationPolicyFactory(category=category)
    return category


def _investigating(owner, category):  # type: ignore[no-untyped-def]
    complaint = ComplaintFactory(owner=owner, category=category)
    change_status(complaint=complaint, to_status=Status.INVESTIGATING, actor=owner)
    return complaint


def _propose(case, actor, key):  # type: ignore[no-untyped-def]
    return propose_compensation(
        complaint=case,
        actor=actor,
        kind=kind("refund"),
        amount=Decimal("20"),
        currency="GBP",
        reason="Late",
        idempotency_key=key,
    )


def test_a_resolution_key_sent_with_someone_elses_case_is_refused_not_answered(category) -> None:
    alex, sam = AgentFactory(), AgentFactory()
    key = uuid.uuid4()
    resolve(_investigating(alex, category), alex, idempotency_key=key)

    with pytest.raises(ResolutionError, match="cannot work on this case"):
        resolve(_investigating(alex, category), sam, idempotency_key=key)


def test_a_resolution_key_reused_on_another_of_ones_own_cases_is_refused(category) -> None:
    alex = AgentFactory()
    key = uuid.uuid4()
    resolve(_investigating(alex, category), alex, idempotency_key=key)
    second = _investigating(alex, category)

    with pytest.raises(ResolutionError, match="already sent for another case"):
        resolve(second, alex, idempotency_key=key)

    assert not Resolution.objects.filter(complaint=second).exists()


def test_a_double_submit_on_the_same_case_still_returns_the_first_resolution(category) -> None:
    alex = AgentFactory()
    case = _investigating(alex, category)
    key = uuid.uuid4()

    first = resolve(case, alex, idempotency_key=key)
    again = resolve(case, alex, idempotency_key=key)

    assert again.pk == first.pk
    assert Resolution.objects.count() == 1


def test_a_compensation_key_sent_with_someone_elses_case_is_refused_not_answered(category) -> None:
    alex, sam = AgentFactory(), AgentFactory()
    key = uuid.uuid4()
    _propose(_investigating(alex, category), alex, key)

    with pytest.raises(ResolutionError, match="cannot work on this case"):
        _propose(_investigating(alex, category), sam, key)


def test_a_compensation_key_reused_on_another_case_is_refused_and_a_double_submit_is_answered(
    category,
) -> None:
    alex = AgentFactory()
    key = uuid.uuid4()
    case = _investigating(alex, category)
    first = _propose(case, alex, key)

    assert _propose(case, alex, key).pk == first.pk
    with pytest.raises(ResolutionError, match="already sent for another case"):
        _propose(_investigating(alex, category), alex, key)
    assert Compensation.objects.count() == 1

"""Which policy applies: the most specific scope wins, only within its effective dates."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from resolutions.errors import ResolutionError
from resolutions.models import CompensationPolicy
from resolutions.services.compensation import check_amount
from resolutions.services.policies import applicable_policy, pick_most_specific
from tests.factories import CategoryFactory, CompensationPolicyFactory, ComplaintFactory, kind, severity


@pytest.fixture
def no_default_policy(db):
    CompensationPolicy.objects.all().delete()


@pytest.mark.django_db
def test_the_most_specific_policy_wins(no_default_policy) -> None:
    billing = CategoryFactory(name="Billing")
    case = ComplaintFactory(category=billing, severity=severity("high"))
    everyone = CompensationPolicyFactory(name="Everyone")
    assert applicable_policy(complaint=case, on=date(2026, 5, 1)) == everyone

    high = CompensationPolicyFactory(name="High severity", severity=severity("high"))
    assert applicable_policy(complaint=case, on=date(2026, 5, 1)) == high

    billing_policy = CompensationPolicyFactory(name="Billing", category=billing)
    assert applicable_policy(complaint=case, on=date(2026, 5, 1)) == billing_policy

    both = CompensationPolicyFactory(name="Billing, high", category=billing, severity=severity("high"))
    assert applicable_policy(complaint=case, on=date(2026, 5, 1)) == both

    CompensationPolicyFactory(name="Other category", category=CategoryFactory(name="Other"))
    CompensationPolicyFactory(name="Low severity", category=billing, severity=severity("low"))
    assert applicable_policy(complaint=case, on=date(2026, 5, 1)) == both


@pytest.mark.django_db
def test_only_policies_in_effect_on_the_day_apply_and_the_latest_start_wins(no_default_policy) -> None:
    case = ComplaintFactory()
    old = CompensationPolicyFactory(
        name="2025", effective_from=date(2025, 1, 1), effective_to=date(2025, 12, 31)
    )
    new = CompensationPolicyFactory(name="2026", effective_from=date(2026, 1, 1))
    spring = CompensationPolicyFactory(
        name="Spring", effective_from=date(2026, 3, 1), effective_to=date(2026, 5, 31)
    )

    assert applicable_policy(complaint=case, on=date(2024, 6, 1)) is None
    assert applicable_policy(complaint=case, on=date(2025, 12, 31)) == old
    assert applicable_policy(complaint=case, on=date(2026, 1, 1)) == new
    assert applicable_policy(complaint=case, on=date(2026, 4, 1)) == spring
    assert applicable_policy(complaint=case, on=date(2026, 6, 1)) == new


@pytest.mark.django_db
def test_a_policy_with_limits_out_of_order_is_refused(no_default_policy) -> None:
    policy = CompensationPolicy(
        name="Bad",
        agent_limit=Decimal("300"),
        supervisor_limit=Decimal("200"),
        hard_maximum=Decimal("100"),
        effective_from=date(2026, 1, 1),
        effective_to=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        policy.full_clean()
    assert {"agent_limit", "supervisor_limit", "effective_to"} <= set(excinfo.value.message_dict)


@pytest.mark.django_db
def test_every_change_to_a_policy_is_kept_in_its_history(no_default_policy) -> None:
    policy = CompensationPolicyFactory(agent_limit=Decimal("50"))
    policy.agent_limit = Decimal("40")
    policy.save()
    policy.allowed_kinds.remove(kind("store_credit"))

    history = list(policy.history.order_by("history_date", "history_id"))
    assert history[0].agent_limit == Decimal("50") and history[-1].agent_limit == Decimal("40")
    assert kind("store_credit").pk in {k.compensationkind_id for k in history[-2].allowed_kinds.all()}
    assert kind("store_credit").pk not in {k.compensationkind_id for k in history[-1].allowed_kinds.all()}


scopes = st.tuples(st.booleans(), st.booleans(), st.dates(date(2020, 1, 1), date(2030, 1, 1)))


@given(st.lists(scopes, min_size=1, max_size=8))
def test_the_pick_is_never_less_specific_than_any_candidate(specs) -> None:
    candidates = [
        CompensationPolicy(
            pk=i + 1, category_id=1 if cat else None, severity_id=1 if sev else None, effective_from=day
        )
        for i, (cat, sev, day) in enumerate(specs)
    ]
    best = pick_most_specific(candidates)
    assert best is not None

    def scope(p: CompensationPolicy) -> tuple[int, int]:
        # Both beat one; category beats severity; either beats neither.
        return (p.category_id is not None) + (p.severity_id is not None), int(p.category_id is not None)

    assert all(scope(best) >= scope(p) for p in candidates)
    peers = [p for p in candidates if scope(p) == scope(best)]
    assert all(best.effective_from >= p.effective_from for p in peers)


@given(
    st.decimals(
        allow_nan=False,
        allow_infinity=False,
        places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("99999999.99"),
    )
)
def test_any_positive_amount_in_cents_is_accepted_unchanged(amount) -> None:
    assert check_amount(amount, zero_allowed=False) == amount


@given(st.decimals(allow_nan=False, allow_infinity=False, max_value=Decimal("-0.01")))
def test_any_negative_amount_is_refused(amount) -> None:
    with pytest.raises(ResolutionError, match="negative"):
        check_amount(amount, zero_allowed=True)

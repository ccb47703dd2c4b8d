"""Which policy applies to a case: every criterion a policy sets must match; most specific wins."""

from collections.abc import Iterable

from followups.models import FollowUpPolicy
from portal.matching import most_specific


def policy_matches(
    policy: FollowUpPolicy, *, category_id: int | None, severity_rank: int, compensated: bool
) -> bool:
    if policy.category_id is not None and policy.category_id != category_id:
        return False
    if policy.min_severity_id is not None and severity_rank < policy.min_severity.rank:  # type: ignore[union-attr]
        return False
    return policy.compensation_given is None or policy.compensation_given == compensated


def choose_policy(
    policies: Iterable[FollowUpPolicy], *, category_id: int | None, severity_rank: int, compensated: bool
) -> FollowUpPolicy | None:
    """The portal's one rule (`portal.matching`): the matching policy setting the most criteria
    (category before severity before compensation); among equals, the newest."""
    matching = (
        p
        for p in policies
        if policy_matches(p, category_id=category_id, severity_rank=severity_rank, compensated=compensated)
    )
    return most_specific(
        matching, criteria=lambda p: (p.category_id, p.min_severity_id, p.compensation_given)
    )

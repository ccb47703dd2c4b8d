from followups.models.followups import FollowUp, FollowUpCallOutcome, FollowUpChannel, Purpose, State
from followups.models.policies import DelayUnit, FollowUpPolicy, FollowUpStep

__all__ = [
    "DelayUnit",
    "FollowUp",
    "FollowUpCallOutcome",
    "FollowUpChannel",
    "FollowUpPolicy",
    "FollowUpStep",
    "Purpose",
    "State",
]

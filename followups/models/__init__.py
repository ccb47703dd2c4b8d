from followups.models.followups import CallOutcome, Channel, FollowUp, Purpose, State
from followups.models.policies import DelayUnit, FollowUpPolicy, FollowUpStep

__all__ = [
    "CallOutcome",
    "Channel",
    "DelayUnit",
    "FollowUp",
    "FollowUpPolicy",
    "FollowUpStep",
    "Purpose",
    "State",
]

from resolutions.models.policies import BudgetUsage, CompensationPolicy
from resolutions.models.records import (
    COMMITTED_STATUSES,
    LIVE_STATUSES,
    Compensation,
    CompensationStatus,
    Resolution,
    ResolutionStatus,
    SolutionOffered,
)
from resolutions.models.taxonomy import CompensationKind, RecoveryStep, RootCause

__all__ = [
    "COMMITTED_STATUSES",
    "LIVE_STATUSES",
    "BudgetUsage",
    "Compensation",
    "CompensationKind",
    "CompensationPolicy",
    "CompensationStatus",
    "RecoveryStep",
    "Resolution",
    "ResolutionStatus",
    "RootCause",
    "SolutionOffered",
]

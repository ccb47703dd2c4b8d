from insights.models.problems import Problem, ProblemCase, ProblemStatus
from insights.models.rollups import (
    BUCKET_HOURS,
    DailyAgents,
    DailyCases,
    DailyCauses,
    DailyOutcomes,
    RollupState,
)
from insights.models.teams import Team

__all__ = [
    "BUCKET_HOURS",
    "DailyAgents",
    "DailyCases",
    "DailyCauses",
    "DailyOutcomes",
    "Problem",
    "ProblemCase",
    "ProblemStatus",
    "RollupState",
    "Team",
]

"""Demo data of `make run`: the rollups counted and one Problem opened from the largest group."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from insights.models import Problem
from insights.selectors.problems import candidate_problems
from insights.services.problems import link_cases, open_problem
from insights.services.rollups import refresh_all_rollups
from resolutions.models import Resolution


def seed_insights() -> None:
    refresh_all_rollups()
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    if supervisor is None or Problem.objects.exists():
        return
    groups = candidate_problems(today=timezone.localdate(), days=3650, minimum=2, top=1)
    if not groups:
        return
    group = groups[0]
    problem = open_problem(
        actor=supervisor,
        title=f"{group.root_cause} problems in {group.category}",
        description="Opened from the largest group of recurring problems.",
        category_id=group.category_id,
        root_cause_id=group.root_cause_id,
    )
    references = Resolution.objects.filter(
        complaint__category_id=group.category_id, root_cause_id=group.root_cause_id
    ).values_list("complaint__reference", flat=True)
    link_cases(actor=supervisor, problem=problem, references=list(references[:20]))

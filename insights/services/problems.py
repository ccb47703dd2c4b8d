"""Problems: opening one, linking cases and lessons to it, recording its corrective action."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction

from accounts.roles import Role, has_role
from complaints.access import visible_complaints
from insights.errors import InsightsError
from insights.models import Problem, ProblemCase, ProblemStatus
from resolutions.models import Resolution


def _check_supervisor(actor: User) -> None:
    if not has_role(actor, Role.SUPERVISOR):
        raise InsightsError("Only supervisors and admins manage problems.")


@transaction.atomic
def open_problem(*, actor: User, title: str, description: str = "", **signature: object) -> Problem:
    """A new problem; `signature` (category, product, root_cause) is what new cases are matched on."""
    _check_supervisor(actor)
    title = " ".join(title.split())
    if not title:
        raise InsightsError("Give the problem a title.")
    return Problem.objects.create(title=title, description=description.strip(), created_by=actor, **signature)


@transaction.atomic
def link_cases(*, actor: User, problem: Problem, references: list[str]) -> int:
    """Link the cases named by reference; return how many were newly linked. Unknown references
    are refused together, so nothing is linked half-way."""
    _check_supervisor(actor)
    found = dict(visible_complaints(actor).filter(reference__in=references).values_list("reference", "pk"))
    unknown = [ref for ref in references if ref not in found]
    if unknown:
        raise InsightsError(f"No case with the reference {', '.join(unknown[:5])}.")
    if not found:
        raise InsightsError("Name at least one case.")
    links = [ProblemCase(problem=problem, complaint_id=pk, linked_by=actor) for pk in found.values()]
    before = problem.links.count()
    ProblemCase.objects.bulk_create(links, ignore_conflicts=True)
    return problem.links.count() - before


@transaction.atomic
def record_corrective_action(*, actor: User, problem: Problem, action: str, taken_on: date) -> Problem:
    _check_supervisor(actor)
    action = action.strip()
    if not action:
        raise InsightsError("Say what was done.")
    row = Problem.objects.select_for_update().get(pk=problem.pk)
    row.corrective_action = action
    row.corrective_action_on = taken_on
    row.status = ProblemStatus.FIXED
    row.save(update_fields=["corrective_action", "corrective_action_on", "status", "updated_at"])
    return row


@transaction.atomic
def link_lesson(*, actor: User, problem: Problem, resolution: Resolution) -> None:
    _check_supervisor(actor)
    if not resolution.lesson_learned:
        raise InsightsError("This resolution records no lesson.")
    problem.lessons.add(resolution)

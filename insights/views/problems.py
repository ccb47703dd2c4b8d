"""Recurring problems and lessons learned (supervisors and admins)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import role_required
from accounts.roles import Role
from insights.errors import InsightsError
from insights.forms import CorrectiveActionForm, LinkCasesForm, LinkLessonForm, ProblemForm
from insights.models import Problem
from insights.selectors import problems as select
from insights.services import problems as services
from resolutions.models import Resolution


@require_safe
@role_required(Role.SUPERVISOR)
def problem_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "candidates": select.candidate_problems(today=today),
        "similar": select.similar_wording(today=today),
        "problems": Problem.objects.select_related("category", "root_cause")[:100],
        "form": ProblemForm(),
    }
    return render(request, "insights/problems.html", context)


@require_POST
@role_required(Role.SUPERVISOR)
def problem_create(request: HttpRequest) -> HttpResponse:
    form = ProblemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The problem needs a title.")
        return redirect("insights:problems")
    data = form.cleaned_data
    try:
        problem = services.open_problem(
            actor=request.user,  # type: ignore[arg-type]  # signed in: role_required
            title=data["title"],
            description=data["description"],
            category=data["category"],
            product=data["product"],
            root_cause=data["root_cause"],
        )
    except InsightsError as error:
        messages.error(request, str(error))
        return redirect("insights:problems")
    return redirect("insights:problem", pk=problem.pk)


@require_safe
@role_required(Role.SUPERVISOR)
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.select_related("category", "product", "root_cause"), pk=pk)
    weekly = select.weekly_before_after(problem)
    context = {
        "problem": problem,
        "weekly": weekly,
        "cases": select.problem_cases(problem, request.user).order_by("-received_at")[:200],
        "suggested": select.suggested_cases(problem),
        "lessons": problem.lessons.select_related("complaint"),
        "link_form": LinkCasesForm(),
        "action_form": CorrectiveActionForm(
            initial={
                "corrective_action": problem.corrective_action,
                "corrective_action_on": problem.corrective_action_on,
            }
        ),
    }
    return render(request, "insights/problem.html", context)


@require_POST
@role_required(Role.SUPERVISOR)
def problem_link(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem, pk=pk)
    form = LinkCasesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Name at least one case by its reference.")
        return redirect("insights:problem", pk=pk)
    try:
        linked = services.link_cases(
            actor=request.user,  # type: ignore[arg-type]  # signed in: role_required
            problem=problem,
            references=form.cleaned_data["references"],
        )
    except InsightsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{linked} case(s) linked.")
    return redirect("insights:problem", pk=pk)


@require_POST
@role_required(Role.SUPERVISOR)
def problem_action(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem, pk=pk)
    form = CorrectiveActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was done and when.")
        return redirect("insights:problem", pk=pk)
    try:
        services.record_corrective_action(
            actor=request.user,  # type: ignore[arg-type]  # signed in: role_required
            problem=problem,
            action=form.cleaned_data["corrective_action"],
            taken_on=form.cleaned_data["corrective_action_on"],
        )
    except InsightsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Corrective action recorded.")
    return redirect("insights:problem", pk=pk)


@require_safe
@role_required(Role.SUPERVISOR)
def lesson_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    context = {"lessons": select.lessons(q=q), "q": q, "link_form": LinkLessonForm()}
    return render(request, "insights/lessons.html", context)


@require_POST
@role_required(Role.SUPERVISOR)
def lesson_link(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = get_object_or_404(Resolution, pk=pk)
    form = LinkLessonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a problem.")
        return redirect("insights:lessons")
    try:
        services.link_lesson(
            actor=request.user,  # type: ignore[arg-type]  # signed in: role_required
            problem=form.cleaned_data["problem"],
            resolution=resolution,
        )
    except InsightsError as error:
        messages.error(request, str(error))
        return redirect("insights:lessons")
    messages.success(request, "Lesson linked to the problem.")
    return redirect("insights:problem", pk=form.cleaned_data["problem"].pk)

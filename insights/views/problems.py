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
    return _problems_page(request, ProblemForm())


def _problems_page(request: HttpRequest, form: ProblemForm) -> HttpResponse:
    """The list with the new-problem form; after a refusal the form keeps what was typed, the
    error beside the field (400, as the page is the answer)."""
    today = timezone.localdate()
    context = {
        "candidates": select.candidate_problems(today=today),
        "similar": select.similar_wording(today=today),
        "problems": Problem.objects.select_related("category", "root_cause")[:100],
        "form": form,
    }
    return render(request, "insights/problems.html", context, status=400 if form.is_bound else 200)


@require_POST
@role_required(Role.SUPERVISOR)
def problem_create(request: HttpRequest) -> HttpResponse:
    form = ProblemForm(request.POST)
    if not form.is_valid():
        return _problems_page(request, form)
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
        form.add_error(None, str(error))
        return _problems_page(request, form)
    return redirect("insights:problem", pk=problem.pk)


@require_safe
@role_required(Role.SUPERVISOR)
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _problem_page(request, _problem(pk))


def _problem(pk: int) -> Problem:
    return get_object_or_404(Problem.objects.select_related("category", "product", "root_cause"), pk=pk)


def _problem_page(
    request: HttpRequest,
    problem: Problem,
    *,
    link_form: LinkCasesForm | None = None,
    action_form: CorrectiveActionForm | None = None,
) -> HttpResponse:
    """The problem's page; a refused form comes back bound, with what was typed and its errors."""
    context = {
        "problem": problem,
        "weekly": select.weekly_before_after(problem),
        "cases": select.problem_cases(problem, request.user).order_by("-received_at")[:200],
        "suggested": select.suggested_cases(problem),
        "lessons": problem.lessons.select_related("complaint"),
        "link_form": link_form or LinkCasesForm(),
        "action_form": action_form
        or CorrectiveActionForm(
            initial={
                "corrective_action": problem.corrective_action,
                "corrective_action_on": problem.corrective_action_on,
            }
        ),
    }
    refused = bool(link_form or action_form)
    return render(request, "insights/problem.html", context, status=400 if refused else 200)


@require_POST
@role_required(Role.SUPERVISOR)
def problem_link(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(pk)
    form = LinkCasesForm(request.POST)
    if not form.is_valid():
        return _problem_page(request, problem, link_form=form)
    try:
        linked = services.link_cases(
            actor=request.user,  # type: ignore[arg-type]  # signed in: role_required
            problem=problem,
            references=form.cleaned_data["references"],
        )
    except InsightsError as error:  # an unknown reference: said beside what was typed
        form.add_error("references", str(error))
        return _problem_page(request, problem, link_form=form)
    messages.success(request, f"{linked} case(s) linked.")
    return redirect("insights:problem", pk=pk)


@require_POST
@role_required(Role.SUPERVISOR)
def problem_action(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(pk)
    form = CorrectiveActionForm(request.POST)
    if not form.is_valid():
        return _problem_page(request, problem, action_form=form)
    try:
        services.record_corrective_action(
            actor=request.user,  # type: ignore[arg-type]  # signed in: role_required
            problem=problem,
            action=form.cleaned_data["corrective_action"],
            taken_on=form.cleaned_data["corrective_action_on"],
        )
    except InsightsError as error:
        form.add_error(None, str(error))
        return _problem_page(request, problem, action_form=form)
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

"""Agent pages on one case: resolve, propose compensation, send options, reopen, issue."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from complaints.access import visible_cases_q
from complaints.models import Complaint
from complaints.services.reopening import reopen_complaint
from resolutions.forms import (
    CompensationForm,
    IssueForm,
    ProposeCompensationForm,
    ReasonForm,
    ResolveForm,
    solution_formset,
)
from resolutions.models import Compensation, CompensationKind, SolutionOffered
from resolutions.services.choices import send_solution_options
from resolutions.services.compensation import issue_compensation, propose_compensation
from resolutions.services.policies import applicable_policy, budget_status
from resolutions.services.resolving import CompensationInput, StepsTaken, resolve_complaint
from resolutions.views.common import case_to_work_on, solution_inputs
from resolutions.views.refusals import attempt


def _case_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.reference])


def _policy_context(complaint: Complaint) -> dict[str, Any]:
    policy = applicable_policy(complaint=complaint)
    budget = budget_status(policy=policy, category_id=complaint.category_id) if policy else None
    return {"policy": policy, "budget": budget}


@role_required()
def resolve(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = case_to_work_on(request, reference)
    open_offers = list(
        SolutionOffered.objects.filter(complaint=complaint, resolution__isnull=True).select_related("kind")
    )
    data = request.POST if request.method == "POST" else None
    solutions = solution_formset(data)
    form = ResolveForm(data, open_offers=open_offers, row_count=solutions.total_form_count())
    compensation = CompensationForm(data, prefix="compensation")
    if request.method == "POST" and form.is_valid() & solutions.is_valid() & compensation.is_valid():
        inputs, index_of_row = solution_inputs(solutions.filled_forms())
        comp = compensation.cleaned_data if compensation.is_filled else None
        resolution = attempt(
            lambda: resolve_complaint(
                complaint=complaint,
                actor=request.user,  # type: ignore[arg-type]
                idempotency_key=form.cleaned_data["idempotency_key"],
                steps=StepsTaken(**{k: form.cleaned_data[k] for k in StepsTaken.__dataclass_fields__}),
                solutions=inputs,
                chosen=form.chosen(index_of_row),
                outcome=form.cleaned_data["outcome"],
                root_cause=form.cleaned_data["root_cause"],
                preventable=form.cleaned_data["preventable"],
                lesson_learned=form.cleaned_data["lesson_learned"],
                compensation=CompensationInput(**comp) if comp else None,
            ),
            forms_in_order=[form, compensation],
        )
        if resolution is not None:
            if resolution.status == "awaiting_approval":
                messages.success(
                    request,
                    "Resolution recorded. The compensation is above your limit: the case resolves "
                    "when a supervisor approves it.",
                )
            else:
                messages.success(request, "Case resolved. The customer is emailed what was agreed.")
            return redirect(_case_url(complaint))
    return render(
        request,
        "resolutions/resolve.html",
        {
            "complaint": complaint,
            "form": form,
            "solutions": solutions,
            "compensation": compensation,
            "open_offers": open_offers,
            "money_kinds": list(CompensationKind.objects.filter(is_money=True, is_active=True)),
            **_policy_context(complaint),
        },
    )


@role_required()
def propose(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = case_to_work_on(request, reference)
    form = ProposeCompensationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        granted = attempt(
            lambda: propose_compensation(
                complaint=complaint,
                actor=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                amount=data["amount"],
                currency=data["currency"],
                reason=data["reason"],
                idempotency_key=data["idempotency_key"],
            ),
            forms_in_order=[form],
        )
        if granted is not None:
            messages.success(
                request,
                "Compensation approved within your limit."
                if granted.status == "approved"
                else "Compensation sent for approval: the people who may approve it are emailed.",
            )
            return redirect(_case_url(complaint))
    return render(
        request,
        "resolutions/propose.html",
        {"complaint": complaint, "form": form, **_policy_context(complaint)},
    )


@role_required()
def send_options(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = case_to_work_on(request, reference)
    solutions = solution_formset(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST" and solutions.is_valid():
        inputs, _ = solution_inputs(solutions.filled_forms())
        sent = attempt(
            lambda: send_solution_options(complaint=complaint, actor=request.user, solutions=inputs),  # type: ignore[arg-type]
            into=errors,
        )
        if sent is not None:
            messages.success(request, "The options are on their way to the customer.")
            return redirect(_case_url(complaint))
    return render(
        request,
        "resolutions/send_options.html",
        {"complaint": complaint, "solutions": solutions, "errors": errors},
    )


@role_required()
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = case_to_work_on(request, reference)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reopened = attempt(
            lambda: reopen_complaint(
                complaint=complaint,
                reason=form.cleaned_data["reason"],
                actor=request.user,  # type: ignore[arg-type]
            ),
            forms_in_order=[form],
        )
        if reopened is not None:
            messages.success(request, "Case reopened. Its compensation records stay as they were.")
            return redirect(_case_url(complaint))
    return render(request, "resolutions/reopen.html", {"complaint": complaint, "form": form})


@require_POST
@role_required()
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    compensation = get_object_or_404(
        Compensation.objects.filter(visible_cases_q(request.user, via="complaint")).select_related(
            "complaint"
        ),
        pk=pk,
    )
    form = IssueForm(request.POST)
    if form.is_valid():
        issued = attempt(
            lambda: issue_compensation(
                compensation=compensation,
                actor=request.user,  # type: ignore[arg-type]
                external_reference=form.cleaned_data["external_reference"],
            ),
            request=request,
        )
        if issued is not None:
            messages.success(request, "Compensation marked as issued.")
    else:
        messages.error(request, "Enter the external reference of the payment or shipment.")
    return redirect(_case_url(compensation.complaint))

"""The supervisors' approval queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import role_required
from accounts.roles import Role
from complaints.access import visible_cases_q
from resolutions.forms import DecisionForm
from resolutions.models import Compensation, CompensationStatus
from resolutions.services.compensation import approve_compensation, reject_compensation
from resolutions.services.policies import grant_limit


def _awaiting(request: HttpRequest):  # type: ignore[no-untyped-def]
    return (
        Compensation.objects.filter(
            visible_cases_q(request.user, via="complaint"), status=CompensationStatus.PROPOSED
        )
        .select_related("complaint__customer", "complaint__category", "kind", "proposed_by", "policy")
        .order_by("proposed_at")
    )


@require_safe  # a page to read: other methods are refused, never acted on
@role_required(Role.SUPERVISOR)
def approvals(request: HttpRequest) -> HttpResponse:
    return _render(request)


def _render(request: HttpRequest, *, bound: DecisionForm | None = None, pk: int = 0) -> HttpResponse:
    """The queue; after a refused decision, that row keeps the bound form (the choice and the
    reason typed) with the error beside it."""
    rows = [
        (
            c,
            grant_limit(request.user, c.policy),
            bound if c.pk == pk and bound else DecisionForm(prefix=f"c{c.pk}"),
        )
        for c in _awaiting(request)[:100]
    ]
    status = 400 if bound is not None else 200
    return render(request, "resolutions/approvals.html", {"rows": rows}, status=status)


@require_POST
@role_required(Role.SUPERVISOR)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    compensation = get_object_or_404(_awaiting(request), pk=pk)
    form = DecisionForm(request.POST, prefix=f"c{pk}")
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        service = approve_compensation if decision == "approve" else reject_compensation
        try:
            service(compensation=compensation, actor=request.user, reason=form.cleaned_data["reason"])  # type: ignore[operator,arg-type]
        except ValidationError as error:
            # A refusal about a field (the reason) goes beside it; any other above the form.
            about_fields = hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields)
            form.add_error(None, error if about_fields else error.messages)
        else:
            verb = "approved" if decision == "approve" else "rejected"
            messages.success(request, f"Compensation on {compensation.complaint.reference} {verb}.")
            return redirect("resolutions:approvals")
    return _render(request, bound=form, pk=pk)

"""The approval queue: each request with what a decision needs, approved or rejected with a note."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import role_required
from accounts.roles import Role
from resolutions.forms import DecisionForm
from resolutions.models import Compensation
from resolutions.selectors import approval_queue
from resolutions.services.approvers import requests_awaiting
from resolutions.services.compensation import approve_compensation, reject_compensation
from resolutions.views.refusals import attempt


@require_safe  # a page to read: other methods are refused, never acted on
@role_required(Role.SUPERVISOR)
def approvals(request: HttpRequest) -> HttpResponse:
    return _render(request)


def _render(
    request: HttpRequest, *, bound: DecisionForm | None = None, refused: Compensation | None = None
) -> HttpResponse:
    """The queue; after a refused decision, that row keeps the bound form (the choice and the
    note typed) with the error beside it."""
    queue = approval_queue(request.user, now=timezone.now(), cursor=request.GET.get("after", ""))
    # An unbound form is drawn from its kept markup (`approval_cards`): only a refused one is built.
    rows = [(r, bound if refused and r.compensation.pk == refused.pk else None) for r in queue.requests]
    status = 400 if bound is not None else 200
    # A refusal on a request this user's queue does not list (one only an admin may decide).
    listed = refused is not None and any(r.compensation.pk == refused.pk for r in queue.requests)
    elsewhere = (refused, bound) if refused is not None and not listed else None
    context = {
        "rows": rows,
        "waiting_for_an_admin": queue.waiting_for_an_admin,
        "refused_elsewhere": elsewhere,
        "next_cursor": queue.next_cursor,
        "paged": bool(request.GET.get("after")),
    }
    return render(request, "resolutions/approvals.html", context, status=status)


@require_POST
@role_required(Role.SUPERVISOR)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    compensation = get_object_or_404(
        requests_awaiting(request.user).select_related("complaint", "policy", "proposed_by"), pk=pk
    )
    form = DecisionForm(request.POST, prefix=f"c{pk}")
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        service = approve_compensation if decision == "approve" else reject_compensation
        actor = cast(User, request.user)  # behind role_required: a signed-in staff member
        decided = attempt(
            lambda: service(compensation=compensation, actor=actor, reason=form.cleaned_data["reason"]),
            forms_in_order=[form],
        )
        if decided is not None:
            verb = "approved" if decision == "approve" else "rejected"
            proposer = compensation.proposed_by
            who = proposer.get_full_name() or proposer.get_username()
            messages.success(
                request, f"Compensation on {compensation.complaint.reference} {verb}; {who} is told."
            )
            return redirect("resolutions:approvals")
    return _render(request, bound=form, refused=compensation)

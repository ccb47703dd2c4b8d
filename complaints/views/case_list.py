"""Case list and search for agents, paged by key: no OFFSET, no COUNT over the whole table."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import role_required
from accounts.roles import Role
from complaints.access import assignable_users, can_reassign, visible_complaints
from complaints.errors import ComplaintError
from complaints.forms.case_actions import BulkReassignForm
from complaints.forms.case_lists import CaseFilterForm
from complaints.models import Complaint
from complaints.services.intake import find_customers
from complaints.services.ownership import reassign_complaints

PAGE_SIZE = 25


def _cursor(value: str) -> tuple[datetime, int] | None:
    """`after` is "<received_at ISO>_<id>" of the last row shown; anything else starts over."""
    stamp, _, pk = value.rpartition("_")
    try:
        return datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return None


def filtered_cases(user: Any, data: dict[str, Any]) -> QuerySet[Complaint]:
    cases = visible_complaints(user)
    query = data.get("q") or ""
    if query:
        if query.upper().startswith("RD-"):
            cases = cases.filter(reference=query.upper())
        else:
            # Customers first (at most 200, each through its own index), then their cases.
            customers = find_customers(query=query, region=settings.PHONENUMBER_DEFAULT_REGION, limit=200)
            cases = cases.filter(customer_id__in=[c.pk for c in customers])
    if data.get("status"):
        cases = cases.filter(status=data["status"])
    owner = data.get("owner")
    if owner == "none":
        cases = cases.filter(owner__isnull=True)
    elif owner == "me":
        cases = cases.filter(owner_id=user.pk)
    elif owner:
        cases = cases.filter(owner_id=int(owner))
    return cases


@require_safe  # a page to read: other methods are refused, never acted on
@role_required()
def case_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, request.GET)


def _render_list(
    request: HttpRequest,
    params: QueryDict,
    *,
    reassign_form: BulkReassignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The list for the filters in `params`; after a refused reassignment, with the bound form so
    the ticked cases, the new owner and the note come back as they were, errors beside them."""
    form = CaseFilterForm(params or None, owners=assignable_users())
    data = form.cleaned_data if form.is_valid() else {}
    cases = filtered_cases(request.user, data).select_related("customer", "category", "severity", "owner")
    cursor = _cursor(params.get("after", ""))
    if cursor is not None:
        received_at, pk = cursor
        cases = cases.filter(Q(received_at__lt=received_at) | Q(received_at=received_at, id__lt=pk))
    # One row more than shown tells whether there is a next page, without counting.
    rows = list(cases.order_by("-received_at", "-id")[: PAGE_SIZE + 1])
    page, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    next_query = None
    if more:
        next_params = params.copy()
        last = page[-1]
        next_params["after"] = f"{last.received_at.isoformat()}_{last.pk}"
        next_query = next_params.urlencode()
    first_params = params.copy()
    first_params.pop("after", None)
    supervising = can_reassign(request.user)
    if supervising and reassign_form is None:
        reassign_form = BulkReassignForm()
    context = {
        "form": form,
        "cases": page,
        "next_query": next_query,
        "first_query": first_params.urlencode(),
        "back": params.urlencode(),
        "paged": cursor is not None,
        "supervising": supervising,
        "reassign_form": reassign_form if supervising else None,
        "selected": set(request.POST.getlist("cases")) if request.method == "POST" else set(),
    }
    return render(request, "complaints/case_list.html", context, status=status)


@require_POST
@role_required(Role.SUPERVISOR)
def bulk_reassign(request: HttpRequest) -> HttpResponse:
    form = BulkReassignForm(request.POST)
    form.fields["cases"].queryset = visible_complaints(request.user)  # type: ignore[attr-defined]
    # Back to the same filters; re-encoded so nothing but a query string follows the fixed path.
    back = QueryDict(request.POST.get("back", ""))
    if form.is_valid():
        try:
            moved = reassign_complaints(
                complaints=form.cleaned_data["cases"],
                to_user=form.cleaned_data["to_user"],
                actor=request.user,  # type: ignore[arg-type]
                note=form.cleaned_data["note"],
            )
        except ComplaintError as refusal:
            form.add_error(None, str(refusal))
        else:
            new_owner = form.cleaned_data["to_user"]
            messages.success(
                request, f"{len(moved)} case(s) reassigned to {new_owner.get_full_name() or new_owner}."
            )
            query = back.urlencode()
            return redirect(f"{reverse('complaints:list')}?{query}" if query else reverse("complaints:list"))
    return _render_list(request, back, reassign_form=form, status=400)

"""The case list: filters, search, urgency counts, pages by key; supervisors reassign from it."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import role_required
from accounts.roles import Role
from complaints.access import can_reassign, visible_complaints
from complaints.errors import ComplaintError
from complaints.forms.case_actions import BulkReassignForm
from complaints.forms.case_lists import CaseFilterForm, SavedFilterForm, filter_query
from complaints.models import SavedFilter
from complaints.selectors.case_lists import (
    CaseFilters,
    Sort,
    UrgencyFilter,
    filter_cases,
    list_shape,
    newest_page,
    page_of_cases,
)
from complaints.selectors.rows import case_rows, list_rows
from complaints.selectors.search import search_cases
from complaints.selectors.urgency import urgency_counts
from complaints.selectors.vocabularies import filter_choices
from complaints.services.ownership import reassign_complaints
from portal.baked import Over


def read_filters(request: HttpRequest, params: QueryDict) -> tuple[CaseFilterForm, CaseFilters]:
    form = CaseFilterForm(params or None, choices=filter_choices())
    if form.is_bound:
        form.is_valid()
    return form, form.filters()


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
    now = timezone.now()
    form, filters = read_filters(request, params)
    cases = filter_cases(request.user, filters, now=now)
    query = form.cleaned_data.get("q", "") if hasattr(form, "cleaned_data") else ""
    cursor = params.get("after", "")
    counts = None
    # The list's reads are compiled once per process and shape of the list (`portal.baked.Over`).
    over = Over(cases, list_shape(request.user, filters))
    if query:
        page = search_cases(
            cases, query, region=settings.PHONENUMBER_DEFAULT_REGION, cursor=cursor, shape=over.shape
        )
    elif filters.sort == Sort.NEWEST and not filters.urgency:
        page = newest_page(over, cursor=cursor)  # type: ignore[assignment]
    else:
        page = page_of_cases(  # type: ignore[assignment]
            list_rows(cases),
            sort=filters.sort,
            cursor=cursor,
            keys=cases if filters.urgency in (UrgencyFilter.AT_RISK, UrgencyFilter.ATTENTION) else None,
        )
    if not query and not filters.urgency:
        counts = urgency_counts(over, now=now)
    shown = filter_query(params)
    supervising = can_reassign(request.user)
    if supervising and reassign_form is None:
        reassign_form = BulkReassignForm()
    context: dict[str, Any] = {
        "form": form,
        "options": form.options(),
        "cases": case_rows(page.cases, now=now),
        "searching": bool(query),
        "many": getattr(page, "many", False),
        "counts": counts,
        "shown": shown,
        "next_query": _with(shown, after=page.next_cursor) if page.next_cursor else None,
        "paged": bool(cursor),
        "saved_filters": SavedFilter.objects.filter(user=request.user).only("pk", "name", "query"),  # type: ignore[misc]
        "save_form": SavedFilterForm(initial={"query": shown}),
        "supervising": supervising,
        "reassign_form": reassign_form if supervising else None,
        "back": params.urlencode(),
        "selected": set(request.POST.getlist("cases")) if request.method == "POST" else set(),
    }
    return render(request, "complaints/case_list.html", context, status=status)


def _with(query: str, **extra: str) -> str:
    params = QueryDict(query, mutable=True)
    for key, value in extra.items():
        params[key] = value
    return params.urlencode()


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

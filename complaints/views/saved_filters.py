"""Saving and deleting named case list filters (POST only), back to the list they describe."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from complaints.errors import ComplaintError
from complaints.forms.case_lists import SavedFilterForm, filter_query
from complaints.models import SavedFilter
from complaints.services.saved_filters import delete_filter, save_filter
from complaints.views.cases import _actor


def _list_url(query: str) -> str:
    return f"{reverse('complaints:list')}?{query}" if query else reverse("complaints:list")


@require_POST
@role_required()
def save_filter_view(request: HttpRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST)
    # Only the list's own keys are kept, re-encoded: a saved filter is a query string, nothing else.
    query = filter_query(QueryDict(request.POST.get("query", "")))
    if not form.is_valid():
        messages.error(request, "The filters were not saved: give them a name (up to 80 characters).")
        return redirect(_list_url(query))
    try:
        saved = save_filter(user=_actor(request), name=form.cleaned_data["name"], query=query)
    except ComplaintError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Filters saved as “{saved.name}”.")
    return redirect(_list_url(query))


@require_POST
@role_required()
def delete_filter_view(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, user_id=request.user.pk)
    delete_filter(user=_actor(request), saved_filter=saved)
    messages.success(request, f"Saved filter “{saved.name}” deleted.")
    return redirect(_list_url(saved.query))

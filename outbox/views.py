"""Staff pages: undelivered mail (failed, or may have been delivered) and sending one again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from outbox.dispatching import producer_failures
from outbox.errors import OutboxError
from outbox.forms import RetryForm
from outbox.models import Message
from outbox.registry import case_url
from outbox.selectors import needing_attention
from outbox.services import retry_message

PAGE_SIZE = 100


@require_safe
@login_required
@permission_required("outbox.view_message", raise_exception=True)
def attention(request: HttpRequest) -> HttpResponse:
    rows = list(needing_attention()[: PAGE_SIZE + 1])
    for row in rows:
        row.case_url = case_url(row.reference)  # type: ignore[attr-defined]
    return render(
        request,
        "outbox/attention.html",
        {
            "rows": rows[:PAGE_SIZE],
            "more": len(rows) > PAGE_SIZE,
            "page_size": PAGE_SIZE,
            "form": RetryForm(),
            "producer_failures": producer_failures(),
        },
    )


@require_POST
@login_required
@permission_required("outbox.retry_message", raise_exception=True)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    form = RetryForm(request.POST)
    confirmed = form.is_valid() and form.cleaned_data["confirmed"]
    try:
        retry_message(message=message, actor=request.user, confirmed=confirmed)  # type: ignore[arg-type]
    except OutboxError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{message.subject}” to {message.to} is queued to be sent again.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(next_url)
    return redirect("outbox:attention")

"""Agents' pages: calls due (with script and case summary) and follow-ups needing attention."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import role_required
from complaints.access import visible_cases_q
from complaints.errors import ComplaintError
from followups.errors import FollowUpError
from followups.forms import CallOutcomeForm
from followups.models import FollowUp, FollowUpChannel, State
from followups.selectors import attention_rows, calls_overview, failed_page
from followups.services.calls import calls_due, can_record_call, record_call_outcome
from followups.services.operations import retry_followup

# Surveys in doubt are few (at most one per crashed worker process): one page of them is enough.
UNCERTAIN_LIMIT = 100
FAILED_ROW_FIELDS = (
    "channel",
    "failed_at",
    "last_error",
    "complaint__reference",
    "customer__name",
    "customer__email",
)


def _visible_followups(request: HttpRequest):  # type: ignore[no-untyped-def]
    return FollowUp.objects.filter(visible_cases_q(request.user, via="complaint"))


@require_safe  # a page to read: other methods are refused, never acted on
@role_required()
def calls_due_list(request: HttpRequest) -> HttpResponse:
    """Calls on the agent's own cases and the team's calls, each paged on its own (`mine_after`,
    `team_after`), with how many there are and how many are overdue."""
    now = timezone.now()
    mine, team = calls_overview(
        calls_due(request.user, now=now),
        user_id=request.user.pk,  # type: ignore[arg-type]
        now=now,
        mine_after=request.GET.get("mine_after", ""),
        team_after=request.GET.get("team_after", ""),
    )
    return render(request, "followups/calls_due.html", {"mine": mine, "team": team})


def script_for(followup: FollowUp, request: HttpRequest) -> str:
    agent = request.user.get_full_name() or request.user.get_username()  # type: ignore[union-attr]
    return followup.step.call_script.replace("{agent}", agent).replace(
        "{reference}", followup.complaint.reference
    )


@role_required()
def call(request: HttpRequest, pk: int) -> HttpResponse:
    followup = get_object_or_404(
        _visible_followups(request).select_related(
            "complaint", "complaint__owner", "complaint__severity", "complaint__category", "customer", "step"
        ),
        pk=pk,
        channel=FollowUpChannel.CALL,
    )
    form = CallOutcomeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            record_call_outcome(
                followup=followup,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                satisfaction=form.cleaned_data["satisfaction"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except (FollowUpError, ComplaintError) as error:
            # e.g. the case was reopened by the customer while the agent was on the phone, or the
            # call is a colleague's: said on the page, with what was typed, never dropped.
            form.add_error(None, f"{error} Your outcome was not recorded.")
            status = 400
        else:
            messages.success(request, f"Call outcome recorded on {followup.complaint.reference}.")
            return redirect("followups:calls")
    return render(
        request,
        "followups/call.html",
        {
            "followup": followup,
            "complaint": followup.complaint,
            "script": script_for(followup, request),
            "form": form,
            "may_record": followup.state == State.SCHEDULED and can_record_call(request.user, followup),
        },
        status=status,
    )


@require_safe  # a page to read: other methods are refused, never acted on
@role_required()
def failed_list(request: HttpRequest) -> HttpResponse:
    """Surveys that may have been delivered, apart from real failures: only these are safe to resend."""
    visible = _visible_followups(request)
    uncertain = (
        visible.filter(state=State.UNCERTAIN)
        .select_related("complaint", "customer")
        .order_by("-updated_at", "-id")[:UNCERTAIN_LIMIT]
    )
    page = failed_page(
        visible.filter(state=State.FAILED).select_related("complaint", "customer").only(*FAILED_ROW_FIELDS),
        cursor=request.GET.get("after", ""),
    )
    return render(
        request,
        "followups/failed.html",
        {
            "page": page,
            "failed": attention_rows(page.rows, when="failed_at"),
            "paged": bool(request.GET.get("after")),
            "uncertain": attention_rows(uncertain, when="updated_at"),
            "uncertain_limit": UNCERTAIN_LIMIT,
        },
    )


@require_POST
@role_required()
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    followup = get_object_or_404(_visible_followups(request), pk=pk)
    try:
        retry_followup(
            followup=followup,
            actor=request.user,  # type: ignore[arg-type]
            confirmed=request.POST.get("confirmed") == "on",
        )
    except FollowUpError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The follow-up on {followup.complaint.reference} is being sent again.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(next_url)
    return redirect("followups:failed")

"""Agents' pages: calls due (with script and case summary) and failed follow-ups with a retry."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from complaints.access import visible_cases_q
from complaints.errors import ComplaintError
from followups.errors import FollowUpError
from followups.forms import CallOutcomeForm
from followups.models import Channel, FollowUp, State
from followups.selectors import calls_overview, failed_page
from followups.services.calls import calls_due, can_record_call, record_call_outcome
from followups.services.operations import retry_followup

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
        channel=Channel.CALL,
    )
    form = CallOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_call_outcome(
                followup=followup,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except (FollowUpError, ComplaintError) as error:
            # e.g. the case was reopened by the customer while the agent was on the phone.
            form.add_error(None, str(error))
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
    )


@role_required()
def failed_list(request: HttpRequest) -> HttpResponse:
    failed = _visible_followups(request).filter(state=State.FAILED)
    page = failed_page(
        failed.select_related("complaint", "customer").only(*FAILED_ROW_FIELDS),
        cursor=request.GET.get("after", ""),
    )
    return render(request, "followups/failed.html", {"page": page, "paged": bool(request.GET.get("after"))})


@require_POST
@role_required()
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    followup = get_object_or_404(_visible_followups(request), pk=pk)
    try:
        retry_followup(followup=followup, actor=request.user)  # type: ignore[arg-type]
    except FollowUpError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The follow-up is back on the schedule.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(next_url)
    return redirect("followups:failed")

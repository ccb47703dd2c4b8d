"""The agent's queue and the case page with its actions (status, waiting, ownership, notes, calls,
emails). Each action is a POST that calls one service, then redirects, or re-renders the case page
with the errors beside the fields and what was typed kept."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import role_required
from complaints.access import (
    can_claim,
    can_reassign,
    can_transfer,
    can_work_on,
    ensure_may_transfer,
    ensure_may_work_on,
    visible_complaints,
)
from complaints.clock import clock_state
from complaints.errors import ComplaintError, NotAllowed
from complaints.forms.case_actions import CallForm, EmailForm, NoteForm, OwnerForm, StatusForm, WaitingForm
from complaints.models import Complaint
from complaints.selectors.timeline import case_for_page, case_timeline
from complaints.selectors.vocabularies import person_names, with_lookups
from complaints.services.case_emails import queue_case_email
from complaints.services.case_work import add_note, log_call
from complaints.services.ownership import claim_complaint, transfer_complaint
from complaints.services.transitions import change_status
from complaints.services.waiting import start_waiting_on_customer, stop_waiting_on_customer
from outbox.selectors import messages_for_case


def _actor(request: HttpRequest) -> User:
    """Views run behind `role_required`, so the user is a signed-in staff member."""
    return cast(User, request.user)


def _load(request: HttpRequest, reference: str) -> Complaint:
    # Category, severity, channel and emotion come from the kept small tables (`with_lookups`);
    # the actions' services read the owner.
    return with_lookups(
        get_object_or_404(
            visible_complaints(request.user).select_related("customer", "owner", "product"),
            reference=reference,
        )
    )


def case_clocks(complaint: Complaint, now: Any) -> dict[str, Any]:
    paused = complaint.awaiting_customer_since is not None
    return {
        "first_response": clock_state(
            now=now,
            started=complaint.received_at,
            due=complaint.first_response_due_at,
            done_at=complaint.first_responded_at,
            paused=paused,
        ),
        "resolution": clock_state(
            now=now,
            started=complaint.received_at,
            due=complaint.resolution_due_at,
            done_at=complaint.resolved_at if not complaint.is_open else None,
            paused=paused,
        ),
    }


def _render_case(request: HttpRequest, complaint: Complaint, **bound: forms.Form) -> HttpResponse:
    user = request.user
    now = timezone.now()
    may_work = can_work_on(user, complaint)
    context: dict[str, Any] = {
        "complaint": complaint,
        "owner_name": person_names({complaint.owner_id}).get(complaint.owner_id, "")
        if complaint.owner_id
        else "",
        "events": case_timeline(complaint),
        "emails": messages_for_case(complaint.pk, limit=20),
        "now": now,
        "clocks": case_clocks(complaint, now),
        "may_work": may_work,
        "may_claim": can_claim(user, complaint),
        "may_transfer": can_transfer(user, complaint),
        "supervising": can_reassign(user),
        "status_form": bound.get("status_form") or StatusForm(complaint=complaint),
        "waiting_form": bound.get("waiting_form")
        or WaitingForm(initial={"action": "stop" if complaint.awaiting_customer_since else "start"}),
        "owner_form": bound.get("owner_form") or OwnerForm(),
        "note_form": bound.get("note_form") or NoteForm(),
        "call_form": bound.get("call_form") or CallForm(),
        "email_form": bound.get("email_form") or EmailForm(),
    }
    return render(request, "complaints/detail.html", context)


@require_safe  # a page to read: other methods are refused, never acted on
@role_required()
def complaint_detail(request: HttpRequest, reference: str) -> HttpResponse:
    # The page shows only the owner's name, from the kept staff list.
    complaint = case_for_page(request.user, reference)
    if complaint is None:
        raise Http404("No case with this reference.")
    return _render_case(request, with_lookups(complaint))


def _case_action(
    request: HttpRequest,
    reference: str,
    *,
    form_name: str,
    form: forms.Form,
    act: Callable[[Complaint, dict[str, Any]], str],
    may: Callable[[User, Complaint], None] | None = ensure_may_work_on,
) -> HttpResponse:
    """Shared shape of every case action: validate, call the service, report. The one place the
    workflow's refusals become messages: a refusal of the person goes above the page, a refusal
    of what was typed goes beside the form, kept as typed.

    The service decides who may; where only some of the team may (`may`, the service's own rule),
    it is asked first too, so someone else is told at once rather than after fixing the form."""
    complaint = _load(request, reference)
    try:
        if may is not None:
            may(_actor(request), complaint)
        if form.is_valid():
            messages.success(request, act(complaint, form.cleaned_data))
            return redirect("complaints:detail", complaint.reference)
    except NotAllowed as refusal:
        messages.error(request, str(refusal))
        return redirect("complaints:detail", complaint.reference)
    except ComplaintError as refusal:
        form.add_error(None, str(refusal))
    # 200 with the errors shown, as Django's own forms do: the page is the answer.
    return _render_case(request, complaint, **{form_name: form})


@require_POST
@role_required()
def change_status_view(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _load(request, reference)

    def act(c: Complaint, data: dict[str, Any]) -> str:
        change_status(complaint=c, to_status=data["to_status"], actor=_actor(request), note=data["note"])
        return f"The case is now {c.get_status_display().lower()}."

    return _case_action(
        request,
        reference,
        form_name="status_form",
        form=StatusForm(request.POST, complaint=complaint),
        act=act,
    )


@require_POST
@role_required()
def waiting_view(request: HttpRequest, reference: str) -> HttpResponse:
    def act(c: Complaint, data: dict[str, Any]) -> str:
        if data["action"] == "start":
            start_waiting_on_customer(complaint=c, actor=_actor(request), note=data["note"])
            return "The case is waiting on the customer: its clock is paused."
        stop_waiting_on_customer(complaint=c, actor=_actor(request), note=data["note"])
        return "The clock runs again; due times moved by the time spent waiting."

    return _case_action(
        request,
        reference,
        form_name="waiting_form",
        form=WaitingForm(request.POST),
        act=act,
    )


@require_POST
@role_required()
def claim_view(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _load(request, reference)
    try:
        claim_complaint(complaint=complaint, actor=_actor(request))
    except ComplaintError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"You own {complaint.reference} now.")
    return redirect("complaints:detail", complaint.reference)


@require_POST
@role_required()
def owner_view(request: HttpRequest, reference: str) -> HttpResponse:
    def act(c: Complaint, data: dict[str, Any]) -> str:
        transfer_complaint(complaint=c, to_user=data["to_user"], actor=_actor(request), note=data["note"])
        return f"{c.reference} is now owned by {data['to_user'].get_full_name() or data['to_user']}."

    return _case_action(
        request,
        reference,
        form_name="owner_form",
        form=OwnerForm(request.POST),
        act=act,
        may=ensure_may_transfer,
    )


@require_POST
@role_required()
def note_view(request: HttpRequest, reference: str) -> HttpResponse:
    def act(c: Complaint, data: dict[str, Any]) -> str:
        add_note(complaint=c, actor=_actor(request), text=data["text"])
        return "Note added."

    return _case_action(
        request,
        reference,
        form_name="note_form",
        form=NoteForm(request.POST),
        act=act,
        may=None,
    )


@require_POST
@role_required()
def call_view(request: HttpRequest, reference: str) -> HttpResponse:
    form = CallForm(request.POST)

    def act(c: Complaint, data: dict[str, Any]) -> str:
        log_call(
            complaint=c,
            actor=_actor(request),
            direction=data["direction"],
            duration=form.duration,
            outcome=data["outcome"],
            note=data["note"],
        )
        return "Call logged."

    return _case_action(request, reference, form_name="call_form", form=form, act=act, may=None)


@require_POST
@role_required()
def email_view(request: HttpRequest, reference: str) -> HttpResponse:
    def act(c: Complaint, data: dict[str, Any]) -> str:
        email = queue_case_email(
            complaint=c, canned=data["canned"], actor=_actor(request), message=data["message"]
        )
        return f"Email “{email.subject}” queued to {email.to}; its delivery shows on the timeline."

    return _case_action(
        request,
        reference,
        form_name="email_form",
        form=EmailForm(request.POST),
        act=act,
    )

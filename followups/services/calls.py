"""Follow-up calls: the list of calls due and the outcome an agent records."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import Role, has_role
from complaints.access import can_work_on, visible_cases_q
from complaints.models import EventKind
from complaints.services.reopening import reopen_complaint
from complaints.services.timeline import record_event
from followups import timing
from followups.errors import FollowUpError
from followups.models import FollowUp, FollowUpCallOutcome, FollowUpChannel, Purpose, State
from followups.selectors import forget_home_followups
from followups.services.scheduling import FOLLOW_UP_STATUSES, customer_holidays, customer_zone, step_due_at
from followups.services.surveys import skip_fallbacks


def calls_due(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(
            visible_cases_q(user, via="complaint"),
            channel=FollowUpChannel.CALL,
            state=State.SCHEDULED,
            due_at__lte=now,
            complaint__status__in=FOLLOW_UP_STATUSES,
        )
        .select_related(
            "complaint", "complaint__owner", "complaint__severity", "complaint__category", "customer", "step"
        )
        .order_by("due_at")
    )


def can_record_call(user: AbstractBaseUser | AnonymousUser, followup: FollowUp) -> bool:
    owner = followup.complaint.owner
    if owner is None or not owner.is_active:
        return has_role(user, Role.AGENT)  # the team's call: anyone in the team makes it
    return can_work_on(user, followup.complaint)


@transaction.atomic
def record_call_outcome(
    *,
    followup: FollowUp,
    outcome: FollowUpCallOutcome | str,
    actor: User,
    note: str = "",
    satisfaction: int | None = None,
    now: datetime | None = None,
) -> FollowUp:
    """Record a follow-up call. A customer reached answers the survey's questions: resolved or not
    (the outcome) and, when asked, satisfaction from 1 to 5, stored as a survey answer is."""
    now = now or timezone.now()
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise FollowUpError("Choose a satisfaction from 1 to 5.")
    row = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("complaint", "complaint__owner", "complaint__customer", "step")
        .get(pk=followup.pk)
    )
    if row.channel != FollowUpChannel.CALL or row.state != State.SCHEDULED:
        raise FollowUpError("This call is no longer due.")
    if not can_record_call(actor, row):
        owner = row.complaint.owner
        name = (owner.get_full_name() or owner.get_username()) if owner else "the case's owner"
        raise FollowUpError(
            f"This call belongs to {name}, who owns the case; only they or a supervisor can record it. "
            "Add what the customer said as a note on the case instead."
        )
    row.attempts += 1
    row.last_attempt_at = now
    row.call_outcome = outcome
    row.called_by = actor
    text = f"Follow-up call: {FollowUpCallOutcome(outcome).label}."
    if outcome in (FollowUpCallOutcome.SATISFIED, FollowUpCallOutcome.NOT_SATISFIED):
        text += _record_answer(row, outcome=outcome, satisfaction=satisfaction, note=note, now=now)
    elif row.attempts <= row.step.retries:
        text += _try_again(row, now)
    else:
        text += _give_up(row, now)
    row.save()
    record_event(
        complaint=row.complaint,
        kind=EventKind.FOLLOWUP,
        actor=actor,
        note=text + (f"\n{note.strip()}" if note.strip() else ""),
        data={
            "followup": row.pk,
            "outcome": str(outcome),
            "resolved": row.answer_resolved,
            "satisfaction": satisfaction,
        },
    )
    if outcome == FollowUpCallOutcome.NOT_SATISFIED and row.complaint.status in FOLLOW_UP_STATUSES:
        reason = "Follow-up call: the customer is not satisfied." + (
            f" {note.strip()}" if note.strip() else ""
        )
        reopen_complaint(complaint=row.complaint, reason=reason, actor=actor, now=now)
    # The home pages this process serves count the calls due again (`home_call_counts`).
    transaction.on_commit(forget_home_followups)
    return row


def _record_answer(row: FollowUp, *, outcome: str, satisfaction: int | None, note: str, now: datetime) -> str:
    """The customer was reached: their answer is stored as a survey answer is, so both count alike."""
    row.state = State.ANSWERED
    row.answered_at = row.first_answered_at = now
    row.answer_resolved = outcome == FollowUpCallOutcome.SATISFIED
    row.answer_satisfaction = satisfaction
    row.answer_comment = note.strip()
    skip_fallbacks(row, now)
    if satisfaction is None:
        return ""
    return f" {'Resolved' if row.answer_resolved else 'Not resolved'}, satisfaction {satisfaction}/5."


def _try_again(row: FollowUp, now: datetime) -> str:
    """Not reached, tries left: the next try a business day or more later, in the customer's hours."""
    tz = customer_zone(row.complaint)
    row.due_at = timing.due_at(
        start=now,
        amount=row.step.retry_delay,
        unit=timing.BUSINESS_DAYS,
        tz=tz,
        window=row.step.window,
        holidays=customer_holidays(row.complaint.customer, since=now),
    )
    return f" Trying again {row.due_at.astimezone(tz):%a %d %b %H:%M} ({tz.key})."


def _give_up(row: FollowUp, now: datetime) -> str:
    """Not reached and no tries left: the call is done, and the step's fallback (if any) is due."""
    row.state = State.SENT
    row.sent_at = now
    fallback = _fallback_for(row, now)
    if fallback is None:
        return ""
    return f" No more tries; {fallback.get_channel_display().lower()} follow-up scheduled."


def _fallback_for(row: FollowUp, now: datetime) -> FollowUp | None:
    step = row.step
    if row.purpose != Purpose.PRIMARY or not step.fallback_channel:
        return None
    fallback, _ = FollowUp.objects.get_or_create(
        complaint=row.complaint,
        step=step,
        resolved_at=row.resolved_at,
        purpose=Purpose.FALLBACK,
        defaults={
            "customer": row.customer,
            "parent": row,
            "channel": step.fallback_channel,
            "due_at": step_due_at(
                step=step,
                start=now,
                tz=customer_zone(row.complaint),
                fallback=True,
                holidays=customer_holidays(row.complaint.customer, since=now),
            ),
        },
    )
    return fallback

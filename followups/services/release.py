"""Follow-up emails become outbox messages when they fall due.

Follow-ups are scheduled days ahead in their own table; the outbox's dispatcher runs this producer
at every tick. It takes due rows in batches with `SKIP LOCKED`, applies the rules that depend on
the moment (is the case still resolved? did the customer unsubscribe, or answer an earlier step?
is it their waking hours? did they get a survey in the last N days?) and writes one outbox message
per row that passes, in the same transaction that marks the row `queued`. The customers of a batch
are locked while the one-survey rule is decided, so two dispatchers never both pick the same
customer, and a `queued` row counts for the rule from that moment on.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction

from complaints.models import Customer, EventKind, TimelineEvent
from followups import conf, timing
from followups.models import FollowUp, FollowUpChannel, State
from followups.models.followups import SURVEY_OUT_STATES
from followups.services.scheduling import FOLLOW_UP_STATUSES, zone_of
from outbox.models import Audience, Message
from outbox.services import queue_messages

SURVEY_KIND = "followups.survey"
RELEASE_BATCH = 500
RELEASE_PER_RUN = 1_000

PROBE_SQL = """
SELECT EXISTS (SELECT 1 FROM followups_followup
                WHERE state = 'scheduled' AND channel = 'email' AND due_at <= %s)
"""


def survey_key(followup: FollowUp) -> str:
    """One message per follow-up, ever: the unique key is the last guard against a second survey."""
    return f"followup:{followup.pk}"


def release_due_followups(now: datetime, *, limit: int = RELEASE_PER_RUN) -> int:
    """The producer: returns how many follow-ups were handed to the outbox. At most about `limit`
    rows are looked at per run, so that sending starts at once when thousands fall due together;
    each finished batch of sends runs the dispatcher again, which releases the next ones."""
    with connection.cursor() as cursor:
        cursor.execute(PROBE_SQL, [connection.ops.adapt_datetimefield_value(now)])
        if not cursor.fetchone()[0]:
            return 0
    released = looked_at = 0
    while looked_at < limit:
        taken, queued = _release_batch(now)
        released += queued
        looked_at += taken
        if taken < RELEASE_BATCH:
            break
    return released


# Every released row takes its message's id in one statement, found through the message's unique key.
MARK_QUEUED_SQL = """
UPDATE followups_followup
   SET state = 'queued', queued_at = %s, last_attempt_at = %s, updated_at = %s,
       attempts = followups_followup.attempts + 1, message_id = outbox_message.id
  FROM outbox_message
 WHERE outbox_message.key IN ({keys}) AND outbox_message.key = 'followup:' || followups_followup.id
   AND followups_followup.id IN ({ids})
"""


def _mark_queued(ids: list[int], now: datetime) -> None:
    if not ids:
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        # The placeholders are only "%s" repeated: every value is a parameter.
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            MARK_QUEUED_SQL.format(keys=marks, ids=marks),
            [stamp, stamp, stamp, *(f"followup:{pk}" for pk in ids), *ids],
        )


def _recently_surveyed(customer_ids: set[int], now: datetime) -> set[int]:
    since = now - conf.survey_min_interval()
    return set(
        FollowUp.objects.filter(
            customer_id__in=customer_ids,
            channel=FollowUpChannel.EMAIL,
            state__in=SURVEY_OUT_STATES,
            last_attempt_at__gte=since,
        ).values_list("customer_id", flat=True)
    )


@dataclass
class Sorted:
    """What the rules of the moment decided for one batch of due rows."""

    queued: list[FollowUp] = field(default_factory=list)
    failures: list[FollowUp] = field(default_factory=list)
    moved: list[FollowUp] = field(default_factory=list)
    settled: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))


@transaction.atomic
def _release_batch(now: datetime) -> tuple[int, int]:
    rows = list(
        FollowUp.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("complaint", "customer", "step", "parent")
        .filter(state=State.SCHEDULED, channel=FollowUpChannel.EMAIL, due_at__lte=now)
        .order_by("due_at")[:RELEASE_BATCH]
    )
    if not rows:
        return 0, 0
    # Customers held by someone else (an unsubscribe, another dispatcher) are skipped: their rows
    # stay scheduled for the next tick, and nobody waits on a lock taken in the other order.
    customer_ids = set(
        Customer.objects.select_for_update(skip_locked=True)
        .filter(id__in={row.customer_id for row in rows})
        .values_list("id", flat=True)
    )
    mine = [row for row in rows if row.customer_id in customer_ids]
    decided = _sort(mine, surveyed=_recently_surveyed(customer_ids, now), now=now)
    _queue_surveys(decided.queued, now)
    _record_the_rest(decided, now)
    return len(rows), len(decided.queued)


def _sort(rows: list[FollowUp], *, surveyed: set[int], now: datetime) -> Sorted:
    decided = Sorted()
    for row in rows:
        tz = zone_of(row.customer)
        if row.complaint.status not in FOLLOW_UP_STATUSES:
            decided.settled[
                (State.CANCELLED, f"Case is {row.complaint.get_status_display().lower()}")
            ].append(row.pk)
        elif not row.customer.followups_allowed:
            decided.settled[(State.SKIPPED, "Customer unsubscribed")].append(row.pk)
        elif row.parent_id and row.parent.has_answer:  # type: ignore[union-attr]
            decided.settled[(State.SKIPPED, "Customer already answered")].append(row.pk)
        elif not timing.is_allowed(now, tz=tz, window=row.step.window):
            row.due_at = timing.next_allowed(now, tz=tz, window=row.step.window)
            decided.moved.append(row)
        elif row.customer_id in surveyed:
            decided.settled[(State.SKIPPED, "Customer already had a survey recently")].append(row.pk)
        elif not row.customer.email:
            decided.failures.append(row)
        else:
            surveyed.add(row.customer_id)
            decided.queued.append(row)
    return decided


def _queue_surveys(rows: list[FollowUp], now: datetime) -> None:
    """One outbox message per survey, written with the statement that marks its row queued."""
    queue_messages(
        [
            Message(
                key=survey_key(row),
                kind=SURVEY_KIND,
                audience=Audience.CUSTOMER,
                to=row.customer.email,
                object_id=row.pk,
                case_id=row.complaint_id,
                reference=row.complaint.reference,
                due_at=now,
            )
            for row in rows
        ],
        now=now,
    )
    _mark_queued([row.pk for row in rows], now)


def _record_the_rest(decided: Sorted, now: datetime) -> None:
    # The rows that did not go out are few; each group is one statement.
    for (state, note), ids in decided.settled.items():
        FollowUp.objects.filter(pk__in=ids).update(state=state, note=note, finished_at=now, updated_at=now)
    FollowUp.objects.bulk_update(decided.moved, ["due_at"])
    reason = "The customer has no email address."
    FollowUp.objects.filter(pk__in=[row.pk for row in decided.failures]).update(
        state=State.FAILED, failed_at=now, last_error=reason, updated_at=now
    )
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            complaint_id=row.complaint_id,
            kind=EventKind.FOLLOWUP,
            actor_label="System",
            note=f"Follow-up email failed: {reason}",
        )
        for row in decided.failures
    )

"""What the dispatcher and the send task cost the database: an idle tick is two probes, releasing
follow-ups costs the same whatever their number, and each email a few statements of its own."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followups.services.release import release_due_followups
from outbox.dispatching import dispatch
from tests.factories import ComplaintFactory, CustomerFactory, FollowUpStepFactory, only_policy, resolve

pytestmark = pytest.mark.django_db
NOON = datetime(2025, 6, 4, 11, 0, tzinfo=UTC)
DUE = NOON + timedelta(days=3)


def resolved_cases(count: int) -> None:
    with time_machine.travel(NOON, tick=False):
        for _ in range(count):
            resolve(ComplaintFactory(customer=CustomerFactory(), outcome="We refunded £40."))


@pytest.fixture(autouse=True)
def _any_hour_policy() -> None:
    FollowUpStepFactory(policy=only_policy(name="Trial"), delay=3)


def test_an_idle_tick_is_two_probes(django_assert_num_queries) -> None:
    resolved_cases(3)  # pending, not due yet

    with django_assert_num_queries(2):  # due follow-ups? due or stuck messages?
        assert dispatch(now=NOON + timedelta(days=1)) == 0


def release_statements(count: int) -> int:
    resolved_cases(count)
    with CaptureQueriesContext(connection) as queries:
        assert release_due_followups(DUE) == count
    return len(queries)


def test_releasing_sixteen_follow_ups_costs_the_statements_of_four() -> None:
    assert release_statements(16) == release_statements(4)


def sending_statements(dispatch, count: int) -> int:  # type: ignore[no-untyped-def]
    resolved_cases(count)
    with time_machine.travel(DUE, tick=False):
        release_due_followups(DUE)
        with CaptureQueriesContext(connection) as queries:
            result = dispatch()
    assert len(result.sent) == count
    return len(queries)


def test_each_email_costs_a_few_statements_of_its_own(smtp, dispatch) -> None:
    four = sending_statements(dispatch, 4)
    sixteen = sending_statements(dispatch, 16)

    # Per email: one commit marking it sending and the one before it sent (two statements, plus
    # the savepoint Django counts in a test); the apps are told of sends in groups.
    per_email = (sixteen - four) / 12
    assert per_email <= 4, per_email


@pytest.mark.parametrize("table", ["followups_followup", "outbox_message"])
def test_the_busy_tables_are_vacuumed_after_one_percent_of_them_changed(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
        (options,) = cursor.fetchone()

    assert "autovacuum_vacuum_scale_factor=0.01" in options
    assert "autovacuum_vacuum_threshold=1000" in options

"""What the dispatcher and the send task cost the database: constant, whatever the numbers."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followups.services.dispatching import dispatch_due_followups
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


def test_an_idle_tick_is_one_statement(django_assert_num_queries) -> None:
    resolved_cases(3)  # pending, not due yet

    with django_assert_num_queries(1):
        assert dispatch_due_followups(now=NOON + timedelta(days=1)) == 0


def sending_statements(dispatch, count: int) -> int:  # type: ignore[no-untyped-def]
    resolved_cases(count)
    with time_machine.travel(DUE, tick=False), CaptureQueriesContext(connection) as queries:
        (result,) = dispatch()
    assert len(result.sent) == count
    return len(queries)


def test_a_batch_of_sixteen_emails_costs_the_statements_of_a_batch_of_four(smtp, dispatch) -> None:
    four = sending_statements(dispatch, 4)
    sixteen = sending_statements(dispatch, 16)

    assert sixteen == four


def test_the_followup_table_is_vacuumed_after_one_percent_of_it_changed() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'followups_followup'")
        (options,) = cursor.fetchone()

    assert "autovacuum_vacuum_scale_factor=0.01" in options
    assert "autovacuum_vacuum_threshold=1000" in options

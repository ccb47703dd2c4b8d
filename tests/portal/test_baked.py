"""Baked reads: compiled once per shape, each call reading with its own values, and refused when
the statement would not be the one its values make."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint, EventKind, TimelineEvent
from outbox.models import Message
from portal import baked
from portal.baked import BakedReadError, statement
from tests.factories import AgentFactory, ComplaintFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _owned_since(*, owner: int, since: datetime) -> baked.Statement:
    cases = Complaint.objects.filter(owner_id=owner, received_at__gte=since).order_by("reference")
    return statement(cases.values_list("reference", "owner_id"))


def test_each_call_reads_with_its_own_values_from_sql_compiled_once(settings) -> None:
    settings.BAKED_READS_CHECKED = False  # checking builds afresh on every call
    ana, ben = AgentFactory(), AgentFactory()
    ComplaintFactory(owner=ana, reference="RD-2026-000001", received_at=NOW)
    ComplaintFactory(owner=ana, reference="RD-2026-000002", received_at=NOW - timedelta(days=40))
    ComplaintFactory(owner=ben, reference="RD-2026-000003", received_at=NOW)
    build = mock.Mock(wraps=_owned_since)
    recent = NOW - timedelta(days=30)
    assert baked.rows("owned", build, owner=ana.pk, since=recent) == [("RD-2026-000001", ana.pk)]
    assert baked.rows("owned", build, owner=ben.pk, since=recent) == [("RD-2026-000003", ben.pk)]
    everything = baked.rows("owned", build, named=True, owner=ana.pk, since=NOW - timedelta(days=90))
    assert [row.reference for row in everything] == ["RD-2026-000001", "RD-2026-000002"]
    assert build.call_count == 1, "compiled once, with stand-ins"


def test_a_baked_read_runs_as_one_statement_that_query_counts_see() -> None:
    ComplaintFactory(owner=AgentFactory())
    with CaptureQueriesContext(connection) as queries:
        baked.rows("owned", _owned_since, owner=1, since=NOW)
    assert len(queries) == 1


def test_a_value_changed_on_its_way_into_the_query_is_refused() -> None:
    def later(*, since: datetime) -> baked.Statement:
        return statement(
            Complaint.objects.filter(received_at__gte=since + timedelta(days=1)).values_list("pk")
        )

    with pytest.raises(BakedReadError, match="since"):
        baked.rows("later", later, since=NOW)


def test_a_limit_is_refused_as_a_value_because_it_is_written_into_the_sql() -> None:
    def first(*, count: int) -> baked.Statement:
        return statement(Complaint.objects.values_list("pk")[:count])

    with pytest.raises(BakedReadError, match="count"):
        baked.rows("first", first, count=5)


def test_a_shape_depending_on_something_outside_its_key_fails_when_checked(settings) -> None:
    settings.BAKED_READS_CHECKED = True
    ana, ben = AgentFactory(), AgentFactory()
    reader = {"user": ana}

    def leaky() -> baked.Statement:
        # The owner is taken from outside the values: the first caller's id would be kept.
        return statement(Complaint.objects.filter(owner_id=reader["user"].pk).values_list("pk"))

    baked.rows("leaky", leaky)
    reader["user"] = ben
    with pytest.raises(BakedReadError, match="leaky"):
        baked.rows("leaky", leaky)


def test_columns_django_converts_are_converted() -> None:
    case = ComplaintFactory()
    TimelineEvent.objects.create(complaint=case, kind=EventKind.NOTE, note="n", data={"amount": "12.50"})

    def data(*, complaint: int) -> baked.Statement:
        return statement(
            TimelineEvent.objects.filter(complaint_id=complaint, kind=EventKind.NOTE).values_list("data")
        )

    assert baked.rows("data", data, complaint=case.pk) == [({"amount": "12.50"},)]


def test_true_or_false_belongs_in_the_key() -> None:
    def opened(*, finished: bool) -> baked.Statement:
        return statement(Complaint.objects.filter(resolved_at__isnull=finished).values_list("pk"))

    with pytest.raises(BakedReadError, match="key"):
        baked.rows("opened", opened, finished=True)


def _cases_of(*, customer: int) -> QuerySet[Complaint]:
    return Complaint.objects.filter(customer_id=customer).select_related("customer").order_by("reference")


def test_baked_objects_are_model_instances_with_their_joined_rows_each_call_with_its_own_values(
    settings,
) -> None:
    settings.BAKED_READS_CHECKED = False  # checking builds afresh on every call
    first, second = ComplaintFactory(reference="RD-2026-000010"), ComplaintFactory(reference="RD-2026-000011")
    build = mock.Mock(wraps=_cases_of)
    found = baked.objects("cases of", build, customer=first.customer_id)
    with CaptureQueriesContext(connection) as queries:
        assert [(c.reference, c.customer.name) for c in found] == [(first.reference, first.customer.name)]
        assert found[0].received_at == Complaint.objects.get(pk=first.pk).received_at
    assert len(queries) == 1  # only the fresh read above: the customer came with the case
    assert [c.pk for c in baked.objects("cases of", build, customer=second.customer_id)] == [second.pk]
    assert build.call_count == 1, "compiled once, with stand-ins"


def test_baked_objects_take_big_integer_columns_and_only_some_fields(settings) -> None:
    def messages(*, case: int) -> QuerySet[Message]:
        return Message.objects.filter(case_id=case).only("subject", "case_id")

    case = ComplaintFactory()
    Message.objects.create(
        key="m-1",
        kind="case_email",
        audience="customer",
        to="a@example.com",
        subject="Hello",
        case_id=case.pk,
        due_at=timezone.now(),
    )
    (message,) = baked.objects("messages of", messages, case=case.pk)
    assert (message.subject, message.case_id) == ("Hello", case.pk)
    assert message.get_deferred_fields() >= {"to", "state"}


def test_baked_objects_that_a_rule_lets_nobody_see_are_none_and_run_nothing() -> None:
    ComplaintFactory()
    with CaptureQueriesContext(connection) as queries:
        assert (
            baked.objects("nothing", lambda *, pk: Complaint.objects.filter(pk__in=[]).filter(pk=pk), pk=1)
            == []
        )
    assert len(queries) == 0

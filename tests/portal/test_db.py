"""Database pieces the apps share."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from portal.db import AnyOf
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_any_of_a_list_reads_those_rows_with_the_list_as_one_parameter() -> None:
    cases = ComplaintFactory.create_batch(3)
    wanted = [cases[0].pk, cases[2].pk]
    with CaptureQueriesContext(connection) as queries:
        found = set(Complaint.objects.filter(AnyOf("pk", wanted)).values_list("pk", flat=True))
    assert found == set(wanted)
    assert "= ANY(" in queries.captured_queries[0]["sql"]


def test_any_of_nothing_reads_nothing() -> None:
    ComplaintFactory()
    assert not Complaint.objects.filter(AnyOf("pk", [])).exists()


def test_other_databases_get_the_in_list() -> None:
    cases = ComplaintFactory.create_batch(2)
    query = Complaint.objects.filter(AnyOf("pk", [c.pk for c in cases])).query
    compiler = query.get_compiler(using="default")
    with mock.patch.object(connection, "vendor", "sqlite"):
        sql, params = compiler.as_sql()
    assert " IN (%s, %s)" in sql
    assert list(params) == [c.pk for c in cases]

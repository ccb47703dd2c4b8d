"""Timestamps read from PostgreSQL through psycopg's C loader are the same aware UTC datetimes
Django's own loader gives."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from complaints.models import Complaint
from portal import timestamps
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def _loader() -> type:
    import psycopg
    from psycopg.pq import Format

    connection.ensure_connection()
    oid = psycopg.postgres.types["timestamptz"].oid
    return connection.connection.adapters.get_loader(oid, Format.TEXT)  # type: ignore[union-attr,no-any-return]


def test_a_connection_in_utc_reads_timestamps_with_the_c_loader() -> None:
    assert connection.vendor == "postgresql"
    assert timestamps.UtcTimestamptzLoader is not None, "psycopg's C extension is installed"
    assert _loader() is timestamps.UtcTimestamptzLoader


def test_a_timestamp_comes_back_as_the_same_instant_in_utc() -> None:
    written = datetime(2025, 7, 1, 13, 45, 7, 123456, tzinfo=ZoneInfo("Europe/London"))
    case = ComplaintFactory(received_at=written)
    read = Complaint.objects.values_list("received_at", flat=True).get(pk=case.pk)
    assert read == written
    assert read.tzinfo is UTC
    assert read.utcoffset() == timedelta(0)


def test_whole_seconds_and_far_offsets_read_exactly() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '2024-02-29 23:00:00-11:00'::timestamptz, '1999-12-31 23:59:59.5+14'::timestamptz"
        )
        leap, millennium = cursor.fetchone()
    assert leap == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert millennium == datetime(1999, 12, 31, 9, 59, 59, 500000, tzinfo=UTC)
    assert leap.tzinfo is UTC and millennium.tzinfo is UTC


@pytest.mark.parametrize(
    ("zone", "name", "registered"), [(UTC, "UTC", True), (ZoneInfo("Europe/Paris"), "Europe/Paris", False)]
)
def test_only_a_connection_in_utc_gets_the_c_loader(zone: object, name: str, registered: bool) -> None:
    class Connection:
        vendor = "postgresql"
        timezone = zone
        timezone_name = name
        connection = SimpleNamespace(adapters=mock.Mock())

    timestamps.use_c_timestamps(None, Connection())  # type: ignore[arg-type]
    assert Connection.connection.adapters.register_loader.called is registered

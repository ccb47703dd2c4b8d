"""Reading `timestamptz` columns with psycopg's C loader.

Django's PostgreSQL backend reads every `timestamptz` through its own loader, a subclass of
psycopg's pure-Python one (a regular expression and a `timedelta` per value), so that values carry
the connection's time zone. When that zone is UTC, as it is here (`USE_TZ` with the database's
`TIME_ZONE` unset), psycopg's C loader returns the same aware datetimes, about ten times faster:
a home page reads some 150 of them (about 1 ms of its time at a million cases).

The C loader cannot be subclassed, and Django's cursor checks a `timezone` attribute on the
loader it finds, so a small loader carries that attribute and hands each value to the C loader.
"""

from datetime import UTC
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def _c_loader() -> type | None:
    try:
        import psycopg
        from psycopg.pq import Format
    except ImportError:  # psycopg2, or no PostgreSQL driver at all (the SQLite default)
        return None
    loader: type | None = psycopg.adapters.get_loader(psycopg.postgres.types["timestamptz"].oid, Format.TEXT)
    # Without psycopg's C extension the registered loader is the Python one: nothing to gain.
    return (
        loader if loader.__module__.startswith("psycopg_binary") or "psycopg_c" in loader.__module__ else None
    )


_C_LOADER = _c_loader()


def _utc_loader_class() -> type | None:
    if _C_LOADER is None:
        return None
    from psycopg.adapt import Loader

    c_loader = _C_LOADER

    class UtcTimestamptzLoader(Loader):
        # Read by Django's `create_cursor`: equal to the connection's zone, so it keeps this loader.
        timezone = UTC

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._load = c_loader(oid, context).load

        def load(self, data: Any) -> Any:
            return self._load(data)

    return UtcTimestamptzLoader


UtcTimestamptzLoader = _utc_loader_class()


def use_c_timestamps(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver: on a PostgreSQL connection in UTC, read `timestamptz` with
    the C loader. Any other zone keeps Django's loader, which the C one would not match."""
    if UtcTimestamptzLoader is None or connection.vendor != "postgresql":
        return
    if connection.timezone != UTC or connection.timezone_name != "UTC":
        return
    adapters = getattr(connection.connection, "adapters", None)
    if adapters is not None:  # psycopg 3 (psycopg2 has no adapters map)
        adapters.register_loader("timestamptz", UtcTimestamptzLoader)

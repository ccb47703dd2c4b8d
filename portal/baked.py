"""Reads whose SQL Django compiles once per process.

Building and compiling a queryset costs Django 0.5-1.7 ms a statement, often more than PostgreSQL
takes to answer it, and a home page runs six such reads on every visit: the same SQL each time,
with other values (who asks, and when). A *baked* read is compiled once per process and shape
with stand-in values, and each call puts its own values where the stand-ins were, as
SQLAlchemy's baked queries do, here with Django's own compiler.

- `key` names the shape: everything the SQL depends on apart from the values passed (the
  reader's roles, say). Calls with one key must build the same SQL.
- `build(**values)` builds the statement from the values by name. It is called with stand-ins,
  once per key, so it may use each value only as a query parameter: no arithmetic on it, no
  branching on it, and nothing else that differs between calls outside the key.
- With the setting `BAKED_READS_CHECKED` (on in the tests) every call also builds the statement
  from its real values and refuses any difference, so a shape that depends on something missing
  from its key fails the tests rather than reading another person's rows.
- On SQLite (the embedded default) a statement is built and compiled on every call.
"""

from collections import namedtuple
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

# SQL and its parameters, written by hand (`portal.db.capped_counts_statement`).
RawStatement = tuple[str, Sequence[Any]]


class Statement(NamedTuple):
    sql: str
    params: Sequence[Any]
    # Django's conversions of the columns read (an aggregate's int, a JSON field): rows → rows.
    convert: Callable[[list[Any]], list[Any]] | None = None


class BakedReadError(RuntimeError):
    """A baked statement cannot be trusted: its build uses a value other than as a parameter,
    or its SQL depends on something its key leaves out."""


@dataclass(frozen=True)
class _Baked:
    sql: str
    params: tuple[Any, ...]
    # (position in params, name of the value to put there)
    slots: tuple[tuple[int, str], ...]
    convert: Callable[[list[Any]], list[Any]] | None


_baked: dict[Hashable, _Baked] = {}
_row_classes: dict[tuple[str, ...], type] = {}
_STAND_IN_DAY = datetime(1901, 2, 3, tzinfo=UTC)


def statement(queryset: QuerySet[Any]) -> Statement:
    """A queryset's SQL and parameters, as the database would be sent them, and the conversions
    Django applies to the columns read."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    converters = compiler.get_converters([column for column, _, _ in compiler.select])
    if not converters:
        return Statement(sql, tuple(params))

    def convert(found: list[Any]) -> list[Any]:
        return [tuple(row) for row in compiler.apply_converters(found, converters)]

    return Statement(sql, tuple(params), convert)


def rows(
    key: Hashable,
    build: Callable[..., Statement | RawStatement],
    *,
    named: bool = False,
    **values: Any,
) -> list[Any]:
    """The rows of the statement `build(**values)` builds, compiled once per `key` (see the module
    docstring). `named`: rows as named tuples of the statement's column names."""
    if connection.vendor != "postgresql":
        sql, params, *rest = build(**values)
        convert = rest[0] if rest else None
    else:
        baked = _baked.get(key)
        if baked is None:
            baked = _bake(build, values)
            _baked[key] = baked
        params = list(baked.params)
        for position, name in baked.slots:
            params[position] = values[name]
        sql, convert = baked.sql, baked.convert
        if settings.BAKED_READS_CHECKED:
            _check(key, build(**values), sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
        if convert is not None:
            found = convert(found)
        if not named:
            return found
        names = tuple(column[0] for column in cursor.description)
    row_class = _row_classes.get(names)
    if row_class is None:
        row_class = _row_classes[names] = namedtuple("Row", names)  # type: ignore[misc]
    return [row_class(*row) for row in found]


def forget() -> None:
    _baked.clear()


def _bake(build: Callable[..., Statement | RawStatement], values: dict[str, Any]) -> _Baked:
    stand_ins = {name: _stand_in(value, number) for number, (name, value) in enumerate(values.items())}
    try:
        sql, params, *rest = build(**stand_ins)
    except (TypeError, ValueError) as error:  # a stand-in used as a number of rows, say
        names = ", ".join(stand_ins)
        raise BakedReadError(f"Not usable only as query parameters: {names} ({error}).") from error
    by_stand_in = {_identity(value): name for name, value in stand_ins.items()}
    slots = tuple(
        (position, by_stand_in[_identity(param)])
        for position, param in enumerate(params)
        if _identity(param) in by_stand_in
    )
    missing = set(values) - {name for _, name in slots}
    if missing:
        # A value not found among the parameters was changed on the way (arithmetic, a cast) or
        # written into the SQL text: either way this call's value would not be the one read.
        raise BakedReadError(f"Not used as query parameters as given: {', '.join(sorted(missing))}.")
    return _Baked(sql=sql, params=tuple(params), slots=slots, convert=rest[0] if rest else None)


def _check(key: Hashable, fresh: Statement | RawStatement, sql: str, params: list[Any]) -> None:
    fresh_sql, fresh_params = fresh[0], fresh[1]
    if fresh_sql != sql or list(fresh_params) != params:
        raise BakedReadError(f"The baked read {key!r} no longer matches what its build makes.")


def _identity(value: Any) -> tuple[type, Any] | None:
    try:
        hash(value)
    except TypeError:
        return None
    return type(value), value


def _stand_in(value: Any, number: int) -> Any:
    """A value of the same type that no real query would hold, different for each name."""
    if isinstance(value, bool):
        raise BakedReadError("A true-or-false value changes a statement's shape: put it in the key.")
    if isinstance(value, int):
        return -(2**52) - number
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise BakedReadError("Baked reads take aware datetimes.")
        return _STAND_IN_DAY + timedelta(microseconds=number + 1)
    if isinstance(value, date):
        return _STAND_IN_DAY.date() + timedelta(days=number + 1)
    if isinstance(value, str):
        return f"\u27e6stand-in {number}\u27e7"
    raise BakedReadError(f"Baked reads take numbers, dates and texts, not {type(value).__name__}.")

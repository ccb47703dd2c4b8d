"""Reads whose SQL Django compiles once per process.

Building and compiling a queryset costs Django 0.5-1.7 ms a statement, often more than PostgreSQL
takes to answer it, and a home page runs six such reads on every visit: the same SQL each time,
with other values (who asks, and when). A *baked* read is compiled once per process and shape
with stand-in values, and each call puts its own values where the stand-ins were, as
SQLAlchemy's baked queries do, here with Django's own compiler. `rows` reads tuples, `objects`
model instances.

- `key` names the shape: everything the SQL depends on apart from the values passed (the
  reader's roles, say). Calls with one key must build the same SQL.
- `build(**values)` builds the statement from the values by name. It is called with stand-ins,
  once per key, so it may use each value only as a query parameter: no arithmetic on it, no
  branching on it, and nothing else that differs between calls outside the key. A list is one
  parameter (an array, `portal.db.AnyOf`), never an `IN` of as many parameters as it has items.
- With the setting `BAKED_READS_CHECKED` (on in the tests) every call also builds the statement
  from its real values and refuses any difference, so a shape that depends on something missing
  from its key fails the tests rather than reading another person's rows.
- On SQLite (the embedded default) a statement is built and compiled on every call.
"""

from collections import namedtuple
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)

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
# Statements a process keeps at most; past that it compiles them again as they come.
MOST_KEPT = 5_000


@dataclass(frozen=True)
class _BakedObjects:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]
    # Django's compiler of the stand-in queryset: which column is which field of which model.
    compiler: Any


_baked_objects: dict[Hashable, _BakedObjects] = {}
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
    return _rows(_baked, key, build, named, values)


def _rows(
    store: dict[Hashable, _Baked],
    key: Hashable,
    build: Callable[..., Statement | RawStatement],
    named: bool,
    values: dict[str, Any],
) -> list[Any]:
    if connection.vendor != "postgresql":
        sql, params, *rest = build(**values)
        convert = rest[0] if rest else None
    else:
        baked = store.get(key)
        if baked is None:
            baked = _bake(build, values)
            if len(store) >= MOST_KEPT:  # shapes holding a list's filter values are many
                store.clear()
            store[key] = baked
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


def objects(key: Hashable, build: Callable[..., QuerySet[M]], **values: Any) -> list[M]:
    """The model instances of the queryset `build(**values)` builds, with its `select_related`
    rows and `only` fields, compiled once per `key` (as `rows`). Made from the rows as Django's
    own iteration makes them, from the compiler's record of which column is which."""
    if connection.vendor != "postgresql":
        return list(build(**values))
    baked = _baked_objects.get(key)
    if baked is None:
        stand_ins = _stand_ins(values)
        queryset = build(**stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a rule that lets this shape see nothing: no statement to run
            return []
        baked = _BakedObjects(sql, tuple(params), _slots(values, stand_ins, params), compiler)
        _baked_objects[key] = baked
    params = list(baked.params)
    for position, name in baked.slots:
        params[position] = values[name]
    if settings.BAKED_READS_CHECKED:
        fresh = build(**values)
        _check(key, fresh.query.get_compiler(using=fresh.db).as_sql(), baked.sql, params)
    with connection.cursor() as cursor:
        cursor.execute(baked.sql, params)
        found = cursor.fetchall()
    return _instances(baked.compiler, found)


@dataclass(frozen=True)
class Over:
    """Reads over one queryset (a list's cases, say). When a caller vouches that its SQL depends on
    nothing but `shape` (the reader's roles and the filters' values, say), each read is baked for
    the process under its key and that shape; otherwise for this object's life only (one
    request), which still compiles a read made twice with other values (a search's wider window)
    once."""

    queryset: QuerySet[Any]
    shape: Hashable | None = None
    _own: dict[Hashable, _Baked] = field(default_factory=dict, compare=False, repr=False)

    def rows(
        self, key: Hashable, build: Callable[..., Any], *, named: bool = False, **values: Any
    ) -> list[Any]:
        """The rows of `build(queryset, **values)`: a values-list queryset, or a statement."""
        store, stored = (self._own, key) if self.shape is None else (_baked, (self.shape, key))
        return _rows(store, stored, partial(_statement_over, build, self.queryset), named, values)


def _statement_over(
    build: Callable[..., Any], queryset: QuerySet[Any], **values: Any
) -> Statement | RawStatement:
    made = build(queryset, **values)
    return made if isinstance(made, tuple) else statement(made)


def forget() -> None:
    _baked.clear()
    _baked_objects.clear()


def _instances(compiler: Any, found: list[Any]) -> list[Any]:
    # Django's ModelIterable, for rows already read: the model's fields, each related row that
    # `select_related` joined, and the annotations.
    db = compiler.using
    klass_info, select = compiler.klass_info, compiler.select
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    # Django 5.2's signature; the type stubs describe a later one.
    populators = get_related_populators(klass_info, select, db)  # type: ignore[call-arg]
    annotations = compiler.annotation_col_map or {}
    made = []
    for row in compiler.results_iter([found]):
        instance = model.from_db(db, attnames, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in annotations.items():
            setattr(instance, name, row[position])
        made.append(instance)
    return made


def _bake(build: Callable[..., Statement | RawStatement], values: dict[str, Any]) -> _Baked:
    stand_ins = _stand_ins(values)
    try:
        sql, params, *rest = build(**stand_ins)
    except (TypeError, ValueError) as error:  # a stand-in used as a number of rows, say
        names = ", ".join(stand_ins)
        raise BakedReadError(f"Not usable only as query parameters: {names} ({error}).") from error
    slots = _slots(values, stand_ins, params)
    return _Baked(sql=sql, params=tuple(params), slots=slots, convert=rest[0] if rest else None)


def _stand_ins(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _stand_in(value, number) for number, (name, value) in enumerate(values.items())}


def _slots(
    values: dict[str, Any], stand_ins: dict[str, Any], params: Sequence[Any]
) -> tuple[tuple[int, str], ...]:
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
    return slots


def _check(key: Hashable, fresh: Statement | RawStatement, sql: str, params: list[Any]) -> None:
    fresh_sql, fresh_params = fresh[0], fresh[1]
    if fresh_sql != sql or list(fresh_params) != params:
        raise BakedReadError(f"The baked read {key!r} no longer matches what its build makes.")


def _identity(value: Any) -> tuple[type, Any] | None:
    if isinstance(value, list):
        # A list goes whole into one array parameter (`portal.db.AnyOf`): found as the very object.
        return list, id(value)
    try:
        hash(value)
    except TypeError:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        # Django hands a big integer column's value to psycopg as `Int8(value)`, an int.
        return int, int(value)
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
    if isinstance(value, list):
        return [f"\u27e6stand-in {number}\u27e7"]
    raise BakedReadError(f"Baked reads take numbers, dates and texts, not {type(value).__name__}.")

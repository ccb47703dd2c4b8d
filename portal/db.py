"""Database pieces shared by the apps: PostgreSQL-only migration steps, row comparison for keyset
paging, counts that stop at a cap, containment a trigram index answers, and a list of values as
one array parameter."""

from collections.abc import Iterable
from typing import Any

from django.db import connection, migrations
from django.db.models import BooleanField, Expression, F, Func, QuerySet, Value
from django.db.models.sql.compiler import SQLCompiler


class PostgresOnlySQL(migrations.RunSQL):
    """SQL that only PostgreSQL runs (search triggers, trigram and GIN indexes). The embedded SQLite
    default has no such features and searches by a simpler fallback, so there the step does nothing."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RowCompare(Func):
    """`(a, b) < (x, y)`: a row comparison, which PostgreSQL turns into one bounded range scan of a
    matching two-column index. The spelled-out `a < x OR (a = x AND b < y)` cannot bound the index:
    on a deep page it reads every row before the cursor."""

    output_field = BooleanField()
    arity = None

    def __init__(self, columns: list[str], operator: str, values: list[Any]) -> None:
        if operator not in {"<", ">"} or len(columns) != len(values):
            raise ValueError("A row comparison needs one value per column and < or >.")
        self.operator = operator
        self.width = len(columns)
        super().__init__(
            *[F(c) for c in columns], *[v if isinstance(v, Expression) else Value(v) for v in values]
        )

    def as_sql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        parts: list[str] = []
        params: list[Any] = []
        for expression in self.source_expressions:
            sql, part_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(part_params)
        left, right = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"(({left}) {self.operator} ({right}))", params


def capped_count(queryset: QuerySet[Any], cap: int) -> int:
    """How many rows match, counting no further than `cap` (the caller shows "1,000+"). An exact
    COUNT over a big filter reads every matching row; this reads at most `cap` of them."""
    return queryset.order_by().values("pk")[:cap].count()


def capped_counts_statement(querysets: list[QuerySet[Any]], cap: int) -> tuple[str, list[Any]]:
    """`capped_count` of several querysets in one statement: a row of counts, in the querysets'
    order (read as a baked read, `portal.baked`)."""
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets:
        sql, part_params = queryset.order_by().values("pk")[:cap].query.sql_with_params()
        # The SQL is Django's own compilation; every value in it is a parameter.
        parts.append("".join(["(SELECT COUNT(*) FROM (", sql, ") AS counted)"]))
        params.extend(part_params)
    return f"SELECT {', '.join(parts)}", params


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class Contains(Func):
    """`column ILIKE '%text%'`, case-insensitive, as a condition. Unlike Django's `icontains`
    (`UPPER(column) LIKE UPPER(…)`) PostgreSQL answers it from a plain trigram index on the
    column. SQLite's LIKE already ignores case."""

    output_field = BooleanField()
    arity = 1

    def __init__(self, column: str, text: str) -> None:
        self.pattern = self.pattern_for(text)
        super().__init__(F(column))

    @classmethod
    def with_pattern(cls, column: str, pattern: str) -> "Contains":
        """The condition for a pattern `pattern_for` made already: a baked read (`portal.baked`)
        passes its values into the statement as they are."""
        made = cls(column, "")
        made.pattern = pattern
        return made

    @staticmethod
    def pattern_for(text: str) -> str:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"%{escaped}%"

    def as_sql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, params = compiler.compile(self.source_expressions[0])
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{column} {operator} %s ESCAPE '\\'", [*params, self.pattern]


class AnyOf(Func):
    """`column = ANY(%s)`: the values as one array parameter on PostgreSQL. A long `IN (%s, …)`
    costs Django and psycopg a few microseconds a value to prepare, adapt and split again (about
    1 ms for the 200 customers a surname search considers). Other databases get the IN list."""

    output_field = BooleanField()

    def __init__(self, field: str, values: Iterable[Any]) -> None:
        # A list is kept as given, so a baked read (`portal.baked`) finds it among the parameters.
        self.values = values if isinstance(values, list) else list(values)
        super().__init__(F(field))

    def as_sql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", [*params, self.values]
        if not self.values:
            return "1 = 0", list(params)
        return f"{column} IN ({', '.join(['%s'] * len(self.values))})", [*params, *self.values]

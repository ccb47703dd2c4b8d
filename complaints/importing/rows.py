"""Inserting many rows fast: PostgreSQL's COPY, or bulk_create on other databases.

Rows are dicts of field attnames. Fields a row leaves out take the model's default (and
auto_now / auto_now_add fields the time given), read from the model itself, so a column
added to Customer or Complaint later is filled in without touching the importer.
"""

from datetime import datetime
from typing import Any

from django.db import connection, models


def _fill(model: type[models.Model], rows: list[dict[str, Any]], now: datetime) -> list[models.Field]:
    # Generated columns (a case's due and at-risk times) are the database's to fill.
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    given = rows[0].keys()
    for field in fields:
        if field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        else:
            value = field.get_default()
        for row in rows:
            row[field.attname] = value
    return fields


def insert_rows(
    model: type[models.Model], rows: list[dict[str, Any]], *, now: datetime, want_ids: bool = True
) -> list[int]:
    """Insert `rows` in one statement; return their new ids in order (empty if not wanted)."""
    if not rows:
        return []
    fields = _fill(model, rows, now)
    if connection.vendor != "postgresql":
        objects = model._default_manager.bulk_create([model(**row) for row in rows])
        return [obj.pk for obj in objects] if want_ids else []
    table = connection.ops.quote_name(model._meta.db_table)
    columns: list[str] = [str(f.column) for f in fields]
    attnames = [f.attname for f in fields]
    # Only JSON needs Django's conversion; text, numbers, dates and booleans go to COPY as they are.
    convert = {f.attname for f in fields if isinstance(f, models.JSONField)}
    ids: list[int] = []
    with connection.cursor() as cursor:
        if want_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns = ["id", *columns]
        sql = f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN"
        json_fields = {f.attname: f for f in fields if f.attname in convert}
        with cursor.cursor.copy(sql) as copy:
            for index, row in enumerate(rows):
                values = [
                    json_fields[name].get_db_prep_save(row[name], connection)
                    if name in json_fields
                    else _plain(row[name])
                    for name in attnames
                ]
                copy.write_row([ids[index], *values] if want_ids else values)
    return ids


def _plain(value: Any) -> Any:
    # Zone and phone objects are stored as their text.
    if value is None or isinstance(value, str | int | bool | datetime):
        return value
    return str(value)

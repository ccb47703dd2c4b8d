"""Vacuum the outbox after 1% of its rows changed instead of PostgreSQL's default 20%.

Every message is updated three or four times on its way out (claimed, sending, sent); each update
leaves a dead entry in the partial indexes the dispatcher probes. Vacuuming early keeps the idle
tick and the claim from walking past them as the table grows.
"""

from django.db import migrations

OPTIONS = {
    "autovacuum_vacuum_scale_factor": "0.01",
    "autovacuum_vacuum_threshold": "1000",
    "autovacuum_analyze_scale_factor": "0.02",
    "autovacuum_vacuum_insert_scale_factor": "0.05",
}


def set_options(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite has no autovacuum.
    settings = ", ".join(f"{name} = {value}" for name, value in OPTIONS.items())
    schema_editor.execute(f"ALTER TABLE outbox_message SET ({settings})")


def reset_options(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE outbox_message RESET ({', '.join(OPTIONS)})")


class Migration(migrations.Migration):
    dependencies = [("outbox", "0002_send_outgoing_mail_schedule")]

    operations = [migrations.RunPython(set_options, reset_options, elidable=False)]

"""Vacuum the follow-up table after 1% of its rows changed instead of PostgreSQL's default 20%.

Every claimed or sent row leaves a dead entry in the partial index the dispatcher probes and claims
from; until VACUUM removes them, each tick walks past them (measured: see docs/followups.md).
With a million rows the default would wait for 200,000 changes; this waits for about 10,000.
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
        return  # SQLite has no autovacuum; `make run` needs nothing here.
    settings = ", ".join(f"{name} = {value}" for name, value in OPTIONS.items())
    schema_editor.execute(f"ALTER TABLE followups_followup SET ({settings})")


def reset_options(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE followups_followup RESET ({', '.join(OPTIONS)})")


class Migration(migrations.Migration):
    dependencies = [("followups", "0004_role_permissions")]

    operations = [migrations.RunPython(set_options, reset_options, elidable=False)]

"""The newest-first key index carries the urgency columns ("at risk" pages by key from the index
alone). Built CONCURRENTLY on PostgreSQL (the migration is not atomic) so a large table stays
writable meanwhile; the old index is dropped once the new one is there."""

from django.db import migrations, models

from portal.db import PostgresOnlySQL

OLD = models.Index(fields=["-received_at", "-id"], name="complaint_received_key")
NEW = models.Index(
    fields=["-received_at", "-id"], name="complaint_received_urgency", include=["due_at", "risk_at"]
)


def swap_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        model = apps.get_model("complaints", "Complaint")
        schema_editor.add_index(model, NEW)
        schema_editor.remove_index(model, OLD)


def swap_back_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        model = apps.get_model("complaints", "Complaint")
        schema_editor.add_index(model, OLD)
        schema_editor.remove_index(model, NEW)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("complaints", "0016_one_business_calendar")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="complaint", name="complaint_received_key"),
                migrations.AddIndex(model_name="complaint", index=NEW),
            ],
            database_operations=[
                PostgresOnlySQL(
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS complaint_received_urgency ON complaints_complaint "
                    '("received_at" DESC, "id" DESC) INCLUDE ("due_at", "risk_at")',
                    "DROP INDEX CONCURRENTLY IF EXISTS complaint_received_urgency",
                ),
                PostgresOnlySQL(
                    "DROP INDEX CONCURRENTLY IF EXISTS complaint_received_key",
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS complaint_received_key ON complaints_complaint "
                    '("received_at" DESC, "id" DESC)',
                ),
                migrations.RunPython(swap_on_sqlite, swap_back_on_sqlite),
            ],
        ),
    ]

"""A customer's cases newest first, from the index alone: (customer, received_at DESC) carrying
the id. It replaces the foreign key's own index on the customer, which it serves as well. Built
and dropped CONCURRENTLY on PostgreSQL (the migration is not atomic) so a large table stays
writable meanwhile."""

from django.db import migrations, models

from portal.db import PostgresOnlySQL

NEW = models.Index(fields=["customer", "-received_at"], name="complaint_customer_newest", include=["id"])


def _foreign_key_index(schema_editor) -> str:
    # The name Django gave the foreign key's index when it made the table.
    return schema_editor._create_index_name("complaints_complaint", ["customer_id"], suffix="")


def drop_foreign_key_index(apps, schema_editor):
    name = schema_editor.quote_name(_foreign_key_index(schema_editor))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.add_index(apps.get_model("complaints", "Complaint"), NEW)


def restore_foreign_key_index(apps, schema_editor):
    name = schema_editor.quote_name(_foreign_key_index(schema_editor))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON complaints_complaint (customer_id)")
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON complaints_complaint (customer_id)")
    schema_editor.remove_index(apps.get_model("complaints", "Complaint"), NEW)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("complaints", "0018_search_document_periods")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="complaint",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="complaints",
                        to="complaints.customer",
                    ),
                ),
                migrations.AddIndex(model_name="complaint", index=NEW),
            ],
            database_operations=[
                PostgresOnlySQL(
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS complaint_customer_newest ON complaints_complaint "
                    '("customer_id", "received_at" DESC) INCLUDE ("id")',
                    "DROP INDEX CONCURRENTLY IF EXISTS complaint_customer_newest",
                ),
                migrations.RunPython(drop_foreign_key_index, restore_foreign_key_index),
            ],
        ),
    ]

from django.db import migrations

# On PostgreSQL the database itself refuses edits to timeline rows, whatever code path tries.
CREATE = """
CREATE OR REPLACE FUNCTION complaints_timeline_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'timeline events cannot be edited after the fact';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER complaints_timeline_no_update
    BEFORE UPDATE ON complaints_timelineevent
    FOR EACH ROW EXECUTE FUNCTION complaints_timeline_refuse_update();
"""
DROP = """
DROP TRIGGER IF EXISTS complaints_timeline_no_update ON complaints_timelineevent;
DROP FUNCTION IF EXISTS complaints_timeline_refuse_update();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_default_vocabularies")]

    operations = [migrations.RunPython(forwards, backwards)]

from django.db import migrations

# The timeline is history: on PostgreSQL the database refuses deleting its rows one by one too.
# (TRUNCATE, used only to empty a test database, does not fire row triggers.)
CREATE = """
CREATE OR REPLACE FUNCTION complaints_timeline_refuse_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'timeline events cannot be deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER complaints_timeline_no_delete
    BEFORE DELETE ON complaints_timelineevent
    FOR EACH ROW EXECUTE FUNCTION complaints_timeline_refuse_delete();
"""
DROP = """
DROP TRIGGER IF EXISTS complaints_timeline_no_delete ON complaints_timelineevent;
DROP FUNCTION IF EXISTS complaints_timeline_refuse_delete();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_import_channels_and_attachment_permissions")]

    operations = [migrations.RunPython(forwards, backwards)]

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from portal.db import PostgresOnlySQL

# Full-text search over a case's words, summary, issue and internal notes, on PostgreSQL.
#
# The document is a column of the case row, kept current by triggers: a generated column cannot
# read the notes (they live in the timeline), and triggers also cover the importer's COPY and any
# SQL data fix, with no query per row from Python. It is deliberately not a model field, so no ORM
# query ever loads or writes it (lists that select_related the case stay lean).
# The text search configuration ('english', with stemming) is also named in
# complaints/selectors/search.py.
DOCUMENT = """
CREATE OR REPLACE FUNCTION complaints_case_document(words text, summary text, issue text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, coalesce(words, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(issue, '')), 'C')
$$;

ALTER TABLE complaints_complaint ADD COLUMN search_document tsvector;

CREATE OR REPLACE FUNCTION complaints_complaint_search_document() RETURNS trigger AS $$
BEGIN
    NEW.search_document := complaints_case_document(NEW.customer_words, NEW.summary, NEW.issue);
    IF TG_OP = 'UPDATE' THEN
        -- The text changed after notes were written: keep them in the document.
        NEW.search_document := NEW.search_document || coalesce((
            SELECT setweight(to_tsvector('english'::regconfig, string_agg(note, ' ')), 'C')
            FROM complaints_timelineevent WHERE complaint_id = NEW.id AND kind = 'note'
        ), ''::tsvector);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER complaints_complaint_search
    BEFORE INSERT OR UPDATE OF customer_words, summary, issue ON complaints_complaint
    FOR EACH ROW EXECUTE FUNCTION complaints_complaint_search_document();

CREATE OR REPLACE FUNCTION complaints_note_search_document() RETURNS trigger AS $$
BEGIN
    UPDATE complaints_complaint
    SET search_document = coalesce(search_document, ''::tsvector)
        || setweight(to_tsvector('english'::regconfig, NEW.note), 'C')
    WHERE id = NEW.complaint_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER complaints_note_search
    AFTER INSERT ON complaints_timelineevent
    FOR EACH ROW WHEN (NEW.kind = 'note')
    EXECUTE FUNCTION complaints_note_search_document();
"""

DROP_DOCUMENT = """
DROP TRIGGER IF EXISTS complaints_note_search ON complaints_timelineevent;
DROP FUNCTION IF EXISTS complaints_note_search_document();
DROP TRIGGER IF EXISTS complaints_complaint_search ON complaints_complaint;
DROP FUNCTION IF EXISTS complaints_complaint_search_document();
ALTER TABLE complaints_complaint DROP COLUMN IF EXISTS search_document;
DROP FUNCTION IF EXISTS complaints_case_document(text, text, text);
"""

# Built CONCURRENTLY (the migration is not atomic) so a large table stays writable meanwhile.
INDEXES = [
    (
        "complaint_search_document",
        "complaints_complaint USING gin (search_document)",
    ),
    (
        "complaint_reference_trgm",
        "complaints_complaint USING gin (reference gin_trgm_ops)",
    ),
    ("customer_name_trgm", "complaints_customer USING gin (name gin_trgm_ops)"),
    # Names and emails are searched with ILIKE (portal.db.Contains) and, for names, `%>`.
    ("customer_email_trgm", "complaints_customer USING gin (email gin_trgm_ops) WHERE email <> ''"),
    # Phone numbers by their last digits: a number typed in any national form ends like the
    # stored E.164 form, whatever the customer's country.
    (
        "customer_phone_reversed",
        "complaints_customer (reverse(phone::text) text_pattern_ops) WHERE phone <> ''",
    ),
]

BATCH = 10_000


def backfill(apps, schema_editor):
    """Documents for cases recorded before this migration, in batches so no transaction holds
    every row of a large table. Setting a column to itself fires the trigger."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM complaints_complaint")
        (last,) = cursor.fetchone()
        for start in range(0, last + 1, BATCH):
            cursor.execute(
                "UPDATE complaints_complaint SET summary = summary WHERE id >= %s AND id < %s",
                [start, start + BATCH],
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("complaints", "0014_urgency_columns_saved_filters")]

    operations = [
        TrigramExtension(),
        PostgresOnlySQL(DOCUMENT, DROP_DOCUMENT),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        *[
            PostgresOnlySQL(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}",
                f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
            )
            for name, target in INDEXES
        ],
    ]

"""A case's search document also names the periods it was received in, so the newest matches of a
common word are read from the GIN index alone.

Each case's document gains three lexemes that no text can produce, since the parser splits words
at spaces: the day, the week and the four weeks it was received in, counted in whole periods since
1970 UTC ("~d 20423", "~w 2917", "~m 729"). A search for the newest cases with "escrow" then asks
the index for "escrow & ('~d 20423' | '~d 20424')": the index walks the few thousand cases of those
days and skips
through the word's long list of cases, where a date range beside the word would first read every
case ever to contain it (27,000 at a million cases) and every case of the range.
`complaints.selectors.text_search` names the same periods.
"""

from django.db import migrations

from portal.db import PostgresOnlySQL

PERIODS = """
CREATE OR REPLACE FUNCTION complaints_case_periods(received timestamptz)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    -- The epoch is an absolute count of seconds: no time zone setting changes it.
    SELECT array_to_tsvector(ARRAY[
        '~d ' || floor(extract(epoch FROM received) / 86400)::bigint,
        '~w ' || floor(extract(epoch FROM received) / 604800)::bigint,
        '~m ' || floor(extract(epoch FROM received) / 2419200)::bigint
    ])
$$;

CREATE OR REPLACE FUNCTION complaints_complaint_search_document() RETURNS trigger AS $$
BEGIN
    NEW.search_document := complaints_case_document(NEW.customer_words, NEW.summary, NEW.issue)
        || complaints_case_periods(NEW.received_at);
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

-- Also when the time received is corrected, so the document names the right periods.
DROP TRIGGER IF EXISTS complaints_complaint_search ON complaints_complaint;
CREATE TRIGGER complaints_complaint_search
    BEFORE INSERT OR UPDATE OF customer_words, summary, issue, received_at ON complaints_complaint
    FOR EACH ROW EXECUTE FUNCTION complaints_complaint_search_document();
"""

# Back to 0015's trigger; the documents are then rebuilt without periods (`rebuild_without_periods`).
NO_PERIODS = """
CREATE OR REPLACE FUNCTION complaints_complaint_search_document() RETURNS trigger AS $$
BEGIN
    NEW.search_document := complaints_case_document(NEW.customer_words, NEW.summary, NEW.issue);
    IF TG_OP = 'UPDATE' THEN
        NEW.search_document := NEW.search_document || coalesce((
            SELECT setweight(to_tsvector('english'::regconfig, string_agg(note, ' ')), 'C')
            FROM complaints_timelineevent WHERE complaint_id = NEW.id AND kind = 'note'
        ), ''::tsvector);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS complaints_complaint_search ON complaints_complaint;
CREATE TRIGGER complaints_complaint_search
    BEFORE INSERT OR UPDATE OF customer_words, summary, issue ON complaints_complaint
    FOR EACH ROW EXECUTE FUNCTION complaints_complaint_search_document();
DROP FUNCTION IF EXISTS complaints_case_periods(timestamptz);
"""

BATCH = 10_000


def _in_batches(schema_editor, statement: str) -> None:
    # One statement per batch of ids (the migration is not atomic): no transaction holds every
    # row of a large table.
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM complaints_complaint")
        (last,) = cursor.fetchone()
        for start in range(0, last + 1, BATCH):
            cursor.execute(statement + " WHERE id >= %s AND id < %s", [start, start + BATCH])


def add_periods(apps, schema_editor):
    """Cases recorded before this migration: their periods added to the document as it is (the
    trigger does not fire on this column, and the notes in the document stay)."""
    _in_batches(
        schema_editor,
        "UPDATE complaints_complaint SET search_document = "
        "coalesce(search_document, ''::tsvector) || complaints_case_periods(received_at)",
    )


def rebuild_without_periods(apps, schema_editor):
    """Setting a column to itself fires 0015's trigger, which builds the document again."""
    _in_batches(schema_editor, "UPDATE complaints_complaint SET summary = summary")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("complaints", "0017_received_key_carries_urgency")]

    operations = [
        # Reversed, the steps run from the last: the old trigger is back before the rebuild.
        migrations.RunPython(migrations.RunPython.noop, rebuild_without_periods),
        PostgresOnlySQL(PERIODS, NO_PERIODS),
        migrations.RunPython(add_periods, migrations.RunPython.noop),
    ]

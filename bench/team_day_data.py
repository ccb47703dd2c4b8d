"""Data for the team's-day benchmark: cases built from real CFPB complaints, by PostgreSQL itself.

One database per size (`redress_td_1m`, `redress_td_100k`, next to the test database), migrated,
then filled with `generate_series` over a staging copy of the CFPB union file (its path in
BENCH_CFPB_FILE; the figures in the README used it): the customer's words
are real narratives (or the CFPB issue where the consumer gave none), so full-text search meets
real vocabulary and real document sizes. Built once and kept: a later run reuses it.

Shape: cases received over three years, most recent ones open; one agent ("bench-agent") owns 20,000
open cases, fifty others share the rest, some wait for an owner; customers have invented names
(first name x surname, "Okafor" among them), emails, and GB or US phone numbers.
"""

import csv
import gzip
import importlib
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
# The CFPB union file (63k complaints, gzip); without it, the 48-row demo sample stands in, which
# builds the same sizes but repeats the same few narratives (search selectivity is then unreal).
SAMPLE = ROOT / "complaints" / "demo" / "cfpb_sample.csv"
PASSWORD = "bench-password-not-secret"  # noqa: S105
AGENTS = 50
HEAVY_AGENT_OPEN = 20_000
FIRST_NAMES = (  # noqa: SIM905
    "Ada Adam Aisha Alex Amara Ana Ben Carlos Chen Chinwe Chloe Dan Daniel Diego Elena Emeka Emma "
    "Eva Fatima Grace Hannah Hugo Ibrahim Ines Isla Jack James Jia Jose Kemi Kofi Laura Leo Lina "
    "Lucas Maria Mark Mei Mia Mohammed Nadia Ngozi Noah Nora Olivia Omar Oscar Priya Rahul Rosa "
    "Ruth Sam Sara Sofia Tariq Tom Uche Yusuf Zara Zoe "
).split()
SURNAMES = (  # noqa: SIM905
    "Abbott Adeyemi Ali Anderson Baker Bello Brown Campbell Chen Clark Cohen Costa Davies Diaz "
    "Edwards Evans Eze Fernandez Fischer Garcia Gomez Green Hall Harris Hughes Ibrahim Jackson "
    "James Johnson Jones Kaur Khan Kim King Kowalski Lee Lewis Lopez Martin Martinez Mensah Miller "
    "Moore Morgan Murphy Nguyen Novak Nwosu Obi Okafor Okonkwo Olsen Owusu Patel Perez Petrov "
    "Phillips Price Rahman Reyes Roberts Robinson Rossi Sanchez Santos Schmidt Scott Shah Silva "
    "Singh Smith Sousa Taylor Thomas Thompson Turner Walker Wang Ward White Williams Wilson Wood "
    "Wright Yilmaz Young Zhang "
).split()


def database_url(name: str) -> str:
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redress"))
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def env_for(url: str, settings_module: str = "bench.bare_settings") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or "bench-only-not-a-secret",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "EMAIL_HOST": "",
            "CACHE_URL": "",
            "REDRESS_VAR_DIR": str(ROOT / "var" / "bench"),
        }
    )
    return env


def manage(url: str, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args, "-v", "0"], cwd=ROOT, env=env_for(url), check=True)


def ensure(url: str, cases: int) -> dict[str, float]:
    """Create, migrate and fill the database unless it already holds `cases` bench cases."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--noinput")
    # The login throttle and the rate limits use the database cache when CACHE_URL is unset.
    manage(url, "createcachetable")
    manage(url, "collectstatic", "--noinput")
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM complaints_complaint WHERE external_id LIKE 'bench-%'"
        ).fetchone()
        if row and row[0] >= cases:
            return {"build_seconds": 0.0}
    started = time.monotonic()
    make_users(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        clear(conn)
        stage_source(conn)
        indexes = drop_search_indexes(conn)
        fill(conn, cases)
        for statement in indexes:
            conn.execute(statement)
        conn.execute("VACUUM ANALYZE")
    return {"build_seconds": round(time.monotonic() - started, 1)}


def make_users(url: str) -> None:
    script = f"""
import django; django.setup()
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
hashed = make_password({PASSWORD!r})
agents = Group.objects.get(name="Agent")
def person(username, first, last, group):
    user, _ = User.objects.update_or_create(
        username=username, defaults={{"first_name": first, "last_name": last, "password": hashed}}
    )
    user.groups.add(group)
person("bench-agent", "Heavy", "Queue", agents)
person("bench-supervisor", "Bench", "Supervisor", Group.objects.get(name="Supervisor"))
for i in range({AGENTS}):
    person(f"bench-agent-{{i:02d}}", "Agent", f"Number {{i:02d}}", agents)
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env_for(url), check=True)


def clear(conn: psycopg.Connection) -> None:
    for table in (
        "followups_followup",
        "resolutions_compensation",
        "resolutions_budgetusage",
        "complaints_timelineevent",
        "outbox_message",
        "complaints_attachment",
        "complaints_complaint",
        "complaints_customer",
    ):
        conn.execute(f"TRUNCATE {table} CASCADE")


def stage_source(conn: psycopg.Connection, *, categories: bool = True) -> None:
    """The CFPB union file in a staging table, numbered 1..n (and its products as categories)."""
    conn.execute("DROP TABLE IF EXISTS bench_source")
    conn.execute(
        "CREATE UNLOGGED TABLE bench_source (n serial PRIMARY KEY, product text, sub_product text, "
        "issue text, sub_issue text, narrative text, company text)"
    )
    source = Path(os.environ.get("BENCH_CFPB_FILE", "") or SAMPLE)
    if source == SAMPLE:
        print("BENCH_CFPB_FILE is not set: building from the 48-row demo sample", flush=True)
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8", newline="") as raw, conn.cursor() as cursor:  # type: ignore[operator]
        reader = csv.DictReader(raw)
        with cursor.copy(
            "COPY bench_source (product, sub_product, issue, sub_issue, narrative, company) FROM STDIN"
        ) as copy:
            for row in reader:
                copy.write_row(
                    [
                        row["Product"],
                        row["Sub-product"],
                        row["Issue"],
                        row["Sub-issue"],
                        row["Consumer complaint narrative"],
                        row["Company"],
                    ]
                )
    if categories:
        conn.execute(
            "INSERT INTO complaints_category (name, is_active) SELECT DISTINCT left(product, 120), true "
            "FROM bench_source ON CONFLICT (name) DO NOTHING"
        )
    conn.execute("ANALYZE bench_source")


def drop_search_indexes(conn: psycopg.Connection) -> list[str]:
    """GIN and trigram indexes are built once after the rows, not row by row during the insert."""
    migration = importlib.import_module("complaints.migrations.0015_search")
    statements = []
    for name, target in migration.INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
        statements.append(f"CREATE INDEX {name} ON {target}")
    return statements


def fill(conn: psycopg.Connection, cases: int) -> None:
    customers = max(1_000, cases // 5)
    conn.execute(
        """
        INSERT INTO complaints_customer (name, email, phone, preferred_channel, time_zone, created_at)
        SELECT f.first || ' ' || s.last,
               lower(f.first || '.' || s.last || g) || '@example.com',
               CASE WHEN g %% 2 = 0 THEN '+447' || lpad((100000000 + g)::text, 9, '0')
                    ELSE '+1' || (201 + g %% 700)::text || '555' || lpad((g %% 10000)::text, 4, '0') END,
               'email', CASE WHEN g %% 2 = 0 THEN 'Europe/London' ELSE 'America/New_York' END, now()
        FROM generate_series(1, %(customers)s::bigint) g
        CROSS JOIN LATERAL (SELECT (%(firsts)s::text[])[1 + (g * 7) %% %(nfirst)s] AS first) f
        CROSS JOIN LATERAL (SELECT (%(lasts)s::text[])[1 + (g * 13) %% %(nlast)s] AS last) s
        """,
        {
            "customers": customers,
            "firsts": FIRST_NAMES,
            "lasts": SURNAMES,
            "nfirst": len(FIRST_NAMES),
            "nlast": len(SURNAMES),
        },
    )
    # Newest first as g grows; the last 90 days hold a tenth of the cases and most open ones.
    conn.execute(
        """
        WITH src AS (SELECT count(*) AS n FROM bench_source),
             cust AS (SELECT min(id) AS first, count(*) AS n FROM complaints_customer),
             ch AS (SELECT array_agg(id ORDER BY id) AS ids FROM complaints_channel),
             sev AS (SELECT array_agg(id ORDER BY id) AS ids FROM complaints_severity),
             cat AS (SELECT name, id FROM complaints_category),
             agents AS (SELECT array_agg(id ORDER BY id) AS ids FROM auth_user
                        WHERE username LIKE 'bench-agent-%%')
        INSERT INTO complaints_complaint (
            reference, customer_id, status, source, channel_id, category_id, order_reference, issue,
            customer_words, summary, summary_confirmed, severity_id, desired_outcome, owner_id,
            received_at, created_at, updated_at, first_responded_at, first_response_due_at,
            resolution_due_at, awaiting_customer_since, resolved_at, clock_hours_kind,
            compensation_given, outcome, external_id)
        SELECT
            'RD-' || extract(year FROM t.received)::int || '-' || lpad(g::text, 6, '0'),
            cust.first + (g * 7919) %% cust.n,
            t.status, 'import',
            ch.ids[1 + g %% array_length(ch.ids, 1)],
            coalesce((SELECT id FROM cat WHERE cat.name = left(s.product, 120)), (SELECT min(id) FROM cat)),
            s.company, left(s.issue, 300),
            CASE WHEN s.narrative <> '' THEN s.narrative
                 ELSE s.issue || '. ' || s.sub_issue || ' (' || s.company || ')' END,
            CASE WHEN g %% 3 = 0 THEN left(s.issue || ': ' || s.sub_issue, 300) ELSE '' END,
            g %% 3 = 0,
            sev.ids[1 + g %% array_length(sev.ids, 1)],
            CASE WHEN g %% 4 = 0 THEN 'An apology and the error corrected.' ELSE '' END,
            CASE WHEN t.status IN ('resolved', 'closed', 'withdrawn') OR g %% 20 <> 0
                 THEN agents.ids[1 + (g * 31) %% array_length(agents.ids, 1)] END,
            t.received, t.received, t.received,
            CASE WHEN t.status <> 'new' THEN t.received + interval '2 hours' END,
            t.received + interval '8 hours',
            t.received + (5 + g %% 60) * interval '1 day',
            CASE WHEN t.status = 'investigating' AND g %% 30 = 0 THEN t.received + interval '1 day' END,
            CASE WHEN t.status IN ('resolved', 'closed') THEN t.received + interval '3 days' END,
            'calendar', false, '', 'bench-' || g
        FROM generate_series(1, %(cases)s::bigint) g
        CROSS JOIN src CROSS JOIN cust CROSS JOIN ch CROSS JOIN sev CROSS JOIN agents
        JOIN bench_source s ON s.n = 1 + (g * 104729) %% src.n
        CROSS JOIN LATERAL (
            SELECT now() - (g::float / %(cases)s) * interval '1095 days' AS received,
                   CASE
                     WHEN g < %(cases)s / 12 AND g %% 10 < 7
                       THEN (ARRAY['new','acknowledged','investigating','investigating',
                                   'solution_proposed','reopened'])[1 + g %% 6]
                     WHEN g %% 33 = 0 THEN 'investigating'
                     ELSE (ARRAY['resolved','closed','closed','withdrawn'])[1 + g %% 4]
                   END AS status
        ) t
        """,
        {"cases": cases},
    )
    heavy_open = min(HEAVY_AGENT_OPEN, cases // 10)
    conn.execute(
        """
        UPDATE complaints_complaint SET owner_id = (SELECT id FROM auth_user WHERE username = 'bench-agent')
        WHERE id IN (SELECT id FROM complaints_complaint
                     WHERE status NOT IN ('resolved', 'closed', 'withdrawn') AND owner_id IS NOT NULL
                     ORDER BY (id * 2654435761) %% 1000003 LIMIT %s)
        """,
        [heavy_open],
    )
    # Internal notes on some cases: search finds their words too (the trigger adds them).
    conn.execute(
        """
        INSERT INTO complaints_timelineevent (complaint_id, kind, actor_id, actor_label, created_at,
                                              from_status, to_status, note, data)
        SELECT c.id, 'note', (SELECT id FROM auth_user WHERE username = 'bench-agent'), '', c.received_at,
               '', '', 'Called the customer back; escrow statement and refund timeline explained.', '{}'
        FROM complaints_complaint c WHERE c.id % 97 = 0
        """
    )
    fill_case_page_history(conn)
    fill_resolutions(conn)
    fill_followups(conn)


def fill_case_page_history(conn: psycopg.Connection) -> None:
    """A busy case for the case page: the heavy agent's newest open case, with a long timeline."""
    conn.execute(
        """
        INSERT INTO complaints_timelineevent (complaint_id, kind, actor_id, actor_label, created_at,
                                              from_status, to_status, note, data)
        SELECT c.id, (ARRAY['note','call','status_changed','email_sent'])[1 + g % 4],
               c.owner_id, '', c.received_at + g * interval '10 minutes',
               '', '', 'Step ' || g || ' of the work on this case.', '{}'
        FROM (SELECT id, owner_id, received_at FROM complaints_complaint
              WHERE owner_id = (SELECT id FROM auth_user WHERE username = 'bench-agent')
                AND status = 'investigating' ORDER BY received_at DESC LIMIT 1) c,
             generate_series(1, 20) g
        """
    )


def fill_resolutions(conn: psycopg.Connection) -> None:
    """Compensation awaiting approval on 300 open cases; approved compensation on 20,000 others,
    and the budget ledger those approvals would have written."""
    conn.execute(
        """
        WITH policy AS (SELECT min(id) AS id FROM resolutions_compensationpolicy),
             kind AS (SELECT min(id) AS id FROM resolutions_compensationkind)
        INSERT INTO resolutions_compensation (complaint_id, idempotency_key, kind_id, amount, currency,
            reason, status, policy_id, budget_category_id, budget_month, proposed_by_id, proposed_at,
            approved_by_id, decided_at, decision_reason, external_reference)
        SELECT c.id, gen_random_uuid(), kind.id, 60 + c.id % 150, 'GBP',
               'Goodwill for the delay and the calls the customer had to make.',
               CASE WHEN c.rn <= 300 THEN 'proposed' ELSE 'approved' END, policy.id, c.category_id,
               date_trunc('month', now())::date, c.owner_id, now() - c.rn * interval '1 minute',
               -- Most granted within the proposer's own limit, one in fifty by a supervisor.
               CASE WHEN c.rn > 300 AND c.rn % 50 = 0 THEN supervisor.id WHEN c.rn > 300 THEN c.owner_id END,
               CASE WHEN c.rn > 300 THEN now() END, '', ''
        FROM (SELECT id, category_id, owner_id, row_number() OVER (ORDER BY id) AS rn
              FROM complaints_complaint WHERE owner_id IS NOT NULL AND id % 7 = 0 LIMIT 20300) c,
             policy, kind, (SELECT id FROM auth_user WHERE username = 'bench-supervisor') supervisor
        """
    )
    # The ledger approvals read for the budget left, as the services keep it.
    conn.execute(
        """
        INSERT INTO resolutions_budgetusage (category_id, month, currency, committed, updated_at)
        SELECT budget_category_id, budget_month, currency, sum(amount), now()
        FROM resolutions_compensation WHERE status = 'approved' AND budget_month IS NOT NULL
        GROUP BY 1, 2, 3
        """
    )


def fill_followups(conn: psycopg.Connection) -> None:
    """Follow-ups of resolved cases: 200,000 sent emails, 2,000 calls due, 1,000 failed emails."""
    conn.execute(
        """
        WITH email AS (SELECT min(id) AS id FROM followups_followupstep WHERE channel = 'email'),
             call AS (SELECT min(id) AS id FROM followups_followupstep WHERE channel = 'call')
        INSERT INTO followups_followup (complaint_id, customer_id, step_id, resolved_at, purpose, channel,
            state, due_at, attempts, last_error, note, queued_at, last_attempt_at, sent_at, failed_at,
            created_at, updated_at, answer_comment, call_outcome)
        SELECT c.id, c.customer_id,
               CASE WHEN c.rn <= 2000 THEN call.id ELSE email.id END, c.resolved_at, 'primary',
               CASE WHEN c.rn <= 2000 THEN 'call' ELSE 'email' END,
               CASE WHEN c.rn <= 2000 THEN 'scheduled' WHEN c.rn <= 3000 THEN 'failed' ELSE 'sent' END,
               c.resolved_at + interval '3 days',
               CASE WHEN c.rn <= 3000 AND c.rn > 2000 THEN 6 ELSE 0 END,
               CASE WHEN c.rn <= 3000 AND c.rn > 2000 THEN 'Mailbox unavailable (550).' ELSE '' END,
               '', NULL, NULL,
               CASE WHEN c.rn > 3000 THEN c.resolved_at + interval '3 days' END,
               CASE WHEN c.rn <= 3000 AND c.rn > 2000 THEN now() - c.rn * interval '1 minute' END,
               c.resolved_at, c.resolved_at, '', ''
        FROM (SELECT id, customer_id, resolved_at, row_number() OVER (ORDER BY resolved_at DESC) AS rn
              FROM complaints_complaint WHERE status = 'resolved' AND resolved_at IS NOT NULL
              ORDER BY resolved_at DESC LIMIT 200000) c, email, call
        """
    )


def heavy_case(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT c.reference FROM complaints_timelineevent e "
            "JOIN complaints_complaint c ON c.id = e.complaint_id WHERE e.note LIKE 'Step %' LIMIT 1"
        ).fetchone()
        assert row, "the busy case is missing"
        return str(row[0])


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    name = sys.argv[2] if len(sys.argv) > 2 else "redress_td_1m"
    print(ensure(database_url(name), size))

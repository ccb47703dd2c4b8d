"""Follow-up figures on a bench database (`redress_bench_followups`, rebuilt on each run).

1. Beat's memory with 0 and then 1M pending follow-ups (Beat never reads the follow-up table).
2. An idle dispatcher tick with 1M pending rows and none due: statements, client-side round-trip
   time, and server-side planning and execution time of the follow-up probe from EXPLAIN ANALYZE;
   then the same probe right after a burst of 100k rows left the pending index, before and after
   VACUUM.
3. With 100k follow-ups due at once (distinct customers): the release rate (rows checked and
   written to the outbox as messages) and the claim + hand-off rate (messages claimed with SKIP
   LOCKED, one send task per batch published to Redis; no worker running, the queue purged).
4. End to end: real workers send due follow-ups through the outbox into a local aiosmtpd sink;
   none may arrive twice.
   Run BENCH_FOLLOWUPS_RUNS times (3) per worker count in BENCH_FOLLOWUPS_WORKERS ("2,4"); the
   median is reported.

BENCH_FOLLOWUPS_SCALE=0.01 runs everything a hundred times smaller (a smoke run);
BENCH_FOLLOWUPS_PARTS=e2e runs only the end-to-end part (on an otherwise empty table);
BENCH_FOLLOWUPS_DB names the bench database.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import redis
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_FOLLOWUPS_DB", "redress_bench_followups")
SCALE = float(os.environ.get("BENCH_FOLLOWUPS_SCALE", "1"))
PENDING = int(1_000_000 * SCALE)
DUE = int(100_000 * SCALE)
END_TO_END = int(os.environ.get("BENCH_FOLLOWUPS_E2E", str(max(200, int(10_000 * SCALE)))))
WORKERS = [int(n) for n in os.environ.get("BENCH_FOLLOWUPS_WORKERS", "2,4").split(",")]
RUNS = int(os.environ.get("BENCH_FOLLOWUPS_RUNS", "3"))
PARTS = os.environ.get("BENCH_FOLLOWUPS_PARTS", "all")
CELERY = str(Path(sys.executable).with_name("celery"))


def _admin_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


def _recreate_database() -> str:
    base = _admin_url()
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    for alias in connections:
        connections[alias].close()
    settings.DATABASES["default"]["NAME"] = BENCH_DB
    connections["default"].settings_dict["NAME"] = BENCH_DB
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return f"{base.replace('postgresql', 'postgres')}/{BENCH_DB}"


def _env(database_url: str, smtp_port: int | None = None) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", "DJANGO_CONN_MAX_AGE": "60"}
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    if smtp_port:
        env.update({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "0"})
    return env


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _beat_rss_mb(env: dict[str, str], seconds: float = 20) -> float:
    """Resident memory of a real `celery beat` after it has run a while, in MB."""
    process = subprocess.Popen(
        [
            CELERY,
            "-A",
            "portal",
            "beat",
            "-l",
            "warning",
            "--max-interval",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(seconds)
        samples = []
        for _ in range(5):
            samples.append(_rss_kb(process.pid))
            time.sleep(0.5)
        return round(max(samples) / 1024, 1)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _make_cases(count: int, prefix: str, *, distinct_customers: bool) -> tuple[int, list[int], list[int]]:
    """`count` resolved cases; returns the email step id, complaint ids and their customer ids."""
    from complaints.models import Category, Channel, Complaint, Customer, Severity, Status
    from followups.models import FollowUpStep

    now = timezone.now()
    step = FollowUpStep.objects.get(policy__name="Standard")
    step.start_hour, step.end_hour, step.weekdays = 0, 24, "1,2,3,4,5,6,7"
    step.save()
    category, _ = Category.objects.get_or_create(name="Bench")
    channel, severity = Channel.objects.get(code="email"), Severity.objects.get(code="medium")
    customers = Customer.objects.bulk_create(
        Customer(
            name=f"Customer {prefix}{i}", email=f"{prefix.lower()}{i}@bench.example.com", time_zone="UTC"
        )
        for i in range(count if distinct_customers else 1)
    )
    complaints = Complaint.objects.bulk_create(
        (
            Complaint(
                reference=f"{prefix}-{i:07d}",
                customer=customers[i % len(customers)],
                channel=channel,
                category=category,
                severity=severity,
                customer_words="Bench complaint",
                received_at=now,
                status=Status.RESOLVED,
                resolved_at=now,
                outcome="Refund of £20 agreed.",
            )
            for i in range(count)
        ),
        batch_size=5_000,
    )
    return step.pk, [c.pk for c in complaints], [c.customer_id for c in complaints]


def _insert_followups(
    *, step_id: int, complaint_ids: list[int], customer_ids: list[int], rows: int, due: str
) -> None:
    """Bulk insert by SQL: row g belongs to case g mod len(cases); `due` is an SQL expression."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_cases (rn int PRIMARY KEY, complaint_id bigint, customer_id bigint)"
        )
        with cursor.copy("COPY bench_cases FROM STDIN") as copy:
            for rn, (complaint_id, customer_id) in enumerate(zip(complaint_ids, customer_ids, strict=True)):
                copy.write_row((rn, complaint_id, customer_id))
        cursor.execute(
            f"""
            INSERT INTO followups_followup (complaint_id, customer_id, step_id, resolved_at, purpose,
                channel, state, due_at, attempts, last_error, note, created_at, updated_at,
                answer_comment, call_outcome)
            SELECT c.complaint_id, c.customer_id, %s, now() + (g / %s) * interval '1 second',
                'primary', 'email', 'scheduled', {due}, 0, '', '', now(), now(), '', ''
            FROM generate_series(0, %s - 1) g JOIN bench_cases c ON c.rn = g %% %s
            """,  # noqa: S608 - `due` is one of this module's constants
            [step_id, len(complaint_ids), rows, len(complaint_ids)],
        )
        cursor.execute("DROP TABLE bench_cases")
        cursor.execute("ANALYZE followups_followup")


def _idle_tick_db_ms(ticks: int = 50) -> dict[str, float]:
    """Client side: the time spent in the database driver per tick (round trip, Python, planning
    and execution), as a caller sees it."""
    from outbox.dispatching import dispatch

    per_tick: list[float] = []
    queries: list[int] = []
    for _ in range(ticks):
        spent = [0.0, 0]

        def timed(execute, sql, params, many, context, spent=spent):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started
                spent[1] += 1

        with connection.execute_wrapper(timed):
            assert dispatch() == 0
        per_tick.append(spent[0] * 1000)
        queries.append(int(spent[1]))
    return {
        "idle_tick_client_ms_median": round(statistics.median(per_tick), 3),
        "idle_tick_client_ms_p95": round(sorted(per_tick)[int(len(per_tick) * 0.95) - 1], 3),
        "idle_tick_statements": max(queries),
        **_probe_server_ms("idle_tick_server"),
    }


def _probe_server_ms(prefix: str, samples: int = 50) -> dict[str, float]:
    """Server side: PostgreSQL's own planning and execution time for the tick's statement
    (EXPLAIN ANALYZE), without the network and the driver. The first sample is kept apart: right
    after a burst it is the one that walks past the dead index entries."""
    from followups.services.release import PROBE_SQL

    now = timezone.now()
    planning: list[float] = []
    execution: list[float] = []
    with connection.cursor() as cursor:
        for _ in range(samples):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {PROBE_SQL}", [now])
            plan = cursor.fetchone()[0][0]
            planning.append(plan["Planning Time"])
            execution.append(plan["Execution Time"])
    return {
        f"{prefix}_execution_ms_first": round(execution[0], 3),
        f"{prefix}_execution_ms_median": round(statistics.median(execution), 3),
        f"{prefix}_planning_ms_median": round(statistics.median(planning), 3),
    }


def _after_burst(due_ids_filter: dict[str, Any]) -> dict[str, float]:
    """A burst of due rows all sent: each left a dead entry in the pending email index. Measure the
    idle probe then, and again after VACUUM (what autovacuum does once enough rows changed)."""
    from followups.models import FollowUp, State

    FollowUp.objects.filter(**due_ids_filter).update(state=State.SENT, sent_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = 'followups_followup'"
        )
        live, dead = cursor.fetchone()
    figures: dict[str, float] = {
        "burst_rows_sent": FollowUp.objects.filter(**due_ids_filter).count(),
        "burst_dead_tuples": dead,
        # When autovacuum (on by default in production) would start on this table.
        "autovacuum_threshold_default_rows": round(50 + 0.2 * live),
        "autovacuum_threshold_followups_rows": round(1000 + 0.01 * live),
    }
    figures.update(_probe_server_ms("after_burst_server"))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM followups_followup")
    figures.update(_probe_server_ms("after_vacuum_server"))
    return figures


def _release_and_claim_rates(batch_size: int) -> dict[str, float]:
    """Release every due follow-up into the outbox, then claim and hand the messages over."""
    from followups.models import FollowUp, State
    from followups.services.release import release_due_followups
    from outbox.dispatching import claim_due_batch
    from outbox.models import Message
    from outbox.tasks import send_messages

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()
    started = time.perf_counter()
    released = release_due_followups(timezone.now(), limit=DUE)
    release_seconds = time.perf_counter() - started
    started = time.perf_counter()
    handed = 0
    while True:
        token, ids = claim_due_batch(now=timezone.now(), batch_size=batch_size)
        if not ids:
            break
        send_messages.delay(ids, token)
        handed += len(ids)
    claim_seconds = time.perf_counter() - started
    messages = broker.llen("celery")
    broker.flushdb()
    assert released == handed == DUE, (released, handed)
    # Back to the start for the next measurement.
    FollowUp.objects.filter(state=State.QUEUED).update(
        state=State.SCHEDULED, message=None, attempts=0, last_attempt_at=None, queued_at=None
    )
    Message.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE followups_followup")
        cursor.execute("VACUUM ANALYZE outbox_message")
    return {
        f"release_per_s_batch_{batch_size}": round(released / release_seconds),
        f"claim_handoff_per_s_batch_{batch_size}": round(handed / claim_seconds),
        f"messages_batch_{batch_size}": messages,
    }


def run() -> dict:
    # Imported here: the end-to-end part reuses this module's data builders.
    from bench.followups_e2e import end_to_end_runs as _end_to_end_runs

    figures: dict[str, object] = {"batch_size": _batch_size()}
    database_url = _recreate_database()
    if PARTS == "e2e":
        figures.update(_end_to_end_runs(database_url))
        figures["load_average_1m_at_end"] = os.getloadavg()[0]
        return figures
    figures.update({"pending_rows": PENDING, "due_rows": DUE})
    env = _env(database_url)
    figures["beat_rss_mb_0_pending"] = _beat_rss_mb(env)

    step_id, complaint_ids, customer_ids = _make_cases(max(1, PENDING // 100), "P", distinct_customers=False)
    started = time.perf_counter()
    _insert_followups(
        step_id=step_id,
        complaint_ids=complaint_ids,
        customer_ids=customer_ids,
        rows=PENDING,
        due="now() + interval '30 days' + g * interval '1 second'",
    )
    figures["insert_pending_seconds"] = round(time.perf_counter() - started, 1)
    figures["beat_rss_mb_1m_pending"] = _beat_rss_mb(env)
    figures.update(_idle_tick_db_ms())

    step_id, complaint_ids, customer_ids = _make_cases(DUE, "D", distinct_customers=True)
    _insert_followups(
        step_id=step_id,
        complaint_ids=complaint_ids,
        customer_ids=customer_ids,
        rows=DUE,
        due="now() - interval '1 minute' - g * interval '1 millisecond'",
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE followups_followup")
    for batch_size in (100, 500):
        figures.update(_release_and_claim_rates(batch_size))
    figures.update(_after_burst({"complaint_id__in": complaint_ids}))
    from followups.models import FollowUp

    FollowUp.objects.filter(complaint_id__in=complaint_ids).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE followups_followup")
    figures.update(_end_to_end_runs(database_url))
    figures["load_average_1m_at_end"] = os.getloadavg()[0]
    return figures


def _batch_size() -> int:
    from outbox import conf

    return conf.batch_size()

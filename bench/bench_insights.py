"""Insights at scale: a year of cases (BENCH_INSIGHTS_CASES, default 1,000,000) with resolutions
and follow-ups, built with generate_series in its own database (`redress_bench_insights`).

Measured: the full rollup rebuild, the periodic refresh of the last three days, the insights
page for the whole year (rendered in-process through the same middleware and context
processors, median of 15) against a bare Django view of 25 rows, and the weekly digest build."""

import os
import statistics
import time

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone

BENCH_DB = os.environ.get("BENCH_INSIGHTS_DB", "redress_bench_insights")
CASES = int(os.environ.get("BENCH_INSIGHTS_CASES", "1000000"))
ROUNDS = 15
# Keep the database a previous run built (the data build alone takes minutes at a million).
REUSE = os.environ.get("BENCH_INSIGHTS_REUSE") == "1"


def _recreate_database() -> None:
    db = settings.DATABASES["default"]
    base = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    for alias in connections:
        connections[alias].close()
    settings.DATABASES["default"]["NAME"] = BENCH_DB
    connections["default"].settings_dict["NAME"] = BENCH_DB
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


BUILD = """
SET session_replication_role = replica;  -- search triggers off: the words are not measured here
INSERT INTO complaints_category (name, is_active, parent_id)
  SELECT 'Bench category ' || n, true, NULL FROM generate_series(1, 12) n;
INSERT INTO complaints_product (name, is_active, category_id)
  SELECT 'Bench product ' || n, true, (SELECT min(id) FROM complaints_category) + (n % 12)
  FROM generate_series(1, 24) n;
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
  is_active, date_joined)
  SELECT '!', false, 'bench-agent-' || n, 'Agent', n::text, '', false, true, now()
  FROM generate_series(1, 50) n;
INSERT INTO complaints_customer (name, email, phone, preferred_channel, time_zone, created_at)
  SELECT 'Customer ' || n, 'bench' || n || '@example.com', '', 'email', 'Europe/London', now()
  FROM generate_series(1, %(customers)s) n;
INSERT INTO complaints_complaint (reference, status, source, order_reference, issue, customer_words, summary,
  summary_confirmed, desired_outcome, received_at, created_at, updated_at, compensation_given, outcome,
  category_id, channel_id, customer_id, severity_id, clock_hours_kind, owner_id, product_id,
  first_responded_at, first_response_due_at, resolved_at, resolution_due_at)
SELECT 'BN-' || n, CASE WHEN n % 10 < 8 THEN 'resolved' ELSE 'investigating' END, 'agent', '',
  'Issue ' || (n % 40), 'Words', '', false, '', r, r, r, false, '',
  (SELECT min(id) FROM complaints_category) + (n % 12),
  (SELECT min(id) FROM complaints_channel) + (n % 5),
  (SELECT min(id) FROM complaints_customer) + (n % %(customers)s),
  (SELECT min(id) FROM complaints_severity), 'calendar',
  (SELECT min(id) FROM auth_user WHERE username LIKE 'bench-agent-%') + (n % 50),
  (SELECT min(id) FROM complaints_product) + (n % 24),
  r + make_interval(hours => n % 9), r + interval '4 hours',
  CASE WHEN n % 10 < 8 THEN r + make_interval(hours => 2 + n % 100) END, r + interval '48 hours'
FROM (SELECT n, now() - make_interval(secs => (n::float8 * 31536000 / %(cases)s)) AS r
      FROM generate_series(1, %(cases)s) n) s;
INSERT INTO resolutions_resolution (idempotency_key, listened, emotion_acknowledged, apology_given,
  ownership_taken, outcome, preventable, lesson_learned, status, created_at, completed_at, complaint_id,
  resolved_by_id, root_cause_id)
SELECT gen_random_uuid(), true, true, c.id % 7 <> 0, true, 'Done', c.id % 3 = 0,
  CASE WHEN c.id % 50 = 0 THEN 'Lesson ' || c.id ELSE '' END, 'completed', c.resolved_at, c.resolved_at,
  c.id, c.owner_id, (SELECT min(id) FROM resolutions_rootcause) + (c.id % 8)
FROM complaints_complaint c WHERE c.resolved_at IS NOT NULL;
INSERT INTO followups_followup (resolved_at, purpose, channel, state, due_at, attempts, last_error, note,
  created_at, updated_at, answer_comment, call_outcome, complaint_id, customer_id, step_id, sent_at,
  answered_at, answer_resolved, answer_satisfaction)
SELECT c.resolved_at, 'primary', 'email', 'answered', c.resolved_at + interval '3 days', 1, '', '',
  c.resolved_at, c.resolved_at, '', '', c.id, c.customer_id, (SELECT min(id) FROM followups_followupstep),
  c.resolved_at + interval '3 days', c.resolved_at + interval '4 days', c.id % 6 <> 0, 1 + c.id % 5
FROM complaints_complaint c WHERE c.resolved_at IS NOT NULL AND c.resolved_at < now() - interval '4 days';
SET session_replication_role = DEFAULT;
ANALYZE;
"""


def _use_database() -> None:
    for alias in connections:
        connections[alias].close()
    settings.DATABASES["default"]["NAME"] = BENCH_DB
    connections["default"].settings_dict["NAME"] = BENCH_DB


def _build() -> None:
    _recreate_database()
    with connection.cursor() as cursor:
        # Whole numbers of our own, not input: formatted in, as psycopg binds no parameters in a
        # script of several statements.
        cursor.execute(
            BUILD.replace("%(cases)s", str(CASES)).replace("%(customers)s", str(max(1, CASES // 3)))
        )


def _median_ms(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return round(statistics.median(timings), 1), round(sorted(timings)[int(ROUNDS * 0.9)], 1), len(queries)


def run() -> dict:
    from django.contrib.auth.models import Group, User

    from insights.models import DailyAgents, DailyCases, DailyCauses, DailyOutcomes, Team
    from insights.services.digest import build_digest
    from insights.services.rollups import refresh_all_rollups, refresh_recent_rollups

    started = time.monotonic()
    if REUSE:
        _use_database()
    else:
        _build()
    build_seconds = time.monotonic() - started

    started = time.monotonic()
    refresh_all_rollups()
    full_refresh = time.monotonic() - started
    started = time.monotonic()
    refresh_recent_rollups()
    recent_refresh = time.monotonic() - started
    rollup_rows = sum(m.objects.count() for m in (DailyCases, DailyCauses, DailyAgents, DailyOutcomes))

    setup_test_environment()
    boss, _ = User.objects.get_or_create(username="bench-supervisor")
    boss.groups.add(Group.objects.get(name="Supervisor"))
    client = Client()
    client.force_login(boss)
    today = timezone.localdate()
    year = f"/insights/?start={today.replace(year=today.year - 1).isoformat()}&end={today.isoformat()}"
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain_static, ROOT_URLCONF="bench.bare_urls"):
        bare = _median_ms(client, "/bench/bare/")
    with override_settings(STORAGES=plain_static):
        page = _median_ms(client, year)
        default_page = _median_ms(client, "/insights/")

    team = Team.objects.get(name="Customer care")
    digest_times = []
    for _ in range(3):
        started = time.perf_counter()
        build_digest(team=team, now=timezone.now())
        digest_times.append(time.perf_counter() - started)
    return {
        "cases": CASES,
        "data_build_seconds": round(build_seconds, 1) if not REUSE else "kept from an earlier run",
        "rollup_full_refresh_seconds": round(full_refresh, 1),
        "rollup_recent_refresh_seconds": round(recent_refresh, 2),
        "rollup_rows": rollup_rows,
        "bare_view_ms_median": bare[0],
        "insights_year_ms_median": page[0],
        "insights_year_ms_p90": page[1],
        "insights_year_queries": page[2],
        "insights_year_ratio_to_bare": round(page[0] / bare[0], 1),
        "insights_12_weeks_ms_median": default_page[0],
        "digest_build_seconds_median": round(statistics.median(digest_times), 2),
    }

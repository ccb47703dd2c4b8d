"""Agent phone intake POST against gunicorn on loopback, with a million cases in PostgreSQL.

The data lives in its own database (`redress_bench` next to the test database, or
BENCH_DATABASE_URL), built once with `generate_series` and kept for later runs. Figures: median
and p95 latency of the intake POST as the agent's browser sends it (session cookie, CSRF token),
and the number of SQL queries one such request makes (counted in-process on the same database).
"""

import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
CASES = int(os.environ.get("BENCH_INTAKE_CASES", "1000000"))
CUSTOMERS = max(1000, CASES // 5)
CATEGORIES = 20
REQUESTS = int(os.environ.get("BENCH_INTAKE_REQUESTS", "300"))
WARMUP = 30
PASSWORD = "bench-password-not-secret"  # noqa: S105


def bench_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redress"))
    return urlunsplit(parts._replace(path="/redress_bench"))


def admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def env_for(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or "bench-only-not-a-secret",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "EMAIL_HOST": "",
            "CACHE_URL": "",
            # Its own var/ (collected static files for the production static storage).
            "REDRESS_VAR_DIR": str(ROOT / "var" / "bench"),
        }
    )
    return env


def ensure_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env_for(url), check=True
        )


def build_rows(url: str) -> dict[str, float]:
    """Customers, categories and cases written by PostgreSQL itself: no Python per row."""
    with psycopg.connect(url, autocommit=True) as conn:
        have = conn.execute(
            "SELECT count(*) FROM complaints_complaint WHERE external_id LIKE 'bench-%'"
        ).fetchone()
        if have and have[0] >= CASES:
            return {"build_seconds": 0.0}
        started = time.monotonic()
        conn.execute("DELETE FROM complaints_timelineevent")
        conn.execute("DELETE FROM complaints_complaint")
        conn.execute("DELETE FROM complaints_customer")
        conn.execute(
            "INSERT INTO complaints_category (name, is_active) SELECT 'Bench category ' || g, true "
            "FROM generate_series(1, %s) g ON CONFLICT (name) DO NOTHING",
            [CATEGORIES],
        )
        conn.execute(
            "INSERT INTO complaints_customer (name, email, phone, preferred_channel, time_zone, created_at) "
            "SELECT 'Customer ' || g, 'customer' || g || '@example.com', '+4477' || lpad(g::text, 8, '0'), "
            "'email', 'Europe/London', now() FROM generate_series(1, %s) g",
            [CUSTOMERS],
        )
        conn.execute(
            """
            WITH cust AS (SELECT min(id) AS first FROM complaints_customer),
                 cat AS (SELECT array_agg(id ORDER BY id) AS ids FROM complaints_category
                         WHERE name LIKE 'Bench category %%'),
                 ch AS (SELECT array_agg(id ORDER BY id) AS ids FROM complaints_channel),
                 sev AS (SELECT array_agg(id ORDER BY id) AS ids FROM complaints_severity),
                 owner AS (SELECT min(id) AS id FROM auth_user)
            INSERT INTO complaints_complaint (
                reference, customer_id, status, source, channel_id, category_id, order_reference, issue,
                customer_words, summary, summary_confirmed, severity_id, desired_outcome, owner_id,
                received_at, created_at, updated_at, first_response_due_at, resolution_due_at,
                clock_hours_kind, compensation_given, outcome, external_id)
            SELECT
                'RD-' || (2019 + g %% 6) || '-' || lpad((g / 6)::text, 6, '0'),
                cust.first + (g %% %(customers)s),
                (ARRAY['new','acknowledged','investigating','solution_proposed','resolved','closed',
                       'reopened','withdrawn'])[1 + g %% 8],
                'import',
                ch.ids[1 + g %% array_length(ch.ids, 1)],
                cat.ids[1 + g %% array_length(cat.ids, 1)],
                'ORDER-' || g, '',
                'Bench complaint number ' || g || ': the product stopped working after a week.',
                '', false,
                sev.ids[1 + g %% array_length(sev.ids, 1)],
                '', CASE WHEN g %% 3 = 0 THEN NULL ELSE owner.id END,
                now() - (g || ' minutes')::interval, now(), now(),
                now() - (g || ' minutes')::interval + interval '8 hours',
                now() - (g || ' minutes')::interval + interval '5 days',
                'calendar', false, '', 'bench-' || g
            FROM generate_series(1, %(cases)s) g, cust, cat, ch, sev, owner
            """,
            {"customers": CUSTOMERS, "cases": CASES},
        )
        conn.execute("ANALYZE")
        return {"build_seconds": round(time.monotonic() - started, 1)}


def make_intake_categories(url: str) -> None:
    """Categories no generated case uses: the duplicate check runs on every POST and finds nothing,
    so every request takes the recording path (a customer drawn twice may still hit a duplicate)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO complaints_category (name, is_active) SELECT 'Bench intake category ' || g, true "
            "FROM generate_series(1, 5) g ON CONFLICT (name) DO NOTHING"
        )


def make_agent(url: str) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth.models import Group, User\n"
        "u, _ = User.objects.get_or_create(username='bench-agent', defaults={'first_name': 'Bench'})\n"
        f"u.set_password({PASSWORD!r}); u.save(); u.groups.add(Group.objects.get(name='Agent'))\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env_for(url), check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Agent:
    """A browser's worth of HTTP: cookies by hand (the session cookie is marked Secure)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def csrf(self, path: str) -> str:
        status, page = self.request("GET", path)
        assert status == 200, (status, page[:500])
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, page[:500]
        return match.group(1)


def intake_form(rng: random.Random, ids: dict[str, list[int]], token: str) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": token,
        "channel": str(rng.choice(ids["channels"])),
        "category": str(rng.choice(ids["categories"])),
        "severity": str(rng.choice(ids["severities"])),
        "emotion": str(rng.choice(ids["emotions"])),
        "order_reference": f"ORD-{rng.randrange(10**6)}",
        "customer_words": "The replacement part arrived broken and nobody called me back as promised.",
        "summary": "Broken replacement part; promised call back did not happen.",
        "summary_confirmed": "on",
        "desired_outcome": "A working part and an apology.",
        "take_ownership": "on",
    }


def option_ids(url: str) -> dict[str, list[int]]:
    with psycopg.connect(url) as conn:

        def ids(sql: str) -> list[int]:
            return [row[0] for row in conn.execute(sql).fetchall()]

        return {
            "channels": ids("SELECT id FROM complaints_channel WHERE is_active"),
            "categories": ids("SELECT id FROM complaints_category WHERE name LIKE 'Bench intake category %'"),
            "severities": ids("SELECT id FROM complaints_severity WHERE is_active"),
            "emotions": ids("SELECT id FROM complaints_emotion WHERE is_active"),
            "customers": ids("SELECT id FROM complaints_customer ORDER BY id"),
        }


def count_queries(url: str, customer_id: int, form: dict[str, str]) -> int:
    """One intake POST through Django's test client in a subprocess on the bench database. Every
    statement counts, BEGIN and COMMIT included."""
    script = f"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.contrib.auth.models import User
setup_test_environment()
client = Client()
client.force_login(User.objects.get(username="bench-agent"))
form = json.loads({json.dumps(json.dumps(form))})
form.pop("csrfmiddlewaretoken")
with CaptureQueriesContext(connection) as queries:
    response = client.post("/intake/customers/{customer_id}/", form)
assert response.status_code == 302, response.status_code
print(len(queries))
"""
    env = env_for(url) | {"DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def run() -> dict:
    url = bench_url()
    ensure_database(url)
    make_agent(url)
    figures: dict[str, object] = {"cases_requested": CASES}
    figures.update(build_rows(url))
    make_intake_categories(url)
    with psycopg.connect(url) as conn:
        figures["cases_in_database"] = conn.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0]  # type: ignore[index]
    ids = option_ids(url)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}",
            "-w", "2", "--access-logfile", "-", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env_for(url),
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        agent = Agent(port)
        token = agent.csrf("/accounts/login/")
        status, _ = agent.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": "bench-agent", "password": PASSWORD},
        )
        assert status == 302, status
        rng = random.Random()  # a fixed seed would meet the previous run's cases as duplicates
        token = agent.csrf(f"/intake/customers/{ids['customers'][0]}/")
        timings = []
        duplicates = 0
        for i in range(WARMUP + REQUESTS):
            customer = rng.choice(ids["customers"])
            started = time.perf_counter()
            status, page = agent.request(
                "POST", f"/intake/customers/{customer}/", intake_form(rng, ids, token)
            )
            elapsed = (time.perf_counter() - started) * 1000
            if status == 200 and "duplicate-warning" in page:
                duplicates += 1  # the same customer drawn twice: the warning page, not timed
                continue
            assert status == 302, (status, page[:2000])
            if i >= WARMUP:
                timings.append(elapsed)
        timings.sort()
        figures.update(
            {
                "requests": len(timings),
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                "max_ms": round(timings[-1], 1),
                "queries_per_request": count_queries(
                    url, rng.choice(ids["customers"]), intake_form(rng, ids, "unused")
                ),
                "duplicate_warnings_skipped": duplicates,
                "goal": "median <= 25 ms, <= 15 queries",
            }
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))

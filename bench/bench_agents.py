"""A working team under load: 50 agents for 60 seconds against gunicorn on loopback.

Each simulated agent logs in once, then works as a person does, pausing between steps: the home
page, the case list, a search, a case page, a note on one of their cases, a status change. At
most BENCH_AGENTS_CONCURRENCY requests are in flight at once (a semaphore), so the load is
bounded whatever the server does. Every answer is checked (a page, or the redirect after a
form); any other answer counts as an error. Figures: requests, errors, and p50/p95 per page.

Data: its own database (BENCH_AGENTS_DB, default `redress_bench_agents`) with the real CFPB
complaints of the union file (63,563 cases) when REDRESS_DATA_DIR holds it, otherwise
BENCH_AGENTS_CASES generated ones; each agent owns 40 open cases.
"""

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("REDRESS_DATA_DIR", ROOT.parent / "shared" / "data"))
UNION = DATA / "cfpb_complaints_union_63k.csv.gz"
DB_NAME = os.environ.get("BENCH_AGENTS_DB", "redress_bench_agents")
AGENTS = int(os.environ.get("BENCH_AGENTS", "50"))
SECONDS = float(os.environ.get("BENCH_AGENTS_SECONDS", "60"))
CONCURRENCY = int(os.environ.get("BENCH_AGENTS_CONCURRENCY", "8"))
WORKERS = int(os.environ.get("BENCH_AGENTS_WORKERS", "4"))
GENERATED_CASES = int(os.environ.get("BENCH_AGENTS_CASES", "50000"))
CASES_EACH = 40
THINK_SECONDS = (0.5, 2.0)  # a person reads the page before the next step
PASSWORD = "bench-password-not-secret"  # noqa: S105
# What agents do, and how often (weights): mostly reading, some writing.
MIX = {"home": 20, "list": 20, "search": 15, "case page": 30, "note": 10, "status change": 5}
SEARCH_TERMS = ["credit", "mortgage", "Customer 1", "RD-2023", "bank", "loan", "debt", "card"]


def _database_url() -> str:
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redress"))
    return urlunsplit(base._replace(path=f"/{DB_NAME}"))


def _env(url: str) -> dict[str, str]:
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    return {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": broker,
        "CACHE_URL": broker,  # production keeps the cache in Redis
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-only-not-a-secret",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REDRESS_VAR_DIR": os.environ.get("BENCH_VAR_DIR", str(ROOT / "var" / "bench")),
        "PYTHONUNBUFFERED": "1",
    }


def _manage(url: str, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(url), check=True)


def prepare(url: str) -> dict[str, object]:
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    _manage(url, "migrate", "--noinput", "-v", "0")
    _manage(url, "collectstatic", "--noinput", "-v", "0")
    with psycopg.connect(url, autocommit=True) as conn:
        count = conn.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0]  # type: ignore[index]
    source = "existing"
    if count < 1000:
        if UNION.exists():
            _manage(url, "import_cfpb", str(UNION))
            source = f"CFPB union file ({UNION.name})"
        else:
            _generate(url)
            source = "generated"
    _make_agents(url)
    with psycopg.connect(url, autocommit=True) as conn:
        cases = conn.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0]  # type: ignore[index]
    return {"cases_in_database": cases, "data": source}


def _generate(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO complaints_category (name, is_active) VALUES ('Bench category', true) "
            "ON CONFLICT (name) DO NOTHING"
        )
        conn.execute(
            "INSERT INTO complaints_customer (name, email, phone, preferred_channel, time_zone, created_at) "
            "SELECT 'Customer ' || g, 'agents-bench-' || g || '@example.com', '', 'email', "
            "'Europe/London', now() FROM generate_series(1, %s) g",
            [GENERATED_CASES],
        )
        conn.execute(
            """
            INSERT INTO complaints_complaint (
                reference, customer_id, status, source, channel_id, category_id, order_reference, issue,
                customer_words, summary, summary_confirmed, severity_id, desired_outcome, received_at,
                created_at, updated_at, first_response_due_at, resolution_due_at, clock_hours_kind,
                compensation_given, outcome, external_id)
            SELECT 'RD-2020-' || lpad(c.id::text, 7, '0'), c.id, 'closed', 'import',
                (SELECT min(id) FROM complaints_channel), (SELECT id FROM complaints_category
                WHERE name = 'Bench category'), '', 'Bench issue',
                'The card was charged twice and the bank did not answer.', '', false,
                (SELECT min(id) FROM complaints_severity), '', now() - (c.id || ' minutes')::interval,
                now(), now(), now(), now(), 'calendar', false, '', 'agents-bench-' || c.id
            FROM complaints_customer c WHERE c.email LIKE 'agents-bench-%%'
            """
        )
        conn.execute("ANALYZE")


def _make_agents(url: str) -> None:
    """50 agents, each owning CASES_EACH of the newest cases, open (investigating)."""
    script = "\n".join(
        [
            "import django; django.setup()",
            "from django.contrib.auth.hashers import make_password",
            "from django.contrib.auth.models import Group, User",
            f"group = Group.objects.get(name='Agent'); password = make_password({PASSWORD!r})",
            f"for n in range(1, {AGENTS} + 1):",
            "    u, _ = User.objects.get_or_create(username=f'bench-agent-{n:02d}',"
            " defaults={'first_name': 'Agent', 'last_name': str(n)})",
            "    u.password = password; u.save(); u.groups.add(group)",
        ]
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_env(url), check=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            """
            WITH agents AS (
                SELECT id, row_number() OVER (ORDER BY username) - 1 AS n FROM auth_user
                WHERE username LIKE 'bench-agent-%%'),
            picked AS (
                SELECT id, row_number() OVER (ORDER BY received_at DESC, id DESC) - 1 AS n
                FROM complaints_complaint ORDER BY received_at DESC, id DESC LIMIT %s)
            UPDATE complaints_complaint c SET owner_id = agents.id, status = 'investigating'
            FROM picked JOIN agents ON agents.n = picked.n %% %s
            WHERE c.id = picked.id
            """,
            [AGENTS * CASES_EACH, AGENTS],
        )


def _owned_cases(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT u.username, c.reference FROM complaints_complaint c "
            "JOIN auth_user u ON u.id = c.owner_id WHERE u.username LIKE 'bench-agent-%' "
            "AND c.status IN ('investigating', 'solution_proposed')"
        ).fetchall()
    owned: dict[str, list[str]] = defaultdict(list)
    for username, reference in rows:
        owned[username].append(reference)
    return owned


class Browser:
    """One agent's HTTP session: cookies kept by hand, the CSRF token from its cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            # gunicorn's sync workers close the connection after each answer: open a new one.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text


class Team:
    def __init__(self, port: int, owned: dict[str, list[str]], deadline: float) -> None:
        self.port = port
        self.owned = owned
        self.deadline = deadline
        self.gate = threading.BoundedSemaphore(CONCURRENCY)
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def timed(self, page: str, browser: Browser, method: str, path: str, form=None, expect=(200,)):  # type: ignore[no-untyped-def]
        with self.gate:
            started = time.perf_counter()
            status, text = browser.request(method, path, form)
            elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            if status in expect:
                self.timings[page].append(elapsed)
            else:
                self.errors.append(f"{page} {method} {path}: {status} {text[:200]!r}")
        return status, text

    def work(self, username: str, seed: int) -> None:
        rng = random.Random(seed)
        browser = Browser(self.port)
        self.timed("login page", browser, "GET", "/accounts/login/")
        self.timed(
            "login",
            browser,
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD},
            expect=(302,),
        )
        mine = list(self.owned.get(username, []))
        status_of = dict.fromkeys(mine, "investigating")
        pages, weights = zip(*MIX.items(), strict=True)
        time.sleep(rng.uniform(*THINK_SECONDS))
        while time.monotonic() < self.deadline:
            page = rng.choices(pages, weights)[0]
            reference = rng.choice(mine) if mine else ""
            if page == "home":
                self.timed(page, browser, "GET", "/")
            elif page == "list":
                self.timed(page, browser, "GET", "/cases/?owner=me" if rng.random() < 0.5 else "/cases/")
            elif page == "search":
                self.timed(page, browser, "GET", f"/cases/?q={quote(rng.choice(SEARCH_TERMS))}")
            elif page == "case page" and reference:
                self.timed(page, browser, "GET", f"/cases/{reference}/")
            elif page == "note" and reference:
                text = f"Called the customer back ({rng.randrange(10**6)}); waiting for their statement."
                self.timed(page, browser, "POST", f"/cases/{reference}/notes/", {"text": text}, expect=(302,))
            elif page == "status change" and reference:
                to = "solution_proposed" if status_of[reference] == "investigating" else "investigating"
                status, _ = self.timed(
                    page,
                    browser,
                    "POST",
                    f"/cases/{reference}/status/",
                    {"to_status": to, "note": "Moved on during the bench."},
                    expect=(302,),
                )
                if status == 302:
                    status_of[reference] = to
            time.sleep(rng.uniform(*THINK_SECONDS))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def _start_gunicorn(url: str) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}",
            "-w", str(WORKERS), "--log-level", "warning",
        ],
        cwd=ROOT,
        env=_env(url),
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)


def run() -> dict:
    url = _database_url()
    figures: dict[str, object] = prepare(url)
    owned = _owned_cases(url)
    server, port = _start_gunicorn(url)
    try:
        started = time.monotonic()
        team = Team(port, owned, deadline=started + SECONDS)
        threads = [
            threading.Thread(target=team.work, args=(f"bench-agent-{n:02d}", n), daemon=True)
            for n in range(1, AGENTS + 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    requests = sum(len(values) for values in team.timings.values()) + len(team.errors)
    figures.update(
        {
            "agents": AGENTS,
            "seconds": round(elapsed, 1),
            "gunicorn_workers": WORKERS,
            "max_requests_in_flight": CONCURRENCY,
            "requests": requests,
            "requests_per_second": round(requests / elapsed, 1),
            "errors": len(team.errors),
            "first_errors": team.errors[:5],
        }
    )
    for page, values in sorted(team.timings.items()):
        figures[f"{page}: count / p50 / p95 ms"] = (
            f"{len(values)} / {statistics.median(values):.1f} / {_percentile(values, 0.95):.1f}"
        )
    if team.errors:
        raise AssertionError(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))

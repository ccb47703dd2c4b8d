"""Import and public-form figures on PostgreSQL.

1. `import_cfpb` of the 63k-row union file into a fresh database (`redress_bench_import`):
   wall time and rows per second (and the 2.96M-row outcomes file with BENCH_IMPORT_OUTCOMES=1).
2. The public complaint form's POST against gunicorn on loopback, on that database: median and
   p95 latency over sequential requests, and the queries one POST runs (counted in a separate
   process through Django's test client on the same database and code path).

Run: `make bench BENCH=bench_import` (REDRESS_DATA_DIR points at the CFPB files when they are not
in ../shared/data; or `python -m bench.bench_import` with DATABASE_URL and
CELERY_BROKER_URL set as `make bench` sets them).
"""

import html
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("REDRESS_DATA_DIR", ROOT.parent / "shared" / "data"))
UNION = DATA / "cfpb_complaints_union_63k.csv.gz"
OUTCOMES = DATA / "cfpb_outcomes_2012-2022_2.96M_7cols.csv.gz"
BENCH_DB = "redress_bench_import"
POSTS = int(os.environ.get("BENCH_FORM_POSTS", "200"))


def _database_url(name: str) -> str:
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redress"))
    return urlunsplit(base._replace(path=f"/{name}"))


def _env(database_url: str, **extra: str) -> dict[str, str]:
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        # Production caches in Redis: the rate limit's counter lives there, not in PostgreSQL.
        "CACHE_URL": broker,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-a-secret"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PUBLIC_FORM_MAX_POSTS": "100000000",
        "PYTHONUNBUFFERED": "1",
        # Production static files need collectstatic's manifest: collected under var/bench/.
        "REDRESS_VAR_DIR": os.environ.get("BENCH_VAR_DIR", str(ROOT / "var" / "bench")),
        **extra,
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result


def fresh_database(name: str = BENCH_DB) -> str:
    admin = _database_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _database_url(name)
    _manage(_env(url), "migrate", "--noinput", "-v", "0")
    _manage(_env(url), "createcachetable")
    return url


def time_import(database_url: str, path: Path) -> dict[str, object]:
    started = time.monotonic()
    result = _manage(_env(database_url), "import_cfpb", "--no-progress", str(path))
    wall = time.monotonic() - started
    imported = int(re.search(r"Imported (\d+)", result.stdout).group(1))  # type: ignore[union-attr]
    return {
        "file": path.name,
        "rows_imported": imported,
        "bad_rows": result.stderr.count("bad row "),
        "wall_seconds": round(wall, 1),
        "rows_per_second": round(imported / wall),
    }


def _case_count(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM complaints_complaint").fetchone()
        return int(row[0]) if row else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _category_id(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT id FROM complaints_category WHERE parent_id IS NULL AND is_active ORDER BY name LIMIT 1"
        ).fetchone()
        if row:
            return int(row[0])
        return int(
            conn.execute(
                "INSERT INTO complaints_category (name, is_active) VALUES ('General', true) RETURNING id"
            ).fetchone()[0]
        )  # type: ignore[index]


def _form(category_id: int, n: int) -> dict[str, str]:
    return {
        "name": f"Bench Customer {n}",
        "email": f"bench{n}@example.com",
        "phone": "",
        "category": str(category_id),
        "order_reference": f"ORD-{n}",
        "customer_words": "The order arrived late and damaged; support did not reply to two emails.",
        "desired_outcome": "A refund of the delivery charge.",
        "time_zone": "Europe/London",
        "website": "",
    }


def measure_public_form(database_url: str, posts: int = POSTS) -> dict[str, object]:
    """Median latency of the public form's POST against gunicorn, and its query count."""
    category_id = _category_id(database_url)
    port = _free_port()
    env = _env(database_url, DJANGO_CONN_MAX_AGE="60")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/complain/")
                page = conn.getresponse()
                body = page.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
        token = html.unescape(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1))  # type: ignore[union-attr]
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
        timings: list[float] = []
        stamp = int(time.time())
        for n in range(posts + 10):
            payload = urlencode({**_form(category_id, stamp * 1000 + n), "csrfmiddlewaretoken": token})
            started = time.perf_counter()
            conn.request("POST", "/complain/", body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 302:
                raise RuntimeError(f"POST /complain/ answered {response.status}")
            if n >= 10:  # the first requests warm caches and the connection
                timings.append(elapsed * 1000)
    finally:
        server.terminate()
        server.wait(timeout=15)
    queries = _count_queries(database_url, category_id)
    timings.sort()
    return {
        "cases_in_database": _case_count(database_url),
        "form_posts": len(timings),
        "form_post_median_ms": round(statistics.median(timings), 1),
        "form_post_p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "form_post_queries": queries,
    }


COUNT_SCRIPT = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client()
client.get("/complain/")
# One submission first: a long-running web worker has its per-process lookups done already.
warm = dict(json.loads(DATA), email="warm-" + json.loads(DATA)["email"])
assert client.post("/complain/", warm).status_code == 302
with CaptureQueriesContext(connection) as captured:
    response = client.post("/complain/", json.loads(DATA))
assert response.status_code == 302, response.status_code
print("QUERIES", len(captured.captured_queries))
"""


def _count_queries(database_url: str, category_id: int) -> int:
    data = json.dumps(_form(category_id, int(time.time() * 1000)))
    script = f"DATA = {data!r}\n{COUNT_SCRIPT}"
    result = _manage(_env(database_url), "shell", "-c", script)
    return int(re.search(r"QUERIES (\d+)", result.stdout).group(1))  # type: ignore[union-attr]


def run() -> dict[str, object]:
    url = fresh_database()
    figures: dict[str, object] = {"union": time_import(url, UNION)}
    if os.environ.get("BENCH_IMPORT_OUTCOMES") == "1":
        figures["outcomes"] = time_import(url, OUTCOMES)
    figures["public_form"] = measure_public_form(url)
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--form-only":
        # Measure the form on an existing database, e.g. one that already holds millions of cases.
        print(json.dumps(measure_public_form(_database_url(sys.argv[2])), indent=2))
    else:
        print(json.dumps(run(), indent=2))

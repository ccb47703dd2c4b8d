"""django-helpdesk 2.6.1, our closest peer, beside us on the same data size (100,000 rows).

django-helpdesk is installed from the package registry into a virtual environment of its own,
under a temporary directory together with a throwaway Django project that serves it; nothing of it
stays in this repository or outlives the run. Its database (`redress_td_helpdesk`) is filled from
the same CFPB staging data as ours: 100,000 tickets in 20 queues, two follow-ups each, 50 staff.

Measured in the same interleaved rounds, each under gunicorn with two workers: our case list
against its ticket list data (the JSON its list page loads: 25 tickets, default filters), and our
case page against its ticket page. Figures: medians, queries per request, and ours ÷ theirs.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import psycopg

from bench import team_day_data as data
from bench.team_day_http import gunicorn, interleaved, signed_in, summary

VERSION = "2.6.1"
ROWS = 100_000
DATABASE = "redress_td_helpdesk"

SETTINGS = """
import os
SECRET_KEY = "helpdesk-bench-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hdsite.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": os.environ["HD_DB_NAME"],
    "USER": os.environ["HD_DB_USER"], "HOST": os.environ["HD_DB_HOST"], "PORT": os.environ["HD_DB_PORT"],
    "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1
USE_TZ = True
STATIC_URL = "/static/"
LOGIN_URL = "/accounts/login/"
HELPDESK_TEAMS_MODE_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
"""

URLS = """
from django.contrib import admin
from django.urls import include, path
urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
"""

LOGIN_TEMPLATE = (
    """<!doctype html><form method="post">{% csrf_token %}{{ form }}<button>Log in</button></form>"""
)

QUERY_COUNT = """
import json, sys, django
django.setup()
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
setup_test_environment()
client = Client()
client.force_login(User.objects.get(username="bench-staff"))
counts = {}
for name, path in json.loads(sys.argv[1]).items():
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, name
    counts[name] = len(queries)
print(json.dumps(counts))
"""


def _project(root: Path) -> Path:
    site = root / "project"
    (site / "hdsite").mkdir(parents=True)
    (site / "hdsite" / "__init__.py").write_text("")
    (site / "hdsite" / "settings.py").write_text(SETTINGS)
    (site / "hdsite" / "urls.py").write_text(URLS)
    (site / "hdsite" / "wsgi.py").write_text(
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hdsite.settings')\n"
        "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"
    )
    templates = site / "hdsite" / "templates" / "registration"
    templates.mkdir(parents=True)
    (templates / "login.html").write_text(LOGIN_TEMPLATE)
    (site / "hdsite" / "settings.py").write_text(
        SETTINGS.replace('"DIRS": []', f'"DIRS": [{str(site / "hdsite" / "templates")!r}]')
    )
    return site


def _environment(root: Path, url: str) -> dict[str, str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    python = root / "venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hdsite.settings",
            "HD_DB_NAME": parts.path.lstrip("/"),
            "HD_DB_USER": parts.username or "postgres",
            "HD_DB_HOST": parts.hostname or "127.0.0.1",
            "HD_DB_PORT": str(parts.port or 5432),
            "BENCH_PYTHON": str(python),
            "PYTHONPATH": str(root / "project"),
        }
    )
    return env


def _install(root: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    pip = [str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, f"django-helpdesk=={VERSION}", "psycopg[binary]", "gunicorn"], check=True)


def _fill(url: str, env: dict[str, str], site: Path) -> None:
    with psycopg.connect(data.admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    python = env["BENCH_PYTHON"]
    subprocess.run([python, "-m", "django", "migrate", "--noinput", "-v", "0"], cwd=site, env=env, check=True)
    script = textwrap.dedent(
        f"""
        import django; django.setup()
        from django.contrib.auth.models import User
        from helpdesk.models import Queue
        for i in range(20):
            Queue.objects.create(title=f"Queue {{i}}", slug=f"queue-{{i}}")
        for i in range(50):
            User.objects.create_user(f"staff-{{i:02d}}", password={data.PASSWORD!r}, is_staff=True)
        User.objects.create_user("bench-staff", password={data.PASSWORD!r}, is_staff=True, is_superuser=True)
        """
    )
    subprocess.run([python, "-c", script], cwd=site, env=env, check=True)
    with psycopg.connect(url, autocommit=True) as conn:
        data.stage_source(conn, categories=False)
        conn.execute(
            """
            WITH q AS (SELECT array_agg(id ORDER BY id) AS ids FROM helpdesk_queue),
                 staff AS (SELECT array_agg(id ORDER BY id) AS ids FROM auth_user
                           WHERE username LIKE 'staff-%%'),
                 src AS (SELECT count(*) AS n FROM bench_source)
            INSERT INTO helpdesk_ticket (title, queue_id, created, modified, submitter_email, assigned_to_id,
                status, on_hold, description, resolution, priority, due_date, last_escalation, secret_key)
            SELECT left(s.issue, 200), q.ids[1 + g %% 20], now() - g * interval '1 minute',
                   now() - g * interval '1 minute', 'customer' || g || '@example.com',
                   CASE WHEN g %% 20 = 0 THEN NULL ELSE staff.ids[1 + g %% 50] END,
                   (ARRAY[1, 1, 2, 3, 4, 4, 4, 4])[1 + g %% 8], false,
                   CASE WHEN s.narrative <> '' THEN s.narrative ELSE s.issue END, '', 1 + g %% 5,
                   NULL, NULL, md5(g::text)
            FROM generate_series(1, %s::bigint) g CROSS JOIN q CROSS JOIN staff CROSS JOIN src
            JOIN bench_source s ON s.n = 1 + (g * 104729) %% src.n
            """,
            [ROWS],
        )
        conn.execute(
            """
            INSERT INTO helpdesk_followup (ticket_id, date, title, comment, public, user_id, new_status,
                message_id, time_spent)
            SELECT t.id, t.created + k * interval '1 hour', 'Comment', 'We are looking into this for you.',
                   k = 1, t.assigned_to_id, NULL, NULL, NULL
            FROM helpdesk_ticket t CROSS JOIN generate_series(1, 2) k
            """
        )
        conn.execute("VACUUM ANALYZE")


def _list_path() -> str:
    # The query the ticket list page sends for its data by default (open and reopened tickets).
    query = {
        "filtering": {"status__in": [1, 2]},
        "sorting": "created",
        "search_string": "",
        "sortreverse": False,
    }
    encoded = base64.b64encode(json.dumps(query).encode()).decode()
    return f"/helpdesk/datatables_ticket_list/{encoded}?draw=1&start=0&length=25"


def compare(rounds: int = 20) -> dict:
    ours_url = data.database_url("redress_td_100k")
    build = data.ensure(ours_url, ROWS)
    theirs_url = data.database_url(DATABASE)
    root = Path(tempfile.mkdtemp(prefix="redress-helpdesk-"))
    try:
        _install(root)
        site = _project(root)
        env = _environment(root, theirs_url)
        _fill(theirs_url, env, site)
        with psycopg.connect(theirs_url) as conn:
            ticket = conn.execute(
                "SELECT id FROM helpdesk_ticket WHERE status = 1 ORDER BY id LIMIT 1"
            ).fetchone()
        assert ticket is not None
        theirs_pages = {"ticket_list_data": _list_path(), "ticket_page": f"/helpdesk/tickets/{ticket[0]}/"}
        ours_pages = {"case_list": "/cases/", "case_page": f"/cases/{data.heavy_case(ours_url)}/"}
        with (
            gunicorn(data.env_for(ours_url)) as ours_port,
            gunicorn(env, cwd=site, app="hdsite.wsgi") as their_port,
        ):
            ours = signed_in(ours_port, "bench-agent", data.PASSWORD)
            theirs = signed_in(their_port, "bench-staff", data.PASSWORD)
            pages = {f"ours_{n}": (ours, p) for n, p in ours_pages.items()}
            pages |= {f"theirs_{n}": (theirs, p) for n, p in theirs_pages.items()}
            timings = interleaved(pages, rounds=rounds)
        out = subprocess.run(
            [env["BENCH_PYTHON"], "-c", QUERY_COUNT, json.dumps(theirs_pages)],
            cwd=site, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        their_queries = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    figures: dict[str, object] = {"rows": ROWS, "helpdesk_version": VERSION, "ours_build_seconds": build}
    for name, samples in timings.items():
        figures[name] = summary(samples)
    figures["theirs_queries"] = their_queries
    ours_list = summary(timings["ours_case_list"])["median_ms"]
    ours_case = summary(timings["ours_case_page"])["median_ms"]
    figures["list_ours_over_theirs"] = round(
        ours_list / summary(timings["theirs_ticket_list_data"])["median_ms"], 3
    )
    figures["case_page_ours_over_theirs"] = round(
        ours_case / summary(timings["theirs_ticket_page"])["median_ms"], 3
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(compare(), indent=2))

"""The team's day at a million cases: every list, search and home page against a bare view.

Each page is served by gunicorn (two workers) on the benchmark database and requested by a
signed-in agent or supervisor, interleaved with the bare view (bench/bare_urls.py: 25 rows of one
indexed query over the case table), so a busy machine slows both alike. Figures per page: median
and p90 milliseconds, the ratio to the bare view's median, and the SQL queries of one request
(counted in-process on the same database). Then the keyset cursor's SQL cost on page 2 and page
36,001, and django-helpdesk 2.6.1 beside us at 100,000 rows (bench/helpdesk_compare.py).

BENCH_TEAMDAY_ROUNDS (default 30) sets the samples per page; BENCH_TEAMDAY_HELPDESK=0 skips the
comparison; BENCH_TEAMDAY_DATABASE names the million-case database (default redress_td_1m), so two
checkouts whose migrations differ need not share one.
"""

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from urllib.parse import urlencode

import psycopg

from bench import team_day_data as data
from bench.team_day_http import gunicorn, interleaved, signed_in, summary

ROUNDS = int(os.environ.get("BENCH_TEAMDAY_ROUNDS", "30"))
DATABASE = os.environ.get("BENCH_TEAMDAY_DATABASE", "redress_td_1m")
GOALS = {
    "list": 2.0,
    "search": 2.0,
    "home": 2.0,
    "case_page": 2.5,
    "approvals": 3.0,
    "calls_due": 3.0,
    "failed_followups": 3.0,
}


def _one(conn: psycopg.Connection, sql: str, params: list | None = None):  # type: ignore[no-untyped-def]
    row = conn.execute(sql, params or []).fetchone()
    assert row is not None, sql
    return row


def cursor_at(conn: psycopg.Connection, offset: int, where: str = "TRUE", params: list | None = None) -> str:
    """The list's cursor after `offset` rows, newest first (as the page before it would link)."""
    received, pk = _one(
        conn,
        f"SELECT received_at, id FROM complaints_complaint WHERE {where} "  # noqa: S608
        "ORDER BY received_at DESC, id DESC OFFSET %s LIMIT 1",
        [*(params or []), offset - 1],
    )
    return f"r_{received.isoformat()}_{pk}"


def page_paths(url: str) -> dict[str, tuple[str, str]]:
    """name → (who, path) for every page measured."""
    with psycopg.connect(url) as conn:
        category, rows = _one(
            conn, "SELECT category_id, count(*) FROM complaints_complaint GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        severity = _one(conn, "SELECT id FROM complaints_severity WHERE code = 'high'")[0]
        phone = _one(
            conn, "SELECT phone FROM complaints_customer WHERE phone LIKE '+1%%' ORDER BY id DESC LIMIT 1"
        )[0]
        reference = _one(conn, "SELECT reference FROM complaints_complaint ORDER BY id LIMIT 1 OFFSET 123")[0]
        total = _one(conn, "SELECT count(*) FROM complaints_complaint")[0]
        deep = cursor_at(conn, min(900_000, total - 30))
        deep_category = cursor_at(conn, min(rows - 30, 200_000), "category_id = %s", [category])
        page_two = cursor_at(conn, 25)
    national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"  # how a US caller reads it out
    case = data.heavy_case(url)
    month_ago = (datetime.now(UTC).date().replace(day=1)).isoformat()
    return {
        "bare": ("agent", "/bench/bare/"),
        "list": ("agent", "/cases/"),
        "list_page_2": ("agent", "/cases/?" + urlencode({"after": page_two})),
        "list_page_36001": ("agent", "/cases/?" + urlencode({"after": deep})),
        "list_status": ("agent", "/cases/?status=investigating"),
        "list_category": ("agent", f"/cases/?category={category}"),
        "list_category_deep": (
            "agent",
            "/cases/?" + urlencode({"category": category, "after": deep_category}),
        ),
        "list_overdue": ("agent", "/cases/?urgency=overdue"),
        "list_at_risk": ("agent", "/cases/?urgency=at_risk"),
        "list_mine_by_due": ("agent", "/cases/?owner=me&sort=due"),
        "list_combined": (
            "agent",
            f"/cases/?status=open&severity={severity}&category={category}&received_from={month_ago}",
        ),
        "search_common_word": ("agent", "/cases/?q=credit"),
        "search_rare_word": ("agent", "/cases/?q=escrow"),
        "search_phrase": ("agent", "/cases/?" + urlencode({"q": "identity theft"})),
        "search_surname": ("agent", "/cases/?q=Okafor"),
        "search_name_and_word": ("agent", "/cases/?" + urlencode({"q": "Okafor refund"})),
        "search_phone_national": ("agent", "/cases/?" + urlencode({"q": national})),
        "search_partial_reference": ("agent", "/cases/?q=" + reference.split("-")[-1].lstrip("0")),
        "home_agent": ("agent", "/"),
        "home_supervisor": ("supervisor", "/"),
        "approvals": ("supervisor", "/approvals/"),
        "calls_due": ("agent", "/followups/calls/"),
        "failed_followups": ("agent", "/followups/failed/"),
        "case_page": ("agent", f"/cases/{case}/"),
    }


QUERY_COUNT_SCRIPT = """
import json, sys, django
django.setup()
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
setup_test_environment()
pages = json.loads(sys.argv[1])
clients = {}
for who, username in (("agent", "bench-agent"), ("supervisor", "bench-supervisor")):
    clients[who] = Client()
    clients[who].force_login(User.objects.get(username=username))
counts = {}
for name, (who, path) in pages.items():
    clients[who].get(path)  # warm: the filter bar's choices are kept a minute
    with CaptureQueriesContext(connection) as queries:
        response = clients[who].get(path)
    assert response.status_code == 200, (name, response.status_code)
    counts[name] = len(queries)
print(json.dumps(counts))
"""

KEYSET_SCRIPT = """
import json, sys, django
django.setup()
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
setup_test_environment()
client = Client()
client.force_login(User.objects.get(username="bench-agent"))
costs = {}
for name, path in json.loads(sys.argv[1]).items():
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    sql = next(q["sql"] for q in queries if "received_at" in q["sql"] and "LIMIT 26" in q["sql"])
    with connection.cursor() as cursor:
        runs = []
        for _ in range(5):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            runs.append(plan["Execution Time"])
    costs[name] = round(sorted(runs)[2], 3)
print(json.dumps(costs))
"""


def in_process(url: str, script: str, argument: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", script, json.dumps(argument)],
        cwd=data.ROOT,
        env=data.env_for(url),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _kind(name: str) -> str:
    for prefix in ("list", "search", "home"):
        if name.startswith(prefix):
            return prefix
    return name


def run() -> dict:
    url = data.database_url(DATABASE)
    figures: dict[str, object] = {"when": datetime.now(UTC).isoformat(timespec="minutes")}
    figures["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}"
    figures.update({f"1m_{k}": v for k, v in data.ensure(url, 1_000_000).items()})
    with psycopg.connect(url) as conn:
        figures["cases"] = _one(conn, "SELECT count(*) FROM complaints_complaint")[0]
        figures["heavy_agent_open_cases"] = _one(
            conn,
            "SELECT count(*) FROM complaints_complaint c JOIN auth_user u ON u.id = c.owner_id "
            "WHERE u.username = 'bench-agent' AND c.status NOT IN ('resolved', 'closed', 'withdrawn')",
        )[0]
    pages = page_paths(url)
    with gunicorn(data.env_for(url)) as port:
        sessions = {
            "agent": signed_in(port, "bench-agent", data.PASSWORD),
            "supervisor": signed_in(port, "bench-supervisor", data.PASSWORD),
        }
        timings = interleaved({n: (sessions[who], path) for n, (who, path) in pages.items()}, rounds=ROUNDS)
    queries = in_process(url, QUERY_COUNT_SCRIPT, pages)
    bare = summary(timings["bare"])["median_ms"]
    table = {}
    for name, samples in timings.items():
        row: dict[str, object] = summary(samples)
        row["ratio"] = round(float(row["median_ms"]) / bare, 2)
        row["queries"] = queries[name]
        goal = GOALS.get(_kind(name))
        if goal:
            row["goal"] = f"<= {goal}x"
            row["met"] = float(row["ratio"]) <= goal
        table[name] = row
    figures["pages"] = table
    figures["keyset_sql_ms"] = in_process(
        url,
        KEYSET_SCRIPT,
        {"page_2": pages["list_page_2"][1], "page_36001": pages["list_page_36001"][1]},
    )
    if os.environ.get("BENCH_TEAMDAY_HELPDESK", "1") != "0":
        from bench.helpdesk_compare import compare

        figures["helpdesk_100k"] = compare()
    figures["rounds"] = ROUNDS
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, default=str))

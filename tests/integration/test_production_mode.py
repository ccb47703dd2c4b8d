"""The production commands from the README: gunicorn, one worker, one Beat, on PostgreSQL and Redis."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.net import free_port
from tests.support.processes import CeleryProcess, current_database_url, flush_broker

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_worker_and_beat_serve_a_green_portal_with_static_files(tmp_path) -> None:
    flush_broker()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "production-like-secret-for-this-test-only-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        "DJANGO_BEHIND_PROXY": "1",
        "DATABASE_URL": current_database_url(),
        "REDRESS_VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    web = CeleryProcess([], env)
    web.args = [
        GUNICORN,
        "portal.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--access-logfile",
        "-",
    ]
    worker = CeleryProcess(["worker", "-l", "info", "--concurrency", "1"], env)
    beat = CeleryProcess(["beat", "-l", "info"], env)
    try:
        web.start(ready_marker="Booting worker")
        worker.start(ready_marker="ready.")
        beat.start(ready_marker="beat: Starting")
        base = f"http://127.0.0.1:{port}"

        deadline = time.monotonic() + 60
        status, _, body = get(f"{base}/health/")
        while status != 200 and time.monotonic() < deadline:
            time.sleep(1)
            status, _, body = get(f"{base}/health/")
        assert status == 200, body

        # Behind TLS termination: plain requests are redirected, forwarded-HTTPS ones served.
        assert get(f"{base}/accounts/login/")[0] == 301
        status, headers, _ = get(f"{base}/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert status == 200
        assert "max-age=31536000" in headers.get("Strict-Transport-Security", "")

        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "no-store" in headers["Cache-Control"]

        # A body over REQUEST_MAX_BYTES is refused from its headers alone, the body never sent.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(
                b"POST /complain/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
                b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 30000000\r\n\r\n"
            )
            assert connection.recv(100).startswith(b"HTTP/1.1 413")

        status, headers, css = get(f"{base}/static/css/redress.css", **{"X-Forwarded-Proto": "https"})
        assert status == 200 and b".skip-link" in css
        assert headers["Content-Type"].startswith("text/css")
    finally:
        for process in (beat, worker, web):
            process.stop()

"""`make run`'s launcher brings the whole portal up on the embedded default and stops on Ctrl-C."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def test_the_portal_comes_up_on_sqlite_with_demo_data_and_a_green_health(tmp_path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "EMAIL_"))}
    env.update({"DJANGO_DEBUG": "1", "REDRESS_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"})
    env.pop("DJANGO_SECRET_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "portal.devserver", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()  # type: ignore[arg-type]
    try:
        deadline = time.monotonic() + 120
        while "Press Ctrl-C to stop" not in "".join(lines):
            assert process.poll() is None, "".join(lines)[-3000:]
            assert time.monotonic() < deadline, "".join(lines)[-3000:]
            time.sleep(0.5)
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in output
        assert '"worker": {"ok": true}' in output and '"beat": {"ok": true' in output

        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_page = opener.open(f"http://127.0.0.1:{port}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)  # type: ignore[union-attr]
        data = urlencode({"username": "agent", "password": "redress-agent", "csrfmiddlewaretoken": token})
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/accounts/login/",
            data=data.encode(),
            headers={"Referer": f"http://127.0.0.1:{port}/accounts/login/"},
        )
        queue = opener.open(request).read().decode()
        assert "My queue" in queue and "RD-" in queue
        assert (tmp_path / "redress.sqlite3").exists()
        # A quiet start: nothing logged as an error while the processes came up.
        assert " ERROR " not in output, [line for line in output.splitlines() if " ERROR " in line]
        # Links in the demo's emails point at this run's port, not a default one.
        deadline = time.monotonic() + 60
        while not list((tmp_path / "mail").glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.5)
        mail = "".join(path.read_text(errors="replace") for path in (tmp_path / "mail").glob("*.eml"))
        assert f"http://127.0.0.1:{port}/my-complaint/" in mail.replace("=\n", "")
        assert "127.0.0.1:8000" not in mail
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0

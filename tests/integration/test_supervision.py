"""The production guide's process supervision, run for real: supervisord with deploy/supervisord.conf
starts web, worker and Beat, and a worker or Beat killed with SIGKILL is running again by itself."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.net import free_port
from tests.support.processes import ROOT, celery_env, flush_broker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BIN = Path(sys.executable).parent
CONFIG = ROOT / "deploy" / "supervisord.conf"


class Supervisor:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def ctl(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "supervisorctl"), "-c", str(CONFIG), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return done.stdout

    def pid(self, name: str) -> int:
        value = self.ctl("pid", name).strip()
        return int(value) if value.isdigit() else 0

    def wait_running(self, name: str, *, other_than: int = 0, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "RUNNING" in self.ctl("status", name):
                pid = self.pid(name)
                if pid and pid != other_than:
                    return pid
            time.sleep(0.5)
        raise AssertionError(f"{name} is not running: {self.ctl('status')}")


@pytest.fixture
def supervisor(tmp_path) -> Iterator[tuple[Supervisor, int]]:
    flush_broker()
    port = free_port()
    env = {
        **celery_env(),
        "REDRESS_RUN_DIR": str(tmp_path),
        "REDRESS_BIND": f"127.0.0.1:{port}",
        "REDRESS_WORKERS": "1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    process = subprocess.Popen(
        [str(BIN / "supervisord"), "-c", str(CONFIG)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield Supervisor(env), port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_a_worker_and_beat_killed_outright_are_started_again_by_the_supervisor(supervisor) -> None:
    control, port = supervisor
    worker = control.wait_running("worker:worker0")
    beat = control.wait_running("beat")
    control.wait_running("web")

    os.kill(worker, signal.SIGKILL)
    os.kill(beat, signal.SIGKILL)

    assert control.wait_running("worker:worker0", other_than=worker) != worker
    assert control.wait_running("beat", other_than=beat) != beat
    # The restarted Beat sends the worker heartbeat, the restarted worker runs it: all green again.
    deadline = time.monotonic() + 90
    body = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=10) as response:
                body = response.read().decode()
                break
        except urllib.error.HTTPError as error:  # 503 while a check is still down
            body = error.read().decode()
        time.sleep(1)
    assert '"status": "ok"' in body, body

"""Helpers for the fault tests: an SMTP server that can go down and come back on its port, a
throwaway Redis server that can be killed and restarted, and a dispatcher run in its own process."""

import asyncio
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.processes import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Recorder:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.recipients: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        # A slow server keeps a batch in flight long enough to break something in the middle of it.
        await asyncio.sleep(self.delay)
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


class RestartableSmtp:
    """A real SMTP server on a fixed loopback port that keeps every recipient it accepted."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.port = free_port()
        self.recorder = _Recorder(delay)
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> Counter[str]:
        with self.recorder.lock:
            return Counter(self.recorder.recipients)


class ThrowawayRedis:
    """A redis-server of the test's own on a free port, so killing it touches nobody else."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        assert server, "redis-server is needed for the fault tests"
        self.process = subprocess.Popen(
            [
                server,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def kill(self) -> None:
        """SIGKILL, as a crash would: without persistence, every queued message is lost."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def dispatch_in_process(env: dict[str, str], *, later_by: timedelta = timedelta(0), batch_size: int) -> str:
    """One dispatcher run in its own process (as Beat's task runs in a worker), optionally as if it
    ran `later_by` from now: the only way to let leases expire without waiting for them."""
    code = (
        "import django; django.setup()\n"
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from outbox.dispatching import dispatch\n"
        f"print(dispatch(now=timezone.now() + timedelta(seconds={later_by.total_seconds()}),"
        f" batch_size={batch_size}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def wait_until(predicate: Any, *, timeout: float = 90.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} not met within {timeout} s")


def wait_quiet(sink: RestartableSmtp, *, seconds: float = 2.0, timeout: float = 60.0) -> None:
    """Wait until nothing has arrived for `seconds`: the workers have nothing left they can send."""
    deadline = time.monotonic() + timeout
    last, since = sum(sink.received.values()), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = sum(sink.received.values())
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return
    raise AssertionError("the SMTP server kept receiving")

"""Run Celery worker and Beat as real processes, the way the README's production commands do."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def flush_broker() -> None:
    """Start from an empty test Redis database so no message from an earlier test leaks in."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


def current_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def celery_env(*, smtp_port: int | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": current_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_CONN_MAX_AGE": "0",
    }
    if smtp_port is not None:
        env.update({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "0"})
    return env


class CeleryProcess:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.args = [CELERY, "-A", "portal", *args]
        self.env = env
        self.lines: list[str] = []
        self.process: subprocess.Popen[str] | None = None

    def start(self, *, ready_marker: str, timeout: float = 30) -> None:
        self.process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(ready_marker, timeout=timeout)

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, *, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return
            if self.process is not None and self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{' '.join(self.args[3:])} never printed {text!r}:\n{self.output[-4000:]}")

    def kill(self) -> None:
        """Kill the whole process group at once, as a crashed machine would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

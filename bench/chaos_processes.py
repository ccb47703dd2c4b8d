"""The processes of the chaos run, as production runs them: workers, Beat, gunicorn, a Redis server of
the run's own and the mail server, each startable, killable with SIGKILL and restartable.

A small supervisor loop starts a worker or Beat again when it exits, as systemd or supervisord does
in production (deploy/): a fault the run injects is a kill; the restart is the supervisor's job.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


class Process:
    """One supervised process (its own process group, so a kill takes its children too)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.args, self.env, self.log_path = name, args, env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0
        self.exits = 0  # exits the run did not cause (crashes), restarted by the supervisor

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.starts += 1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL on the whole group, as a crashed machine would."""
        if self.alive():
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.kills += 1

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class Supervisor:
    """Restarts supervised processes that are down, a couple of seconds after they stopped."""

    def __init__(self, processes: list[Process], delay: float = 2.0) -> None:
        self.processes = processes
        self.delay = delay
        self.stopping = threading.Event()
        self.expected_down: set[str] = set()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        down_since: dict[str, float] = {}
        while not self.stopping.wait(0.2):
            for process in self.processes:
                if process.alive():
                    down_since.pop(process.name, None)
                    continue
                since = down_since.setdefault(process.name, time.monotonic())
                if time.monotonic() - since >= self.delay and not self.stopping.is_set():
                    if process.name not in self.expected_down:
                        process.exits += 1
                    self.expected_down.discard(process.name)
                    process.start()
                    down_since.pop(process.name, None)

    def kill(self, process: Process) -> None:
        self.expected_down.add(process.name)
        process.kill()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)


def redis_server(port: int, folder: Path, log: Path) -> Process:
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server is needed for make chaos")
    args = [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    return Process("redis", [*args, "--dir", str(folder)], dict(os.environ), log)


def smtp_sink(port: int, received: Path, log: Path, delay: float) -> Process:
    args = [sys.executable, "-m", "bench.chaos_sink", "--port", str(port), "--log", str(received)]
    return Process("smtp", [*args, "--delay", str(delay)], dict(os.environ), log)


def worker(name: str, env: dict[str, str], log: Path, concurrency: int) -> Process:
    args = [str(BIN / "celery"), "-A", "portal", "worker", "-l", "warning", "--concurrency", str(concurrency)]
    return Process(name, [*args, "-n", f"{name}@%h"], env, log)


def beat(env: dict[str, str], log: Path) -> Process:
    return Process("beat", [str(BIN / "celery"), "-A", "portal", "beat", "-l", "warning"], env, log)


def web(port: int, env: dict[str, str], log: Path) -> Process:
    args = [str(BIN / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    return Process("web", args, env, log)

"""Serving and timing pages for the team's-day benchmark: gunicorn with two workers on loopback,
signed-in browsers' worth of HTTP, pages measured interleaved so every page and the bare view
share the same moments of a busy machine."""

import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.bench_intake import Agent, free_port

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def gunicorn(
    env: dict[str, str], *, cwd: Path = ROOT, app: str = "portal.wsgi", workers: int = 2
) -> Iterator[int]:
    """A gunicorn serving `app` as production starts it (two sync workers); yields its port."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable if cwd == ROOT else env["BENCH_PYTHON"], "-m", "gunicorn", app,
            "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "gunicorn stopped"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def signed_in(port: int, username: str, password: str, *, login_path: str = "/accounts/login/") -> Agent:
    session = Agent(port)
    status, page = session.request("GET", login_path)
    assert status == 200, (status, page[:300])
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, page[:500]
    status, page = session.request(
        "POST",
        login_path,
        {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password},
    )
    assert status == 302, (status, page[:500])
    return session


def get(session: Agent, path: str) -> tuple[float, int, int]:
    """Milliseconds for one GET, its status and its size."""
    started = time.perf_counter()
    status, body = session.request("GET", path)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, status, len(body)


def interleaved(
    pages: dict[str, tuple[Agent, str]], *, rounds: int, warmup: int = 3, seed: int = 7
) -> dict[str, list[float]]:
    """Each round requests every page once, in a shuffled order; returns the timings per page."""
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {name: [] for name in pages}
    names = list(pages)
    for round_number in range(warmup + rounds):
        rng.shuffle(names)
        for name in names:
            session, path = pages[name]
            elapsed, status, _ = get(session, path)
            assert status == 200, (name, path, status)
            if round_number >= warmup:
                timings[name].append(elapsed)
    return timings


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[max(0, int(len(ordered) * 0.9) - 1)], 1),
    }

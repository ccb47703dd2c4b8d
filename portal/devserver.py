"""`make run`: migrate, seed demo data once, then run web, worker and Beat together until Ctrl-C.

Runs on whatever the environment configures; `make run` leaves it on the embedded default
(SQLite under var/, kombu's filesystem broker, mail as .eml files under var/mail/).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))


def manage(*args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)  # noqa: S603


def wait_for_health(url: str, processes: list[subprocess.Popen[bytes]], timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    report: dict = {}
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise SystemExit("A process stopped during start-up; see the log above.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                report = json.load(response)
        except urllib.error.HTTPError as error:
            report = json.load(error)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if report.get("status") == "ok":
            return report
        time.sleep(0.5)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    manage("migrate", "--noinput", "-v", "0")
    manage("createcachetable")
    manage("seed_demo")

    base = f"http://{args.host}:{args.port}"
    processes = [
        subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"], cwd=ROOT
        ),
        subprocess.Popen(  # noqa: S603
            [CELERY, "-A", "portal", "worker", "-l", "info", "--concurrency", "2"], cwd=ROOT
        ),
        subprocess.Popen([CELERY, "-A", "portal", "beat", "-l", "info"], cwd=ROOT),  # noqa: S603
    ]

    def stop(*_: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    report = wait_for_health(f"{base}/health/", processes, timeout=90)
    print("\n" + "=" * 64)
    print(f"Redress is running at {base}/   (Django admin: {base}/admin/)")
    print("Demo logins (username / password):")
    print("  agent      / redress-agent        an agent's queue and intake")
    print("  supervisor / redress-supervisor   approvals and team insight")
    print("  admin      / redress-admin        Django admin: policies, categories, templates")
    print(f"Health: {json.dumps(report.get('checks', {}))}")
    print("Mail the portal sends is written to var/mail/*.eml. Press Ctrl-C to stop.")
    print("=" * 64 + "\n", flush=True)

    while True:
        for process in processes:
            if process.poll() is not None:
                print(f"A process exited ({process.args!r}); stopping the rest.")
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()

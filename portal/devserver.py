"""`make run`: migrate, seed demo data once, then run web, worker and Beat together until Ctrl-C.

Runs on whatever the environment configures; `make run` leaves it on the embedded default
(SQLite under var/, kombu's filesystem broker, mail as .eml files under var/mail/).
"""

import argparse
import json
import os
import signal
import subprocess  # nosec B404
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))


def prepare() -> None:
    """Migrate, create the cache table and seed demo data in this process: one Django start-up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable")
    call_command("seed_demo")
    connections.close_all()


def nudge_worker() -> None:
    """Send one heartbeat now so /health/ need not wait for Beat's first 30-second period."""
    from portal.tasks import worker_heartbeat

    worker_heartbeat.delay()


def fresh_heartbeats(since: datetime) -> bool:
    """Both this run's worker and Beat have reported, not just the previous run's."""
    from portal.models import Heartbeat

    return Heartbeat.objects.filter(at__gte=since).count() == len(Heartbeat.Source)


def wait_for_health(url: str, processes: list[subprocess.Popen[bytes]], timeout: float) -> dict:
    since = datetime.now(UTC)
    deadline = time.monotonic() + timeout
    report: dict = {}
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise SystemExit("A process stopped during start-up; see the log above.")
        try:
            # The URL is our own http://host:port/health/, built in main(): no other scheme.
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  # nosec B310
                report = json.load(response)
        except urllib.error.HTTPError as error:
            report = json.load(error)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if report.get("status") == "ok" and fresh_heartbeats(since):
            return report
        time.sleep(0.5)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    base = f"http://{args.host}:{args.port}"
    # Links in emails must point where this portal answers, whatever the port (read by the
    # settings of this process and of the three it starts).
    os.environ.setdefault("SITE_URL", base)

    prepare()

    # Fixed argument lists (this interpreter, manage.py, celery), no shell: nothing untrusted runs.
    processes = [
        subprocess.Popen(  # noqa: S603  # nosec B603
            [PYTHON, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"], cwd=ROOT
        ),
        subprocess.Popen(  # noqa: S603  # nosec B603
            [CELERY, "-A", "portal", "worker", "-l", "info", "--concurrency", "2"], cwd=ROOT
        ),
        subprocess.Popen([CELERY, "-A", "portal", "beat", "-l", "info"], cwd=ROOT),  # noqa: S603  # nosec B603
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
    nudge_worker()

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

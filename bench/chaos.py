"""`make chaos`: follow-ups sent through real faults, counted at the mail server.

5,000 follow-ups fall due at once for 3,000 customers (2,000 of them have two resolved cases, so
the one-survey-in-14-days rule must stop 2,000 surveys). Two workers, Beat, gunicorn, a Redis of
the run's own and an SMTP server in its own process run as in production, under a supervisor that
starts a stopped worker or Beat again. While the surveys go out, the run kills worker process
groups with SIGKILL five times, kills Redis with SIGKILL while send tasks are queued in it (and
starts it again, empty), and takes the mail server down for 60 seconds with batches in flight.
Every half second it asks /health/.

It prints and writes to bench/results/chaos.{json,md}: sent once, sent twice, lost, customers over
the cap, uncertain, failed, seconds from the last fault until every row is final, and how /health/
answered. CHAOS_FOLLOWUPS / CHAOS_CUSTOMERS change the sizes (defaults 5000 / 3000).
"""

import json
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.chaos_processes import (
    Process,
    Supervisor,
    beat,
    free_port,
    redis_server,
    smtp_sink,
    wait_port,
    web,
    worker,
)

FOLLOWUPS = int(os.environ.get("CHAOS_FOLLOWUPS", "5000"))
CUSTOMERS = int(os.environ.get("CHAOS_CUSTOMERS", "3000"))
OUTAGE_SECONDS = 60
SINK_DELAY = 0.02
FINAL_TIMEOUT = 900
RESULTS = Path(__file__).with_name("results")


class HealthProbe(threading.Thread):
    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/health/"
        self.answers: Counter[str] = Counter()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:  # noqa: S310 (our own http URL)
                    self.answers[str(response.status)] += 1
            except urllib.error.HTTPError as error:
                self.answers[str(error.code)] += 1
            except OSError:
                self.answers["no answer"] += 1


def received_lines(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [tuple(line.split("\t")[:2]) for line in lines if line.count("\t") >= 2]  # type: ignore[misc]


def wait_received(path: Path, count: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while len(received_lines(path)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(received_lines(path))} of {count} emails arrived")
        time.sleep(0.2)


def unfinished() -> int:
    from followups.models import FollowUp, State
    from outbox.models import Message
    from outbox.models import State as MessageState

    rows = FollowUp.objects.filter(channel="email", state__in=[State.SCHEDULED, State.QUEUED, State.SENDING])
    waiting = Message.objects.filter(
        state__in=[MessageState.PENDING, MessageState.CLAIMED, MessageState.SENDING]
    )
    return rows.count() + waiting.count()


def run() -> dict[str, Any]:
    from bench.chaos_data import build, database_env

    folder = Path(tempfile.mkdtemp(prefix="redress-chaos-"))
    database_url = build(followups=FOLLOWUPS, customers=CUSTOMERS)
    redis_port, smtp_port, web_port = free_port(), free_port(), free_port()
    received = folder / "received.tsv"
    env = database_env(database_url, broker=f"redis://127.0.0.1:{redis_port}/0", smtp_port=smtp_port)
    redis = redis_server(redis_port, folder, folder / "redis.log")
    sink = smtp_sink(smtp_port, received, folder / "smtp.log", SINK_DELAY)
    workers = [worker(f"chaos{n}", env, folder / f"worker{n}.log", concurrency=2) for n in (1, 2)]
    scheduler = beat(env, folder / "beat.log")
    portal = web(web_port, env, folder / "web.log")
    redis.start()
    wait_port(redis_port)
    sink.start()
    wait_port(smtp_port)
    portal.start()
    wait_port(web_port, timeout=60)
    probe = HealthProbe(web_port)
    probe.start()
    supervised = [*workers, scheduler]
    supervisor = Supervisor(supervised)
    for process in supervised:
        process.start()
    supervisor.start()
    faults: list[tuple[float, str]] = []
    try:
        expected = CUSTOMERS
        schedule = _fault_schedule(expected)
        for threshold, action in schedule:
            wait_received(received, threshold)
            faults.append((time.monotonic(), action))
            _inject(action, supervisor=supervisor, workers=workers, redis=redis, sink=sink, port=redis_port)
        last_fault = faults[-1][0]
        deadline = time.monotonic() + FINAL_TIMEOUT
        while unfinished() and time.monotonic() < deadline:
            time.sleep(1)
        final_after = time.monotonic() - last_fault
        time.sleep(5)  # anything sent twice would arrive now
    finally:
        supervisor.stop()
        probe.stopping.set()
        for process in [*supervised, portal, sink, redis]:
            process.stop()
    figures = _count(received, final_after=final_after, still_unfinished=unfinished())
    figures.update(
        {
            "date": datetime.now(UTC).date().isoformat(),
            "followups_due": FOLLOWUPS,
            "customers": CUSTOMERS,
            "faults": [action for _, action in faults],
            "worker_kills": sum(w.kills for w in workers),
            # Each kill takes a worker's main process and its two children, each of which may be
            # in the middle of one SMTP conversation.
            "sending_processes_killed": sum(w.kills for w in workers) * 2,
            "processes_exited_by_themselves": {p.name: p.exits for p in supervised if p.exits},
            "health_answers": dict(probe.answers),
            "rate_before_first_fault_per_s": _rate_before(received, faults[0][1] if faults else None),
            "mail_server_latency_ms": int(SINK_DELAY * 1000),
            "logs": str(folder),
        }
    )
    return figures


def _rate_before(path: Path, _first_fault: str | None) -> float:
    """Emails per second at the mail server before the first fault (its own timestamps), with its
    artificial latency: a floor, not the bench's throughput figure."""
    stamps = sorted(
        float(line.split("\t")[2]) for line in path.read_text().splitlines() if line.count("\t") >= 2
    )
    cutoff = _fault_schedule(CUSTOMERS)[0][0]
    window = stamps[:cutoff]
    return round((len(window) - 1) / (window[-1] - window[0])) if len(window) > 1 else 0.0


def _fault_schedule(expected: int) -> list[tuple[int, str]]:
    """When each fault strikes, by how many surveys the mail server has received."""
    step = expected // 12
    return [
        (step * 2, "kill worker 1"),
        (step * 3, "kill worker 2"),
        (step * 4, "kill redis"),
        (step * 5, "smtp down"),
        (step * 7, "kill worker 1"),
        (step * 8, "kill worker 2"),
        (step * 9, "kill worker 1"),
    ]


def _inject(
    action: str, *, supervisor: Supervisor, workers: list[Process], redis: Process, sink: Process, port: int
) -> None:
    print(f"{time.strftime('%H:%M:%S')} {action}", flush=True)
    if action.startswith("kill worker"):
        supervisor.kill(workers[int(action[-1]) - 1])
    elif action == "kill redis":
        redis.kill()  # every message queued in it is gone: it keeps nothing on disk
        time.sleep(3)
        redis.start()
    elif action == "smtp down":
        sink.kill()
        time.sleep(OUTAGE_SECONDS)
        sink.start()


def _count(received_path: Path, *, final_after: float, still_unfinished: int) -> dict[str, Any]:
    from followups.models import FollowUp, State

    arrivals = Counter(message_id for message_id, _ in received_lines(received_path))
    rows = list(
        FollowUp.objects.filter(channel="email")
        .select_related("message")
        .values_list("state", "customer_id", "message__pk", "message__key")
    )
    by_message = {pk: (state, customer) for state, customer, pk, _ in rows if pk}
    arrived_pk = Counter()
    for message_id, count in arrivals.items():
        pk = message_id.strip("<>").split(".", 1)[0]
        if pk.isdigit():
            arrived_pk[int(pk)] += count
    surveys_per_customer: Counter[int] = Counter()
    for pk in arrived_pk:
        if pk in by_message:
            surveys_per_customer[by_message[pk][1]] += 1
    states = Counter(state for state, *_ in rows)
    sent_not_arrived = sum(
        1 for pk, (state, _) in by_message.items() if state == State.SENT and pk not in arrived_pk
    )
    uncertain_arrived = sum(
        1 for pk, (state, _) in by_message.items() if state == State.UNCERTAIN and pk in arrived_pk
    )
    return {
        "sent_once": sum(1 for count in arrived_pk.values() if count == 1),
        "sent_twice": sum(1 for count in arrived_pk.values() if count > 1),
        "lost": sent_not_arrived + still_unfinished,
        "customers_over_the_cap": sum(1 for count in surveys_per_customer.values() if count > 1),
        "uncertain": states.get(State.UNCERTAIN, 0),
        "uncertain_that_arrived": uncertain_arrived,
        "failed": states.get(State.FAILED, 0),
        "skipped_by_the_cap": FollowUp.objects.filter(note="Customer already had a survey recently").count(),
        "seconds_from_last_fault_to_all_final": round(final_after),
        "final_states": {str(state): count for state, count in states.items()},
    }


def write(figures: dict[str, Any]) -> None:
    # The logs' folder is this machine's: printed, not kept with the figures.
    figures = {key: value for key, value in figures.items() if key != "logs"}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "chaos.json").write_text(json.dumps(figures, indent=2) + "\n")
    lines = ["# make chaos", "", "| figure | value |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in figures.items()]
    (RESULTS / "chaos.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    result = run()
    write(result)
    print(json.dumps(result, indent=2))

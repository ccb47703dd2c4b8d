"""End-to-end part of the follow-up bench: real workers send due follow-ups into a local SMTP
sink, timed from the dispatcher's hand-off to the last message received; none may arrive twice."""

import logging
import os
import statistics
import subprocess
import time
from collections import Counter
from typing import Any

import redis
from django.conf import settings

from bench.bench_followups import (
    CELERY,
    END_TO_END,
    ROOT,
    RUNS,
    WORKERS,
    _env,
    _insert_followups,
    _make_cases,
)


class _CountingCollector:
    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def _end_to_end(database_url: str, workers: int, run: int) -> dict[str, float]:
    from followups.models import FollowUp, State
    from outbox.dispatching import dispatch
    from tests.support.smtp import SmtpSink

    step_id, complaint_ids, customer_ids = _make_cases(
        END_TO_END, f"E{workers}R{run}", distinct_customers=True
    )
    _insert_followups(
        step_id=step_id,
        complaint_ids=complaint_ids,
        customer_ids=customer_ids,
        rows=END_TO_END,
        due="now() - interval '1 minute'",
    )
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = SmtpSink()
    # The sink is not what is measured: keep recipients only instead of parsing every message.
    sink.collector = _CountingCollector()
    sink.controller.handler = sink.collector
    sink.start()
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()
    process = subprocess.Popen(
        [CELERY, "-A", "portal", "worker", "-l", "warning", "--concurrency", str(workers), "-n", "bench@%h"],
        cwd=ROOT,
        env=_env(database_url, sink.port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(8)  # worker start-up is not part of the rate
        started = time.perf_counter()
        # One tick releases every due follow-up and hands out the first batches; each finished
        # batch wakes the dispatcher for the next (what Beat's tick starts in production).
        dispatch()
        handed = END_TO_END
        deadline = time.monotonic() + 600
        while len(sink.collector.recipients) < handed and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        time.sleep(3)  # anything sent twice would arrive now
        received = Counter(sink.collector.recipients)
        sent_rows = FollowUp.objects.filter(state=State.SENT, complaint_id__in=complaint_ids).count()
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
        sink.stop()
        broker.flushdb()
    return {
        "followups": handed,
        "received": sum(received.values()),
        "sent_twice": sum(1 for count in received.values() if count > 1),
        "rows_marked_sent": sent_rows,
        "seconds": round(elapsed, 2),
        "per_s": round(sum(received.values()) / elapsed),
    }


def end_to_end_runs(database_url: str) -> dict[str, object]:
    figures: dict[str, object] = {"e2e_followups_per_run": END_TO_END, "e2e_runs": RUNS}
    for workers in WORKERS:
        runs = [_end_to_end(database_url, workers, run) for run in range(RUNS)]
        key = f"e2e_{workers}_workers"
        figures[f"{key}_emails_per_s_median"] = statistics.median(r["per_s"] for r in runs)
        figures[f"{key}_emails_per_s_runs"] = [r["per_s"] for r in runs]
        figures[f"{key}_received_total"] = sum(r["received"] for r in runs)
        figures[f"{key}_sent_twice_total"] = sum(r["sent_twice"] for r in runs)
        figures[f"{key}_rows_marked_sent_total"] = sum(r["rows_marked_sent"] for r in runs)
    return figures

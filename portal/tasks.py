from celery import shared_task

from portal.heartbeat import record_heartbeat
from portal.models import Heartbeat


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Sent by Beat every 30 seconds; a worker running it proves the queue is drained."""
    record_heartbeat(source=Heartbeat.Source.WORKER)

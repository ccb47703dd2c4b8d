"""django-celery-beat's DatabaseScheduler, plus a heartbeat so /health/ can tell Beat is ticking."""

import logging
import time
from typing import Any

from django.db import DatabaseError, close_old_connections
from django_celery_beat.schedulers import DatabaseScheduler

from portal.heartbeat import record_heartbeat
from portal.models import Heartbeat

logger = logging.getLogger(__name__)

# Writing once every few seconds is plenty for a check that tolerates minutes.
HEARTBEAT_EVERY_SECONDS = 10.0


class TrackedDatabaseScheduler(DatabaseScheduler):
    _last_heartbeat = 0.0

    def tick(self, *args: Any, **kwargs: Any) -> float:
        interval = super().tick(*args, **kwargs)
        now = time.monotonic()
        if now - self._last_heartbeat >= HEARTBEAT_EVERY_SECONDS:
            try:
                close_old_connections()
                record_heartbeat(source=Heartbeat.Source.BEAT)
                self._last_heartbeat = now
            except DatabaseError:
                # Beat must keep scheduling even when the heartbeat cannot be written; /health/
                # will then report Beat as down, which is the visible signal.
                logger.exception("Could not record Beat's heartbeat")
        return min(interval, HEARTBEAT_EVERY_SECONDS)

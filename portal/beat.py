"""django-celery-beat's DatabaseScheduler, with a heartbeat for /health/ and a lease so that only one
Beat ever schedules.

Two Beats would send every periodic task twice. The lease is a database row each tick renews
(`UPDATE … WHERE holder = me OR expired`, whose row count says who holds it): a second Beat started
by mistake stands by, doing nothing, and takes over within a lease period if the first one dies.
It works the same on PostgreSQL and on the embedded SQLite default.
"""

import logging
import os
import socket
import time
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections
from django.db.models import Q
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from portal.heartbeat import record_heartbeat
from portal.models import Heartbeat, SchedulerLease

logger = logging.getLogger(__name__)

# Writing once every few seconds is plenty for a check that tolerates minutes.
HEARTBEAT_EVERY_SECONDS = 10.0
LEASE_NAME = "celery-beat"


def lease_seconds() -> float:
    return float(settings.BEAT_LEASE_SECONDS)


class TrackedDatabaseScheduler(DatabaseScheduler):
    _last_heartbeat = 0.0
    _leading: bool | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        close_old_connections()
        if not self._hold_lease():
            # Standing by: re-check well within a lease, so a takeover is quick.
            return lease_seconds() / 3
        interval = super().tick(*args, **kwargs)
        now = time.monotonic()
        if now - self._last_heartbeat >= HEARTBEAT_EVERY_SECONDS:
            try:
                record_heartbeat(source=Heartbeat.Source.BEAT)
                self._last_heartbeat = now
            except DatabaseError:
                # Beat must keep scheduling even when the heartbeat cannot be written; /health/
                # will then report Beat as down, which is the visible signal.
                logger.exception("Could not record Beat's heartbeat")
        # Ticks come often enough to renew the lease well before it runs out.
        return min(interval, HEARTBEAT_EVERY_SECONDS, lease_seconds() / 3)

    def _hold_lease(self) -> bool:
        now = timezone.now()
        expires = now + timedelta(seconds=lease_seconds())
        try:
            held = SchedulerLease.objects.filter(
                Q(holder=self.holder) | Q(expires_at__lt=now), name=LEASE_NAME
            ).update(holder=self.holder, expires_at=expires)
            if not held and not SchedulerLease.objects.filter(name=LEASE_NAME).exists():
                try:
                    SchedulerLease.objects.create(name=LEASE_NAME, holder=self.holder, expires_at=expires)
                    held = 1
                except IntegrityError:
                    held = 0  # another Beat created it at the same moment: it leads
        except DatabaseError:
            # Without the database nothing can be scheduled safely; try again at the next tick.
            logger.exception("Beat could not renew its lease")
            return False
        leading = bool(held)
        if leading != self._leading:
            if leading:
                logger.warning("Beat %s holds the scheduling lease: scheduling.", self.holder)
            else:
                logger.warning(
                    "Another Beat is scheduling (lease held): %s stands by and sends nothing.", self.holder
                )
            self._leading = leading
        return leading

    def close(self) -> None:
        super().close()
        # Hand over at once on a clean stop instead of making a standby wait for the lease.
        try:
            SchedulerLease.objects.filter(name=LEASE_NAME, holder=self.holder).update(
                holder="", expires_at=timezone.now()
            )
        except DatabaseError:
            logger.warning("Beat could not release its lease", exc_info=True)

"""/health/: JSON for load balancers and for `make run` to wait on. Reveals nothing but up or down."""

import logging
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from portal.celery import app as celery_app
from portal.heartbeat import is_recent, last_heartbeat
from portal.models import Heartbeat

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Health: database unreachable", exc_info=True)
        return False


def _broker_ok() -> bool:
    url = str(celery_app.conf.broker_write_url or celery_app.conf.broker_url or "")
    if url.startswith(("redis://", "rediss://")):
        return _redis_answers(url)
    try:  # the embedded default's filesystem transport: connecting proves its folders are there
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except (OSError, KombuOperationalError):
        logger.warning("Health: broker unreachable", exc_info=True)
        return False


def _redis_answers(url: str) -> bool:
    """A PING on a client of its own with one-second timeouts: a load balancer's probe must get an
    answer at once even while Redis restarts (the transport's own timeouts are ten seconds)."""
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except RedisError:
        # Reported as "broker down" in the response and logged with its cause.
        logger.warning("Health: broker unreachable", exc_info=True)
        return False
    finally:
        client.close()


def health_report() -> dict[str, Any]:
    checks: dict[str, dict[str, Any]] = {
        "database": {"ok": _database_ok()},
        "broker": {"ok": _broker_ok()},
    }
    worker_at = beat_at = None
    if checks["database"]["ok"]:
        worker_at = last_heartbeat(source=Heartbeat.Source.WORKER)
        beat_at = last_heartbeat(source=Heartbeat.Source.BEAT)
    checks["worker"] = {"ok": is_recent(worker_at, max_age_seconds=settings.HEALTH_WORKER_MAX_AGE_SECONDS)}
    checks["beat"] = {
        "ok": is_recent(beat_at, max_age_seconds=settings.HEALTH_BEAT_MAX_AGE_SECONDS),
        "last_tick": beat_at.isoformat() if beat_at else None,
    }
    status = "ok" if all(check["ok"] for check in checks.values()) else "down"
    return {"status": status, "checks": checks}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)

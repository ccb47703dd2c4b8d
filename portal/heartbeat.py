"""Record and read the heartbeats of Beat and the workers."""

from datetime import datetime, timedelta

from django.utils import timezone

from portal.models import Heartbeat


def record_heartbeat(*, source: str, at: datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(source=source, defaults={"at": at or timezone.now()})


def last_heartbeat(*, source: str) -> datetime | None:
    return Heartbeat.objects.filter(source=source).values_list("at", flat=True).first()


def is_recent(at: datetime | None, *, max_age_seconds: int, now: datetime | None = None) -> bool:
    if at is None:
        return False
    return (now or timezone.now()) - at <= timedelta(seconds=max_age_seconds)

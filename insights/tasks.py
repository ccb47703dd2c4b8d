"""Periodic tasks: ids in, a service call out."""

from celery import shared_task

from insights.services.digest import send_team_digest as send_digest_service
from insights.services.rollups import refresh_recent_rollups, refresh_rollups


@shared_task(ignore_result=True)
def refresh_insights() -> int:
    return refresh_recent_rollups()


@shared_task(ignore_result=True)
def refresh_insights_range(start: str, end: str) -> int:
    from datetime import date

    return refresh_rollups(start=date.fromisoformat(start), end=date.fromisoformat(end))


@shared_task(ignore_result=True)
def send_team_digest(team_id: int) -> bool:
    return send_digest_service(team_id=team_id)

"""The weekly team digest: what it says, that it leaves through the outbox once per week, and
its Beat schedule."""

from datetime import UTC, datetime, timedelta

import pytest
from django_celery_beat.models import PeriodicTask

from insights.models import Team
from insights.services.digest import send_team_digest
from insights.services.rollups import refresh_rollups
from insights.services.teams import ensure_digest_schedule
from outbox.models import Message
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    ComplaintFactory,
    ResolutionFactory,
    TeamFactory,
    root_cause,
)

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def test_a_data_migration_schedules_the_default_teams_digest_on_monday_at_nine_in_its_zone() -> None:
    team = Team.objects.get(name="Customer care")
    entry = team.digest_schedule
    assert entry.task == "insights.tasks.send_team_digest"
    assert entry.kwargs == f'{{"team_id": {team.pk}}}'
    crontab = entry.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "9", "1")
    assert str(crontab.timezone) == team.time_zone
    assert PeriodicTask.objects.get(name="Refresh insights figures").interval.every == 300


def test_a_new_team_gets_its_own_entry_in_its_time_zone_and_an_edited_one_is_kept() -> None:
    team = TeamFactory(name="Night shift", time_zone="America/New_York")
    entry = ensure_digest_schedule(team=team)
    assert str(entry.crontab.timezone) == "America/New_York"
    entry.crontab.hour = "7"
    entry.crontab.save()
    assert ensure_digest_schedule(team=team).crontab.hour == "7"


def _team_with_work() -> Team:
    ada = AgentFactory(username="ada")
    team = TeamFactory(name="Parcels", email="parcels@staff.example.com")
    team.members.add(ada)
    late = ComplaintFactory(owner=ada, status="investigating", resolution_due_at=MONDAY - timedelta(days=2))
    ComplaintFactory(
        owner=AgentFactory(), status="investigating", resolution_due_at=MONDAY - timedelta(days=2)
    )
    deliveries = CategoryFactory(name="Deliveries")
    for n in range(3):
        ResolutionFactory(
            complaint=ComplaintFactory(owner=ada, category=deliveries),
            resolved_by=ada,
            completed_at=MONDAY - timedelta(days=n + 1),
            root_cause=root_cause("delivery"),
            lesson_learned=f"Lesson number {n}" if n == 0 else "",
        )
    refresh_rollups(start=(MONDAY - timedelta(days=60)).date(), end=MONDAY.date())
    team.late_reference = late.reference  # type: ignore[attr-defined]
    return team


def test_the_digest_lists_recurring_problems_new_lessons_satisfaction_and_overdue_cases() -> None:
    team = _team_with_work()
    assert send_team_digest(team_id=team.pk, now=MONDAY) is True
    message = Message.objects.get(key=f"digest:{team.pk}:2026-W12")
    assert message.to == "parcels@staff.example.com"
    assert message.subject == "Parcels: week 2026-W12 in complaints"
    assert "- Deliveries / Delivery: 3 cases, rising" in message.text
    assert "Lesson number 0" in message.text
    assert "Overdue cases: 1" in message.text and team.late_reference in message.text
    assert "Satisfaction per week" in message.text and "<table>" in message.html


def test_running_the_digest_twice_in_a_week_writes_one_message() -> None:
    team = _team_with_work()
    assert send_team_digest(team_id=team.pk, now=MONDAY) is True
    assert send_team_digest(team_id=team.pk, now=MONDAY + timedelta(hours=3)) is False
    assert Message.objects.filter(key__startswith=f"digest:{team.pk}:").count() == 1
    assert send_team_digest(team_id=team.pk, now=MONDAY + timedelta(days=7)) is True

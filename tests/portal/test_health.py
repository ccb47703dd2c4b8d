"""/health/ says whether database, broker, worker and Beat are alive, and nothing more."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.heartbeat import record_heartbeat
from portal.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_it_is_green_when_worker_and_beat_reported_recently(client) -> None:
    record_heartbeat(source=Heartbeat.Source.WORKER)
    record_heartbeat(source=Heartbeat.Source.BEAT)

    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "worker", "beat"}
    assert body["checks"]["beat"]["last_tick"] is not None


def test_it_answers_503_when_the_worker_has_not_reported_for_minutes(client) -> None:
    record_heartbeat(source=Heartbeat.Source.WORKER, at=timezone.now() - timedelta(minutes=10))
    record_heartbeat(source=Heartbeat.Source.BEAT)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["worker"] == {"ok": False}


def test_it_reports_beat_down_before_beat_ever_ticked(client) -> None:
    record_heartbeat(source=Heartbeat.Source.WORKER)

    body = client.get("/health/").json()

    assert body["checks"]["beat"] == {"ok": False, "last_tick": None}


def test_it_reports_the_broker_down_when_redis_is_unreachable(client, settings) -> None:
    from portal.celery import app

    record_heartbeat(source=Heartbeat.Source.WORKER)
    record_heartbeat(source=Heartbeat.Source.BEAT)
    original = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/health/")
    finally:
        app.conf.broker_write_url = original

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False}


def test_it_refuses_anything_but_get(client) -> None:
    assert client.post("/health/").status_code == 405


def test_it_reports_the_database_down_when_a_query_fails(client, monkeypatch) -> None:
    from django.db import DatabaseError

    from portal import health

    def broken_cursor():  # the server went away between two requests
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False}

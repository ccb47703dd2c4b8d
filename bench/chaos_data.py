"""The chaos run's database (`redress_chaos`, rebuilt each run): resolved cases whose email follow-ups
are all due now, for fewer customers than follow-ups."""

import os
from datetime import timedelta

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

DATABASE = os.environ.get("CHAOS_DB", "redress_chaos")


def _server_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


def _recreate() -> str:
    server = _server_url()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    for alias in connections:
        connections[alias].close()
    settings.DATABASES["default"]["NAME"] = DATABASE
    connections["default"].settings_dict["NAME"] = DATABASE
    call_command("migrate", verbosity=0)
    return f"{server.replace('postgresql', 'postgres')}/{DATABASE}"


def build(*, followups: int, customers: int) -> str:
    """Return the database URL. Customer i has cases i, i + customers, …: the first
    `followups - customers` customers have two cases whose surveys fall due together."""
    from complaints.models import Category, Channel, Complaint, Customer, Severity, Status
    from followups.models import FollowUp, FollowUpStep, Purpose, State

    url = _recreate()
    now = timezone.now()
    step = FollowUpStep.objects.get(policy__name="Standard")
    step.start_hour, step.end_hour, step.weekdays = 0, 24, "1,2,3,4,5,6,7"
    step.save()
    category, _ = Category.objects.get_or_create(name="Chaos")
    channel, severity = Channel.objects.get(code="email"), Severity.objects.get(code="medium")
    people = Customer.objects.bulk_create(
        Customer(name=f"Customer {i}", email=f"customer{i}@chaos.example.com", time_zone="UTC")
        for i in range(customers)
    )
    cases = Complaint.objects.bulk_create(
        (
            Complaint(
                reference=f"RD-CH-{i:07d}",
                customer=people[i % customers],
                channel=channel,
                category=category,
                severity=severity,
                customer_words="The parcel never came.",
                received_at=now - timedelta(days=5),
                status=Status.RESOLVED,
                resolved_at=now - timedelta(days=3),
                outcome="Refund of £20 agreed.",
            )
            for i in range(followups)
        ),
        batch_size=2_000,
    )
    FollowUp.objects.bulk_create(
        (
            FollowUp(
                complaint=case,
                customer_id=case.customer_id,
                step=step,
                resolved_at=case.resolved_at,
                purpose=Purpose.PRIMARY,
                channel="email",
                state=State.SCHEDULED,
                due_at=now - timedelta(minutes=1),
            )
            for case in cases
        ),
        batch_size=2_000,
    )
    return url


def database_env(database_url: str, *, broker: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "DJANGO_CONN_MAX_AGE": "60",
        "PYTHONUNBUFFERED": "1",
    }

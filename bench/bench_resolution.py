"""Resolution figures: cost of an approval under the budget lock, contention between approvers,
and the cost (time, queries) of the resolve page and of the case page with its panel.

Runs against DATABASE_URL (migrated here); data is created under a category of its own.
"""

import statistics
import threading
import time
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext, setup_test_environment

from complaints.models import Category, Channel, Complaint, Customer, Severity, Status
from complaints.services.intake import submit_complaint
from complaints.services.transitions import change_status
from resolutions.models import CompensationKind, CompensationPolicy
from resolutions.services.compensation import approve_compensation, propose_compensation


def _user(name: str, role: str) -> User:
    user, _ = User.objects.get_or_create(username=name, defaults={"email": f"{name}@bench.localhost"})
    user.set_password("bench-password-not-secret")
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def _case(category: Category, owner: User) -> Complaint:
    customer = Customer.objects.create(name="Bench Customer", email="bench@example.com")
    case = submit_complaint(
        customer=customer,
        channel=Channel.objects.get(code="phone"),
        category=category,
        severity=Severity.objects.get(code="medium"),
        customer_words="Bench complaint.",
        actor=owner,
    )
    case.owner = owner
    case.save(update_fields=["owner"])
    change_status(complaint=case, to_status=Status.INVESTIGATING, actor=owner)
    return case


def _requests(category: Category, agent: User, count: int) -> list:
    refund = CompensationKind.objects.get(code="refund")
    return [
        propose_compensation(
            complaint=_case(category, agent),
            actor=agent,
            kind=refund,
            amount=Decimal("60.00"),
            currency="GBP",
            reason="Bench",
            idempotency_key=uuid.uuid4(),
        )
        for _ in range(count)
    ]


def run() -> dict:
    call_command("migrate", verbosity=0)
    setup_test_environment()
    stamp = uuid.uuid4().hex[:8]
    category = Category.objects.create(name=f"Bench {stamp}")
    policy = CompensationPolicy.objects.create(
        name=f"Bench {stamp}",
        category=category,
        agent_limit=Decimal("50"),
        supervisor_limit=Decimal("250"),
        hard_maximum=Decimal("1000"),
        monthly_budget=Decimal("1000000"),
    )
    policy.allowed_kinds.set(CompensationKind.objects.all())
    agent = _user(f"bench-agent-{stamp}", "Agent")
    supervisors = [_user(f"bench-sup-{stamp}-{i}", "Supervisor") for i in range(4)]

    # One approver, one after the other.
    serial = _requests(category, agent, 40)
    timings = []
    for compensation in serial:
        started = time.perf_counter()
        approve_compensation(compensation=compensation, actor=supervisors[0])
        timings.append((time.perf_counter() - started) * 1000)

    # Four approvers at once on the same category and month: they queue on one budget row.
    batches = [_requests(category, agent, 20) for _ in supervisors]
    barrier = threading.Barrier(len(supervisors))

    def approve_all(actor: User, items: list) -> None:
        barrier.wait()
        for compensation in items:
            approve_compensation(compensation=compensation, actor=actor)
        connection.close()

    threads = [
        threading.Thread(target=approve_all, args=(s, b)) for s, b in zip(supervisors, batches, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent_seconds = time.perf_counter() - started

    # Page timings without the static manifest (not built here); rendering cost is the same.
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain_static):
        pages = _pages(category, agent, serial[0].complaint)
    return {
        "approval_ms_median": round(statistics.median(timings), 2),
        "approval_ms_p90": round(sorted(timings)[int(len(timings) * 0.9)], 2),
        "concurrent_approvals": 4 * 20,
        "concurrent_approvers": 4,
        "concurrent_approvals_per_second": round(80 / concurrent_seconds, 1),
        **pages,
    }


def _pages(category: Category, agent: User, resolved_case: Complaint) -> dict:
    client = Client()
    client.force_login(agent)
    case = _case(category, agent)
    page_ms: dict[str, list[float]] = {"resolve": [], "case": []}
    queries: dict[str, int] = {}
    for name, url in (
        ("resolve", f"/cases/{case.reference}/resolve/"),
        ("case", f"/cases/{resolved_case.reference}/"),
    ):
        client.get(url)
        for _ in range(20):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                page_ms[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries[name] = len(captured)

    return {
        "resolve_page_ms_median": round(statistics.median(page_ms["resolve"]), 2),
        "resolve_page_queries": queries["resolve"],
        "case_page_with_panel_ms_median": round(statistics.median(page_ms["case"]), 2),
        "case_page_with_panel_queries": queries["case"],
    }

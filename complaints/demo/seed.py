"""Demo data for `make run`: three staff logins and a few dozen real complaints in every state.

The complaints are real CFPB records (public domain; see README). Customer names are invented:
the CFPB publishes none.
"""

import csv
from datetime import UTC, datetime, timedelta
from itertools import cycle
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction

from accounts.roles import Role
from complaints.demo.intake import seed_case_work
from complaints.models import Category, Channel, Complaint, Customer, Emotion, Severity, Status
from complaints.public.demo import seed_public_complaints
from complaints.services.intake import submit_complaint
from complaints.services.reopening import reopen_complaint
from complaints.services.transitions import change_status

SAMPLE = Path(__file__).with_name("cfpb_sample.csv")
USERS = [
    ("agent", "Alex", "Agent", Role.AGENT, False),
    ("agent2", "Sam", "Second", Role.AGENT, False),
    ("supervisor", "Morgan", "Supervisor", Role.SUPERVISOR, False),
    ("admin", "Ada", "Admin", Role.ADMIN, True),
]
NAMES = [
    "Maria Garcia",
    "James Smith",
    "Aisha Khan",
    "Chen Wei",
    "Olivia Brown",
    "Kwame Mensah",
    "Sofia Rossi",
    "Liam Murphy",
    "Priya Patel",
    "Noah Johnson",
    "Fatima Ali",
    "Lucas Martin",
]
ZONES = {
    "NY": "America/New_York",
    "FL": "America/New_York",
    "CA": "America/Los_Angeles",
    "TX": "America/Chicago",
    "IL": "America/Chicago",
    "AZ": "America/Phoenix",
}
CHANNELS = {
    "Web": "web",
    "Phone": "phone",
    "Postal mail": "letter",
    "Referral": "email",
    "Fax": "letter",
    "Email": "email",
}
# Each path ends in the state the demo case is left in.
PATHS: list[list[Status]] = [
    [],
    [Status.ACKNOWLEDGED],
    [Status.INVESTIGATING],
    [Status.ACKNOWLEDGED, Status.SOLUTION_PROPOSED],
    [Status.INVESTIGATING, Status.RESOLVED],
    [Status.INVESTIGATING, Status.RESOLVED, Status.CLOSED],
    [Status.INVESTIGATING, Status.RESOLVED, Status.REOPENED],
    [Status.WITHDRAWN],
]


def ensure_users() -> dict[str, User]:
    users: dict[str, User] = {}
    for username, first, last, role, superuser in USERS:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@redress.localhost",
            },
        )
        if created:
            user.set_password(f"redress-{role.lower()}")
            user.is_staff = superuser
            user.is_superuser = superuser
            user.save()
            user.groups.add(Group.objects.get(name=role))
        users[username] = user  # type: ignore[assignment]
    return users


@transaction.atomic
def seed_complaints() -> int:
    """Create the demo data unless it is there already; return how many complaints were made."""
    users = ensure_users()
    if Complaint.objects.exists():
        return 0
    agents = cycle([users["agent"], users["agent2"], None])
    severities = cycle(list(Severity.objects.order_by("rank")))
    emotions = cycle(list(Emotion.objects.all()))
    paths = cycle(PATHS)
    names = cycle(NAMES)
    now = datetime.now(UTC)
    customers: dict[str, Customer] = {}
    count = 0
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            name = next(names)
            customer = customers.get(name)
            if customer is None:
                slug = name.lower().replace(" ", ".")
                customer = Customer.objects.create(
                    name=name,
                    email=f"{slug}@example.com",
                    time_zone=ZONES.get(row["State"], "America/Chicago"),
                )
                customers[name] = customer
            category, _ = Category.objects.get_or_create(name=row["Product"][:120])
            complaint = submit_complaint(
                customer=customer,
                channel=Channel.objects.get(code=CHANNELS.get(row["Submitted via"], "web")),
                category=category,
                severity=next(severities),
                emotion=next(emotions),
                customer_words=row["Consumer complaint narrative"],
                issue=row["Issue"],
                order_reference=row["Company"][:200],
                received_at=now - timedelta(hours=6 * index + 1),
            )
            owner = next(agents)
            path = next(paths)
            if owner is not None or path:
                complaint.owner = owner or users["agent"]
                complaint.save(update_fields=["owner"])
            for status in path:
                if status == Status.REOPENED:
                    reopen_complaint(
                        complaint=complaint,
                        reason="The customer called back: not fixed yet.",
                        actor_label="Customer",
                    )
                else:
                    change_status(complaint=complaint, to_status=status, actor=complaint.owner)
            count += 1
    count += seed_public_complaints()
    seed_case_work()
    return count

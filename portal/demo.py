"""The demo data of `make run`, in dependency order: each app seeds its own, from the bottom up.

Orchestrated here, in the project's wiring, so that no app reaches up to the apps built on it.
"""

from django.db import transaction


@transaction.atomic
def seed_demo() -> int:
    """Create demo logins and data when the database has no complaints yet; return how many
    complaints were created (0 when the demo is already there)."""
    from complaints.demo.seed import seed_complaints
    from followups.demo import seed_demo_followups
    from insights.demo import seed_insights
    from resolutions.demo import seed_resolutions

    created = seed_complaints()
    if created:
        seed_resolutions()
        seed_demo_followups()
        seed_insights()
    return created

"""Django admin: policies with their steps, follow-ups with filters and cancel/retry actions."""

import pytest
from django_celery_beat.models import PeriodicTask

from followups.models import FollowUp, FollowUpPolicy, State
from tests.factories import AdminUserFactory, ComplaintFactory, resolve

pytestmark = pytest.mark.django_db


def test_the_default_policies_ship_with_the_database() -> None:
    policies = {p.name: [s.channel for s in p.steps.all()] for p in FollowUpPolicy.objects.all()}
    assert policies == {
        "Standard": ["email"],
        "High or critical severity": ["email", "call"],
        "Compensation given": ["email", "call"],
    }
    standard = FollowUpPolicy.objects.get(name="Standard").steps.get()
    assert (standard.delay, standard.delay_unit) == (3, "days")


def test_one_beat_entry_sends_all_mail_follow_ups_included_every_ten_seconds() -> None:
    (task,) = PeriodicTask.objects.filter(task="outbox.tasks.dispatch_outbox")
    assert task.enabled and task.interval.every == 10 and task.interval.period == "seconds"


def test_admin_lists_followups_with_filters_and_cancels_and_retries_through_the_services(client) -> None:
    client.force_login(AdminUserFactory(is_superuser=True))
    (followup,) = resolve(ComplaintFactory())
    failed_case = ComplaintFactory()
    (failed,) = resolve(failed_case)
    # Failed before it reached the outbox (no address then); the address is there now.
    FollowUp.objects.filter(pk=failed.pk).update(
        state=State.FAILED, last_error="The customer has no email address."
    )

    listing = client.get("/admin/followups/followup/?state__exact=failed")
    assert listing.status_code == 200 and failed_case.reference in listing.content.decode()
    assert (
        client.get(f"/admin/followups/followuppolicy/{FollowUpPolicy.objects.first().pk}/change/").status_code
        == 200
    )

    changelist = "/admin/followups/followup/"
    client.post(changelist, {"action": "cancel_selected", "_selected_action": [followup.pk]})
    client.post(changelist, {"action": "retry_selected", "_selected_action": [failed.pk]})

    followup.refresh_from_db()
    failed.refresh_from_db()
    assert followup.state == State.CANCELLED
    assert failed.state == State.SCHEDULED
    assert failed_case.events.filter(note__startswith="Follow-up (failed) sent again").exists()

"""Status changes from the case page, and a timeline that cannot be edited."""

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from complaints.models import EventKind, Status, TimelineEvent
from tests.factories import AgentFactory, ComplaintFactory

pytestmark = pytest.mark.django_db


def test_the_case_page_offers_only_the_allowed_moves(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent, status=Status.NEW)
    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()
    assert '<option value="acknowledged"' in page
    assert '<option value="resolved"' not in page


def test_a_status_change_is_on_the_timeline_with_who_when_from_to_and_note(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent, status=Status.NEW)

    response = agent_client.post(
        f"/cases/{complaint.reference}/status/", {"to_status": "acknowledged", "note": "Called back."}
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.first_responded_at is not None
    event = complaint.events.get(kind=EventKind.STATUS_CHANGED)
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        agent,
        "new",
        "acknowledged",
        "Called back.",
    )
    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()
    assert "New → Acknowledged" in page  # labels, not codes
    assert "Called back." in page


def test_a_refused_move_says_why_and_keeps_the_note(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent, status=Status.NEW)

    response = agent_client.post(
        f"/cases/{complaint.reference}/status/", {"to_status": "closed", "note": "Closing early"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "A new case cannot become closed; it can become: acknowledged, investigating, withdrawn." in page
    assert "Closing early" in page
    complaint.refresh_from_db()
    assert complaint.status == Status.NEW


def test_only_the_owner_or_a_supervisor_changes_the_status(agent_client, supervisor_client) -> None:
    complaint = ComplaintFactory(owner=AgentFactory(), status=Status.NEW)

    agent_client.post(f"/cases/{complaint.reference}/status/", {"to_status": "acknowledged"})
    complaint.refresh_from_db()
    assert complaint.status == Status.NEW

    supervisor_client.post(f"/cases/{complaint.reference}/status/", {"to_status": "acknowledged"})
    complaint.refresh_from_db()
    assert complaint.status == Status.ACKNOWLEDGED


def test_an_unowned_case_is_claimed_before_it_is_worked_on(agent_client) -> None:
    complaint = ComplaintFactory(owner=None)
    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()
    assert "Claim this case" in page
    assert "Change status" not in page


def test_the_timeline_cannot_be_edited_even_bypassing_the_model(agent) -> None:
    complaint = ComplaintFactory(owner=agent)
    event = TimelineEvent.objects.create(
        complaint=complaint, kind=EventKind.NOTE, actor=agent, note="original"
    )

    with pytest.raises(ValueError, match="cannot be edited"):
        event.note = "rewritten"
        event.save()
    with pytest.raises(ProgrammingError, match="cannot be edited after the fact"), transaction.atomic():
        TimelineEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE complaints_timelineevent SET note = 'x' WHERE id = %s", [event.pk])

    event.refresh_from_db()
    assert event.note == "original"


def test_the_timeline_cannot_be_deleted_nor_its_case_in_admin(agent, client) -> None:
    from tests.factories import AdminUserFactory

    complaint = ComplaintFactory(owner=agent)
    event = TimelineEvent.objects.create(complaint=complaint, kind=EventKind.NOTE, actor=agent, note="kept")

    with pytest.raises(ProgrammingError, match="cannot be deleted"), transaction.atomic():
        TimelineEvent.objects.filter(pk=event.pk).delete()
    client.force_login(AdminUserFactory())
    assert (
        client.post(f"/admin/complaints/complaint/{complaint.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    assert 'name="severity"' not in page and complaint.reference in page
    assert TimelineEvent.objects.filter(pk=event.pk).exists()


def test_text_typed_by_people_is_shown_as_text(agent_client, agent) -> None:
    complaint = ComplaintFactory(owner=agent, customer_words="<img src=x onerror=alert(1)>")
    agent_client.post(f"/cases/{complaint.reference}/notes/", {"text": "<script>alert('n')</script>"})

    page = agent_client.get(f"/cases/{complaint.reference}/").content.decode()

    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert" not in page


@pytest.mark.parametrize("to_status", [Status.RESOLVED, Status.REOPENED])
def test_the_status_form_cannot_resolve_or_reopen_around_their_services(
    agent_client, agent, to_status
) -> None:
    complaint = ComplaintFactory(owner=agent, status=Status.INVESTIGATING)
    if to_status == Status.REOPENED:
        type(complaint).objects.filter(pk=complaint.pk).update(status=Status.CLOSED)

    response = agent_client.post(
        f"/cases/{complaint.reference}/status/", {"to_status": to_status, "note": ""}
    )

    assert response.status_code == 200
    assert (
        "with the resolution form" in response.content.decode()
        or "reopen button" in response.content.decode()
    )
    complaint.refresh_from_db()
    assert complaint.status != to_status


def test_nobody_works_on_an_unowned_case_before_claiming_it(client) -> None:
    from complaints.access import can_work_on
    from tests.factories import SupervisorFactory

    complaint = ComplaintFactory(owner=None)
    agent, supervisor = AgentFactory(), SupervisorFactory()

    assert not can_work_on(agent, complaint)
    assert not can_work_on(supervisor, complaint)
    client.force_login(agent)
    client.post(f"/cases/{complaint.reference}/status/", {"to_status": Status.ACKNOWLEDGED, "note": ""})
    complaint.refresh_from_db()
    assert complaint.status == Status.NEW

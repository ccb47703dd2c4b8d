"""The signed status page: progress for the customer, additions by POST, nothing for anyone else."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from complaints.models import Attachment, EventKind, Status, TimelineEvent
from complaints.public.links import status_path
from complaints.services.timeline import record_event
from complaints.services.transitions import change_status
from outbox.models import Message
from outbox.testing import flush_outbox
from tests.factories import AgentFactory, PublicComplaintFactory
from tests.public.conftest import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def test_the_page_shows_status_and_public_progress_but_no_internal_notes_or_staff_surnames(client) -> None:
    agent = AgentFactory(first_name="Priya", last_name="Raman")
    complaint = PublicComplaintFactory(owner=agent)
    record_event(complaint=complaint, kind=EventKind.CREATED, actor_label="Public web form")
    record_event(complaint=complaint, kind=EventKind.NOTE, actor=agent, note="Customer sounds litigious")
    change_status(complaint=complaint, to_status=Status.ACKNOWLEDGED, actor=agent, note="internal remark")

    html = client.get(status_path(complaint)).content.decode()

    assert "Acknowledged" in html
    assert "We received your complaint" in html
    assert "Priya" in html
    assert "Raman" not in html
    assert "litigious" not in html
    assert "internal remark" not in html


def test_a_get_changes_nothing(client) -> None:
    complaint = PublicComplaintFactory()
    before = (TimelineEvent.objects.count(), complaint.updated_at)

    client.get(status_path(complaint))

    complaint.refresh_from_db()
    assert (TimelineEvent.objects.count(), complaint.updated_at) == before


def test_a_tampered_link_gets_a_clear_page_and_no_case_data(client) -> None:
    complaint = PublicComplaintFactory(customer_words="My very private story")
    path = status_path(complaint)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]

    response = client.get(tampered)

    assert response.status_code == 403
    html = response.content.decode()
    assert "This link is not valid." in html
    assert "My very private story" not in html


def test_an_expired_link_says_so(client, settings) -> None:
    complaint = PublicComplaintFactory(customer_words="My very private story")
    with time_machine.travel(timezone.now() - timedelta(days=61)):
        path = status_path(complaint)

    response = client.get(path)

    assert response.status_code == 403
    assert "This link has expired." in response.content.decode()
    assert "My very private story" not in response.content.decode()


def test_a_valid_link_for_one_case_never_opens_another(client) -> None:
    mine = PublicComplaintFactory()
    theirs = PublicComplaintFactory(customer_words="Someone else's private story")
    token = status_path(mine).rstrip("/").rsplit("/", 1)[1]

    response = client.get(f"/my-complaint/{theirs.reference}/{token}/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "belongs to a different complaint" in html
    assert "Someone else" not in html


def test_the_customer_adds_information_and_a_file_by_post(client) -> None:
    complaint = PublicComplaintFactory()
    path = status_path(complaint)

    response = client.post(
        path,
        {"text": "The courier came back <b>again</b>.", "attachments": [upload("photo.pdf", PDF_BYTES)]},
    )

    assert response.status_code == 302
    added = complaint.events.get(kind=EventKind.CUSTOMER_ADDED)
    assert added.note == "The courier came back <b>again</b>."
    assert added.actor is None and added.actor_label == "Customer"
    assert Attachment.objects.get(complaint=complaint).original_name == "photo.pdf"
    assert complaint.events.filter(kind=EventKind.ATTACHMENT).count() == 1
    assert not Message.objects.exists(), "nobody owns the case, so nobody is notified"
    page = client.get(path).content.decode()
    assert "Thank you: we have added this" in page
    assert "The courier came back &lt;b&gt;again&lt;/b&gt;." in page
    assert "You sent a file" in page


def test_the_owner_is_told_when_the_customer_adds_information(client) -> None:
    owner = AgentFactory(email="owner@staff.example.com")
    complaint = PublicComplaintFactory(owner=owner)

    client.post(status_path(complaint), {"text": "Another detail."})

    assert mail.outbox == []
    assert len(flush_outbox().sent) == 1
    (message,) = mail.outbox
    assert message.to == ["owner@staff.example.com"]
    assert f"/cases/{complaint.reference}/" in message.body


def test_an_empty_addition_is_refused_with_a_message(client) -> None:
    complaint = PublicComplaintFactory()

    response = client.post(status_path(complaint), {"text": "   "})

    assert response.status_code == 200
    assert "Please write something or choose a file" in response.content.decode()
    assert not complaint.events.filter(kind=EventKind.CUSTOMER_ADDED).exists()


def test_a_closed_case_takes_no_additions(client) -> None:
    complaint = PublicComplaintFactory(status=Status.CLOSED)

    page = client.get(status_path(complaint)).content.decode()
    response = client.post(status_path(complaint), {"text": "One more thing"})

    assert "This complaint is closed" in page
    assert response.status_code == 200
    assert "we cannot add to it" in response.content.decode()
    assert not complaint.events.filter(kind=EventKind.CUSTOMER_ADDED).exists()


def test_a_refused_file_on_the_status_page_says_why_beside_the_field(client, settings) -> None:
    complaint = PublicComplaintFactory()

    response = client.post(
        status_path(complaint),
        {"text": "See file", "attachments": [upload("big.txt", b"a" * (64 * 1024 + 1))]},
    )

    assert response.status_code == 200
    (error,) = response.context["form"].errors["attachments"]
    assert "“big.txt” is 64.0\xa0KB; files may be at most 64.0\xa0KB." in error
    html = response.content.decode()
    assert "See file" in html, "what the customer typed is kept"
    assert not Attachment.objects.exists()

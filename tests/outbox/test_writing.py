"""Writing to the outbox: in the caller's transaction, once per key, the dispatcher woken once."""

import pytest
from django.db import transaction

from outbox.models import Audience, Message, State
from outbox.services import queue_email, queue_text_email, wake_dispatcher_after_commit
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_an_email_is_rendered_from_its_three_templates_when_written() -> None:
    complaint = ComplaintFactory()

    message = queue_email(
        key=f"reopened:{complaint.pk}",
        to="owner@staff.example.com",
        template="complaints/email/owner_reopened",
        context={"complaint": complaint, "reason": "Still <broken>", "case_url": "https://x.example/c/"},
        reference=complaint.reference,
        case_id=complaint.pk,
    )

    assert message is not None
    assert (message.state, message.audience, message.kind) == (
        State.PENDING,
        Audience.STAFF,
        "complaints/email/owner_reopened",
    )
    assert complaint.reference in message.subject
    assert "Still <broken>" in message.text, "the text part is plain text, not escaped"
    assert "Still &lt;broken&gt;" in message.html, "the HTML part is escaped"


def test_the_same_key_is_written_once() -> None:
    first = queue_text_email(key="ack:1", to="a@example.com", subject="Hi", text="x")
    second = queue_text_email(key="ack:1", to="a@example.com", subject="Hi again", text="y")

    assert first is not None and second is None
    assert Message.objects.get().subject == "Hi"


def test_no_address_writes_nothing() -> None:
    assert queue_text_email(key="ack:2", to="", subject="Hi", text="x") is None
    assert not Message.objects.exists()


def test_a_message_exists_only_if_the_change_that_caused_it_committed() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_text_email(key="ack:3", to="a@example.com", subject="Hi", text="x")
        raise RuntimeError("the change failed")

    assert not Message.objects.exists()


def test_the_dispatcher_is_woken_once_per_transaction_after_it_commits(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for number in range(5):
            queue_text_email(key=f"many:{number}", to="a@example.com", subject="Hi", text="x")
        wake_dispatcher_after_commit()

    assert len(callbacks) == 1

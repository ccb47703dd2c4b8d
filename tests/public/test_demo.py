"""The demo shows public-form complaints whose acknowledgements are on their way."""

import pytest

from complaints.models import Attachment, Complaint, EventKind, Source
from complaints.public.demo import seed_public_complaints
from outbox.models import Message

pytestmark = pytest.mark.django_db


def test_the_demo_files_two_public_complaints_once() -> None:
    assert seed_public_complaints() == 2
    assert seed_public_complaints() == 0

    assert Complaint.objects.filter(source=Source.PUBLIC_FORM).count() == 2
    acknowledgements = Message.objects.filter(key__startswith="acknowledgement:")
    assert acknowledgements.count() == 2, "one acknowledgement per complaint, sent by the outbox"
    assert Attachment.objects.get().original_name == "statement.txt"
    assert Complaint.objects.filter(events__kind=EventKind.CUSTOMER_ADDED).count() == 1

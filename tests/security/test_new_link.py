"""A customer whose link expired asks for a new one with their reference and email."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from complaints.models import EventKind
from complaints.public.new_links import normalise_reference, request_status_link
from outbox.testing import flush_outbox
from portal.signing import make_link_token
from tests.factories import ComplaintFactory, CustomerFactory

pytestmark = pytest.mark.django_db
NEW_LINK = "/my-complaint/new-link/"
SAME_ANSWER = "If the reference and email address match a complaint we hold"


@pytest.fixture(autouse=True)
def _fresh_limit(settings):
    settings.PUBLIC_FORM_MAX_POSTS = 5
    cache.clear()


def test_every_bad_link_page_offers_a_new_link(client) -> None:
    page = client.get(reverse("followups:survey", args=["tampered:1:x"])).content.decode()
    assert f'href="{NEW_LINK}"' in page
    assert "Send me a new link" in page


def test_the_page_asks_for_the_reference_and_the_email(client) -> None:
    page = client.get(NEW_LINK).content.decode()
    assert "Complaint reference" in page and "Email address" in page


@pytest.mark.parametrize(
    ("reference", "email"),
    [
        ("RD-2099-999999", "nobody@example.com"),  # no such case
        ("{reference}", "someone-else@example.com"),  # a real case, another address
        ("{reference}", ""),  # a real case, no address at all on file
    ],
)
def test_a_reference_and_email_that_do_not_match_get_the_same_answer_and_no_email(
    client, reference: str, email: str
) -> None:
    complaint = ComplaintFactory(customer=CustomerFactory(email="ada@example.com"))
    if not email:
        complaint = ComplaintFactory(customer=CustomerFactory(email=""))
        email = "ada@example.com"
    response = client.post(
        NEW_LINK, {"reference": reference.format(reference=complaint.reference), "email": email}
    )

    assert response.status_code == 200
    assert SAME_ANSWER in response.content.decode()
    assert not request_status_link(reference=reference.format(reference=complaint.reference), email=email)


def test_a_malformed_email_is_explained_and_what_was_typed_kept(client) -> None:
    response = client.post(NEW_LINK, {"reference": "RD-2026-000123", "email": "not an email"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert 'value="RD-2026-000123"' in page
    assert SAME_ANSWER not in page


def test_asking_again_and_again_is_rate_limited(client) -> None:
    answers = [
        client.post(NEW_LINK, {"reference": f"RD-2026-00000{n}", "email": "a@example.com"}).status_code
        for n in range(6)
    ]
    assert answers == [200] * 5 + [429]


def test_references_are_read_as_customers_type_them() -> None:
    assert normalise_reference("  rd-2026-000123 ") == "RD-2026-000123"
    assert normalise_reference("RD - 2026 - 000123") == "RD-2026-000123"


def test_a_token_for_another_page_does_not_open_the_status_page(client) -> None:
    complaint = ComplaintFactory()
    token = make_link_token(purpose="complaint-received", value=complaint.reference)
    response = client.get(reverse("complaints:public:status", args=[complaint.reference, token]))
    assert response.status_code == 403


def test_a_matching_reference_and_email_get_the_same_answer_and_the_link_is_emailed_once_an_hour(
    client, mailoutbox
) -> None:
    complaint = ComplaintFactory(customer=CustomerFactory(email="Ada@Example.com"))
    typed = {"reference": complaint.reference.lower(), "email": "ada@example.com"}
    first = client.post(NEW_LINK, typed)
    second = client.post(NEW_LINK, typed)

    assert first.status_code == second.status_code == 200
    assert SAME_ANSWER in first.content.decode() and SAME_ANSWER in second.content.decode()
    flush_outbox()
    (email,) = mailoutbox
    assert email.to == ["Ada@Example.com"], "sent to the address on file, not the one typed"
    link = re.search(r"https?://[^/\s]+(/my-complaint/\S+/)", email.body)
    assert link is not None
    assert f"Your complaint {complaint.reference}" in client.get(link.group(1)).content.decode()
    assert complaint.events.filter(kind=EventKind.EMAIL_QUEUED, note__contains="new link").count() == 1

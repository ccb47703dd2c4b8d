"""The public complaint form: no account, a reference on screen, the email sent after commit."""

import re

import pytest
from django.core import mail
from django.test import Client

from complaints.models import Attachment, Complaint, Customer, EventKind, Source
from outbox.models import Message
from outbox.models import State as MessageState
from outbox.testing import flush_outbox
from tests.factories import CustomerFactory, public_category
from tests.public.conftest import EXE_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def form_data(category, **overrides) -> dict:
    data = {
        "name": "Dana Okafor",
        "email": "dana@example.com",
        "phone": "",
        "category": str(category.pk),
        "order_reference": "ORD-7781",
        "customer_words": "The kettle arrived with a cracked lid and support never replied.",
        "desired_outcome": "A replacement kettle.",
        "time_zone": "Europe/Berlin",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_customer_files_a_complaint_and_sees_its_reference(client) -> None:
    category = public_category()

    response = client.post("/complain/", form_data(category), follow=True)

    complaint = Complaint.objects.get()
    assert response.status_code == 200
    assert complaint.reference in response.content.decode()
    assert complaint.source == Source.PUBLIC_FORM
    assert complaint.channel.code == "web"
    assert complaint.category == category
    assert complaint.order_reference == "ORD-7781"
    assert complaint.desired_outcome == "A replacement kettle."
    assert complaint.customer.name == "Dana Okafor"
    assert str(complaint.customer.time_zone) == "Europe/Berlin"
    assert complaint.events.get().kind == EventKind.CREATED


def test_the_acknowledgement_is_written_with_the_complaint_never_sent_in_the_request(client) -> None:
    response = client.post("/complain/", form_data(public_category()))

    assert response.status_code == 302
    assert mail.outbox == [], "the request itself must not send mail"
    complaint = Complaint.objects.get()
    message = Message.objects.get()
    assert (message.key, message.case_id, message.state) == (
        f"acknowledgement:{complaint.pk}",
        complaint.pk,
        MessageState.PENDING,
    )


def test_the_acknowledgement_has_text_and_html_and_a_signed_link_to_the_status_page(client) -> None:
    client.post("/complain/", form_data(public_category()))
    complaint = Complaint.objects.get()

    assert len(flush_outbox().sent) == 1

    (message,) = mail.outbox
    assert message.to == ["dana@example.com"]
    assert complaint.reference in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    link = re.search(r"https?://[^/]+(/my-complaint/\S+/)", message.body)
    assert link, message.body
    assert link.group(1) in html
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert "Your complaint " + complaint.reference in page.content.decode()
    assert complaint.events.filter(kind=EventKind.EMAIL_SENT).count() == 1


def test_the_acknowledgement_is_sent_once_however_often_the_outbox_runs(client) -> None:
    client.post("/complain/", form_data(public_category()))

    flush_outbox()
    flush_outbox()

    assert len(mail.outbox) == 1


def test_a_known_customer_is_reused_by_email_whatever_its_case_and_keeps_their_details(client) -> None:
    known = CustomerFactory(name="Dana Okafor", email="Dana@Example.com", phone="")

    client.post(
        "/complain/", form_data(public_category(), email="dana@example.COM", phone="+44 20 7946 0958")
    )
    client.post("/complain/", form_data(public_category(), email="dana@example.com", name="Someone Else"))

    assert Customer.objects.count() == 1
    known.refresh_from_db()
    assert known.name == "Dana Okafor"
    assert str(known.phone) == "+442079460958"
    assert known.complaints.count() == 2
    second = known.complaints.order_by("id").last()
    assert second.events.filter(kind=EventKind.NOTE, note__contains="Someone Else").exists()


def test_invalid_email_and_phone_are_refused_beside_their_fields_and_nothing_typed_is_lost(client) -> None:
    data = form_data(public_category(), email="dana@", phone="12")

    response = client.post("/complain/", data)

    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors
    assert "phone" in form.errors
    html = response.content.decode()
    assert 'value="dana@"' in html
    assert "The kettle arrived with a cracked lid" in html
    assert "A replacement kettle." in html
    assert Complaint.objects.count() == 0


def test_lengths_are_bounded(client) -> None:
    response = client.post("/complain/", form_data(public_category(), customer_words="x" * 10_001))

    assert response.status_code == 200
    assert "customer_words" in response.context["form"].errors
    assert Complaint.objects.count() == 0


def test_html_typed_into_the_form_is_shown_as_text(client) -> None:
    script = "<script>alert('owned')</script><b>bold</b>"
    response = client.post("/complain/", form_data(public_category(), email="bad", customer_words=script))

    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in html


def test_a_bot_that_fills_the_honeypot_is_refused_and_nothing_is_created(client) -> None:
    response = client.post("/complain/", form_data(public_category(), website="http://spam.example"))

    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    html = response.content.decode()
    assert "We could not accept this submission" in html
    assert "http://spam.example" not in html, "the trap is re-rendered empty so a person can resend"


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client) -> None:
    html = client.get("/complain/").content.decode()

    trap = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', html, re.S)
    assert trap, html
    assert 'tabindex="-1"' in trap.group(1)
    assert 'autocomplete="off"' in trap.group(1)


def test_the_form_refuses_a_post_without_a_csrf_token() -> None:
    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/complain/", form_data(public_category()))

    assert response.status_code == 403
    assert Complaint.objects.count() == 0


def test_a_file_of_a_refused_type_is_refused_beside_the_field_with_the_reason(client) -> None:
    data = form_data(public_category(), attachments=[upload("invoice.pdf", EXE_BYTES)])

    response = client.post("/complain/", data)

    assert response.status_code == 200
    (error,) = response.context["form"].errors["attachments"]
    assert "“invoice.pdf” is not a file type we accept" in error
    assert Complaint.objects.count() == 0


def test_files_sent_with_the_complaint_are_attached_from_the_customer(client) -> None:
    data = form_data(public_category(), attachments=[upload("receipt.pdf", PDF_BYTES)])

    client.post("/complain/", data)

    attachment = Attachment.objects.get()
    assert attachment.original_name == "receipt.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.uploaded_by is None
    assert attachment.file.read() == PDF_BYTES
    assert attachment.complaint.events.filter(kind=EventKind.ATTACHMENT).count() == 1


def test_the_form_offers_only_active_top_level_categories(client) -> None:
    parent = public_category("Kitchen")
    public_category("Retired").__class__.objects.filter(name="Retired").update(is_active=False)
    child = public_category("Kettles")
    child.parent = parent
    child.save()

    choices = [label for _, label in client.get("/complain/").context["form"].fields["category"].choices]

    assert "Kitchen" in choices
    assert "Retired" not in choices
    assert "Kettles" not in choices

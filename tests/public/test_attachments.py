"""Attachments: accepted on their content, stored through Django's storage, downloaded by staff only."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from complaints.models import Attachment, EventKind
from complaints.services.attachments import attach_file, check_upload, sniff
from tests.factories import AgentFactory, ComplaintFactory, SupervisorFactory, UserFactory
from tests.public.conftest import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", PDF_BYTES, "application/pdf"),
        ("a.PNG", PNG_BYTES, "image/png"),
        ("a.jpeg", JPEG_BYTES, "image/jpeg"),
        ("a.jpg", JPEG_BYTES, "image/jpeg"),
        ("notes.txt", "Grüße, the order was late.\r\n\tTwice.".encode(), "text/plain"),
    ],
)
def test_allowed_files_are_recognised_by_their_content(name, content, content_type) -> None:
    assert check_upload(upload(name, content)).content_type == content_type


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("setup.pdf", EXE_BYTES, "is not a file type we accept"),
        ("photo.png", PDF_BYTES, "contains a PDF but its name ends in “.png”"),
        ("page.html", b"<html><script>alert(1)</script></html>", "contains a plain text but its name ends"),
        ("empty.txt", b"", "is empty"),
        ("binary.txt", b"abc\x00def", "is not a file type we accept"),
    ],
)
def test_other_files_are_refused_with_the_reason(name, content, reason) -> None:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content))
    assert reason in refused.value.messages[0]


def test_a_text_sample_cut_inside_a_multibyte_character_is_still_text() -> None:
    head = ("é" * 4096).encode()[:8191]
    assert sniff(head) is not None


def test_a_file_over_the_size_limit_is_refused(settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="files may be at most 10"):
        check_upload(upload("a.txt", b"hello world!"))


def test_attach_file_stores_through_the_default_storage_under_a_random_name() -> None:
    agent = AgentFactory()
    complaint = ComplaintFactory(owner=agent)

    attachment = attach_file(
        complaint=complaint, uploaded_file=upload("../../etc/passwd.txt", b"hi"), actor=agent
    )

    assert attachment.original_name == "passwd.txt"
    assert attachment.file.name.startswith("attachments/")
    assert "passwd" not in attachment.file.name
    assert default_storage.exists(attachment.file.name)
    event = complaint.events.get(kind=EventKind.ATTACHMENT)
    assert event.actor == agent and event.data["attachment_id"] == attachment.pk


def test_staff_download_a_file_as_an_attachment_with_its_detected_type(client) -> None:
    attachment = attach_file(complaint=ComplaintFactory(), uploaded_file=upload("r.pdf", PDF_BYTES))
    client.force_login(AgentFactory())

    response = client.get(f"/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_downloads_are_refused_to_anyone_outside_the_service_team(client) -> None:
    attachment = attach_file(complaint=ComplaintFactory(), uploaded_file=upload("r.pdf", PDF_BYTES))

    anonymous = client.get(f"/attachments/{attachment.pk}/")
    client.force_login(UserFactory())
    no_role = client.get(f"/attachments/{attachment.pk}/")

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert no_role.status_code == 403


def test_an_agent_attaches_files_from_the_case_page(client) -> None:
    agent = AgentFactory()
    complaint = ComplaintFactory(owner=agent)
    client.force_login(agent)

    response = client.post(
        f"/cases/{complaint.reference}/attachments/", {"attachments": [upload("a.png", PNG_BYTES)]}
    )

    assert response.status_code == 302
    assert Attachment.objects.get().uploaded_by == agent


def test_a_refused_staff_upload_says_why_beside_the_field(client) -> None:
    agent = AgentFactory()
    complaint = ComplaintFactory(owner=agent)
    client.force_login(agent)

    response = client.post(
        f"/cases/{complaint.reference}/attachments/", {"attachments": [upload("a.png", EXE_BYTES)]}
    )

    assert response.status_code == 200
    assert "is not a file type we accept" in response.context["form"].errors["attachments"][0]
    assert not Attachment.objects.exists()


def test_an_agent_cannot_attach_to_a_colleagues_case_but_a_supervisor_can(client) -> None:
    complaint = ComplaintFactory(owner=AgentFactory())
    client.force_login(AgentFactory())
    refused = client.post(
        f"/cases/{complaint.reference}/attachments/", {"attachments": [upload("a.png", PNG_BYTES)]}
    )
    client.force_login(SupervisorFactory())
    allowed = client.post(
        f"/cases/{complaint.reference}/attachments/", {"attachments": [upload("a.png", PNG_BYTES)]}
    )

    assert refused.status_code == 302 and allowed.status_code == 302
    assert Attachment.objects.count() == 1


def test_the_case_page_panel_lists_files_with_download_links() -> None:
    from django.template.loader import render_to_string

    complaint = ComplaintFactory()
    attachment = attach_file(complaint=complaint, uploaded_file=upload("<i>r<i>.pdf", PDF_BYTES))

    html = render_to_string("complaints/public/_attachments.html", {"complaint": complaint})

    assert f'href="/attachments/{attachment.pk}/"' in html
    assert "&lt;i&gt;r&lt;i&gt;.pdf" in html
    assert f'action="/cases/{complaint.reference}/attachments/"' in html

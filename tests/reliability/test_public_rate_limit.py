"""The public POSTs count against the per-address limit before their uploads are read."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from complaints.models import Attachment, Complaint, EventKind
from complaints.public.links import status_path
from tests.factories import PublicComplaintFactory, public_category
from tests.public.conftest import PDF_BYTES, upload
from tests.public.test_public_form import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_post_allowed(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.PUBLIC_FORM_MAX_POSTS = 1
    settings.PUBLIC_FORM_WINDOW_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def _browser_like_client(path: str) -> tuple[Client, str]:
    """A client that sends the CSRF token as a browser does, so the CSRF check really runs."""
    client = Client(enforce_csrf_checks=True)
    client.get(path)
    return client, client.cookies["csrftoken"].value


def test_a_complaint_over_the_limit_is_refused_before_its_files_are_read() -> None:
    client, token = _browser_like_client("/complain/")
    data = {**form_data(public_category()), "csrfmiddlewaretoken": token}
    assert client.post("/complain/", data).status_code == 302

    response = client.post(
        "/complain/",
        {**data, "customer_words": "My second story", "attachments": upload("receipt.pdf", PDF_BYTES)},
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.wsgi_request.FILES == {}, "the upload was parsed although the limit was reached"
    assert "My second story" in response.content.decode()
    assert Complaint.objects.count() == 1
    assert Attachment.objects.count() == 0


def test_the_public_form_still_refuses_a_post_without_its_csrf_token() -> None:
    client, _ = _browser_like_client("/complain/")

    response = client.post("/complain/", form_data(public_category()))

    assert response.status_code == 403
    assert Complaint.objects.count() == 0


def test_additions_on_the_status_page_over_the_limit_are_refused_before_their_files_are_read() -> None:
    complaint = PublicComplaintFactory()
    path = status_path(complaint)
    client, token = _browser_like_client(path)
    assert (
        client.post(path, {"text": "The courier came back.", "csrfmiddlewaretoken": token}).status_code == 302
    )

    response = client.post(
        path,
        {
            "text": "Here is the receipt.",
            "attachments": upload("receipt.pdf", PDF_BYTES),
            "csrfmiddlewaretoken": token,
        },
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.wsgi_request.FILES == {}
    html = response.content.decode()
    assert "Here is the receipt.</textarea>" in html
    assert re.search(r"Please try again in \d+ minutes?;", html)
    assert complaint.events.filter(kind=EventKind.CUSTOMER_ADDED).count() == 1
    assert Attachment.objects.count() == 0


def test_the_status_page_still_refuses_a_post_without_its_csrf_token() -> None:
    complaint = PublicComplaintFactory()
    path = status_path(complaint)
    client, _ = _browser_like_client(path)

    response = client.post(path, {"text": "Hello"})

    assert response.status_code == 403
    assert not complaint.events.filter(kind=EventKind.CUSTOMER_ADDED).exists()


def test_reading_the_status_page_is_not_counted() -> None:
    complaint = PublicComplaintFactory()
    client = Client()

    for _ in range(3):
        assert client.get(status_path(complaint)).status_code == 200

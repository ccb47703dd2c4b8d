"""Helpers written once: the locked copy's values reach the caller; one page for bad links."""

import pytest
from django.test import Client

from complaints.models import Customer
from complaints.public.links import status_path
from complaints.services.locking import refresh_from
from portal.links import BAD_LINK_STATUS
from portal.signing import make_link_token
from tests.factories import CustomerFactory, PublicComplaintFactory

pytestmark = pytest.mark.django_db


def test_refresh_from_gives_the_callers_instance_what_the_locked_copy_saved() -> None:
    stale = CustomerFactory(name="Dana Okafor", phone="")
    fresh = Customer.objects.select_for_update().get(pk=stale.pk)
    fresh.name, fresh.phone = "Dana O.", "+447700900123"
    fresh.save()

    assert refresh_from(stale, fresh) is stale
    assert (stale.name, str(stale.phone)) == ("Dana O.", "+447700900123")


def _bad_links() -> dict[str, str]:
    complaint = PublicComplaintFactory()
    wrong_purpose = make_link_token(purpose="something-else", value=complaint.pk)
    return {
        "status page": status_path(complaint)[:-3] + "xx/",
        "survey": f"/followups/survey/{wrong_purpose}/",
        "unsubscribe": "/followups/unsubscribe/tampered:token/",
        "solution choice": f"/choose/{wrong_purpose}/",
    }


def test_every_customer_link_that_does_not_work_gets_the_same_page_and_status() -> None:
    client = Client()

    for name, path in _bad_links().items():
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == BAD_LINK_STATUS == 403, name
        assert "This link does not work" in html, name
        assert "This link is not valid." in html, name
        assert "bad_link.html" in [t.name for t in response.templates], name


def test_a_post_to_a_bad_link_gets_the_same_page() -> None:
    for name, path in _bad_links().items():
        response = Client().post(path, {"text": "Hello"})
        assert response.status_code == 403, name
        assert "This link does not work" in response.content.decode(), name

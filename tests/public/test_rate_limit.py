"""The public form's per-address limit, counted in the cache, with nothing typed lost."""

import time
from datetime import timedelta

import pytest
import time_machine

from complaints.models import Complaint
from tests.factories import public_category
from tests.public.test_public_form import form_data

pytestmark = pytest.mark.django_db


def test_an_address_over_the_limit_is_told_when_to_retry_and_keeps_what_it_typed(client) -> None:
    data = form_data(public_category())
    with time_machine.travel(1_900_000_200, tick=False):
        for _ in range(5):
            assert client.post("/complain/", data).status_code == 302

        response = client.post("/complain/", {**data, "customer_words": "My sixth story"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Please try again in 10 minutes" in html
    assert "My sixth story" in html
    assert Complaint.objects.count() == 5


def test_another_address_is_not_limited_by_the_first(client) -> None:
    data = form_data(public_category())
    with time_machine.travel(1_900_000_200, tick=False):
        for _ in range(6):
            client.post("/complain/", data, REMOTE_ADDR="203.0.113.5")

        response = client.post("/complain/", data, REMOTE_ADDR="203.0.113.6")

    assert response.status_code == 302


def test_the_limit_lifts_when_the_window_has_passed(client) -> None:
    data = form_data(public_category())
    start = 1_900_000_200
    with time_machine.travel(start, tick=False):
        for _ in range(6):
            client.post("/complain/", data)
    with time_machine.travel(start + timedelta(minutes=10).total_seconds(), tick=False):
        assert time.time() >= start + 600
        response = client.post("/complain/", data)

    assert response.status_code == 302


def test_invalid_posts_count_too(client) -> None:
    with time_machine.travel(1_900_000_200, tick=False):
        for _ in range(5):
            client.post("/complain/", {"name": "x"})

        response = client.post("/complain/", form_data(public_category()))

    assert response.status_code == 429
    assert Complaint.objects.count() == 0

"""Every page carries the security headers; bodies over the limit are refused unread; the
client's address is the one our proxies wrote, however many there are."""

import socket
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from complaints.public.links import status_path
from portal.addresses import client_address
from tests.factories import ComplaintFactory, public_category

pytestmark = pytest.mark.django_db


def _pages(agent_client: Client) -> dict[str, tuple[Client, str]]:
    complaint = ComplaintFactory()
    return {
        "staff home": (agent_client, "/"),
        "case page": (agent_client, reverse("complaints:detail", args=[complaint.reference])),
        "customer status page": (Client(), status_path(complaint)),
        "public form": (Client(), reverse("complaints:public:complain")),
        "login": (Client(), reverse("login")),
    }


def test_pages_forbid_inline_script_and_style_and_framing(agent_client) -> None:
    for label, (client, path) in _pages(agent_client).items():
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'", label
        assert directives["style-src"] == "'self'", label
        assert directives["frame-ancestors"] == "'none'", label
        assert "unsafe-inline" not in policy, label


def test_staff_and_customer_pages_are_never_stored_by_browsers_or_proxies(agent_client) -> None:
    for label, (client, path) in _pages(agent_client).items():
        response = client.get(path)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, label
        assert "camera=()" in response["Permissions-Policy"], label
        assert "geolocation=()" in response["Permissions-Policy"], label


def test_a_session_lasts_a_working_day_and_ends_with_the_browser(agent) -> None:
    client = Client()
    agent.set_password("correct horse battery")
    agent.save()
    response = client.post(
        reverse("login"), {"username": agent.username, "password": "correct horse battery"}
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert client.session.get_expiry_age() == 9 * 3600


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read() -> None:
    limit = settings.REQUEST_MAX_BYTES
    response = Client().generic(
        "POST",
        reverse("complaints:public:complain"),
        CONTENT_LENGTH=str(30_000_000),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        **{"wsgi.input": Unreadable()},
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert f"at most {limit / (1024 * 1024):.0f} MB" in page


def test_a_body_within_the_limit_reaches_the_form(settings) -> None:
    settings.PUBLIC_FORM_MAX_POSTS = 100
    cache.clear()
    public_category("Deliveries")
    response = Client().post(reverse("complaints:public:complain"), {"name": "Ada"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_a_chunked_body_without_a_length_is_refused_with_a_clear_page() -> None:
    response = Client().generic(
        "POST",
        reverse("complaints:public:complain"),
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 411
    assert "We could not read what you sent" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_server_answers_413_without_waiting_for_a_large_body(live_server) -> None:
    """On a real server: headers announcing 30 MB, then nothing. The answer comes at once."""
    host, port = live_server.url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"POST /complain/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 30000000\r\n\r\nname=Ada"
        )
        answer = connection.recv(200)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert time.monotonic() - started < 5


def _request(remote: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings) -> None:
    settings.TRUSTED_PROXIES = 0
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings) -> None:
    settings.TRUSTED_PROXIES = 1
    # The client forged the first entry; our proxy appended the real one.
    request = _request("10.0.0.2", "198.51.100.1, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"


def test_behind_two_proxies_the_second_hop_from_the_right_is_the_client(settings) -> None:
    settings.TRUSTED_PROXIES = 2
    request = _request("10.0.0.3", "198.51.100.1, 203.0.113.9, 10.0.0.2")
    assert client_address(request) == "203.0.113.9"


def test_a_request_that_bypassed_the_proxies_is_counted_by_its_connection(settings) -> None:
    settings.TRUSTED_PROXIES = 2
    assert client_address(_request("203.0.113.50", "198.51.100.1")) == "203.0.113.50"
    assert client_address(_request("203.0.113.50", "not-an-address, 10.0.0.2")) == "203.0.113.50"


def test_a_forged_forwarded_header_does_not_escape_the_public_form_limit(settings) -> None:
    settings.TRUSTED_PROXIES = 1
    settings.PUBLIC_FORM_MAX_POSTS = 3
    cache.clear()
    client = Client()
    statuses = [
        client.post(
            reverse("complaints:public:complain"),
            {"name": "Ada"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.9",
        ).status_code
        for number in range(4)
    ]
    assert statuses == [200, 200, 200, 429]

"""What a newcomer meets first: the site's front door, the login page, and logs that are quiet
about ordinary answers."""

import logging

import pytest
from django.test import Client

from portal.logging import OrdinaryRefusals
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_at_the_site_root_is_shown_the_public_complaint_form_and_the_staff_login(client) -> None:
    page = client.get("/").content.decode()

    assert 'href="/complain/"' in page and "Make a complaint" in page
    assert 'href="/my-complaint/new-link/"' in page
    assert 'href="/accounts/login/"' in page


def test_staff_at_the_site_root_get_their_home(agent_client) -> None:
    assert "My queue" in agent_client.get("/").content.decode()


def test_the_login_page_leads_a_customer_to_the_public_form(client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/complain/"' in page


def _record(status: int, path: str, *, exc: bool) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, f"Answer: {path}", None, None)
    record.status_code = status
    record.request = type("Request", (), {"path": path})()
    if exc:
        try:
            raise PermissionError("refused")
        except PermissionError:
            import sys

            record.exc_info = sys.exc_info()
    return record


def test_a_refused_request_is_logged_in_one_line_without_a_traceback() -> None:
    record = _record(403, "/cases/RD-1/", exc=True)
    assert OrdinaryRefusals().filter(record) is True
    assert record.exc_info is None


def test_a_server_error_keeps_its_traceback_and_health_probes_are_not_logged() -> None:
    error = _record(500, "/cases/", exc=True)
    assert OrdinaryRefusals().filter(error) is True and error.exc_info is not None
    assert OrdinaryRefusals().filter(_record(503, "/health/", exc=False)) is False


def test_a_403_reaches_the_log_as_one_line_without_a_traceback() -> None:
    import io

    (handler,) = [
        h
        for h in logging.getLogger("django.request").handlers
        if any(isinstance(f, OrdinaryRefusals) for f in h.filters)
    ]
    stream = io.StringIO()
    saved = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        client = Client()
        client.force_login(AgentFactory())
        assert client.get("/approvals/").status_code == 403
    finally:
        handler.setStream(saved)  # type: ignore[attr-defined]
    logged = stream.getvalue()
    assert "Forbidden" in logged and "/approvals/" in logged
    assert "Traceback" not in logged

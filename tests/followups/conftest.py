"""Follow-up fixtures: an SMTP server that refuses some addresses, and a dispatch helper."""

from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from outbox.sending import BatchResult
from outbox.testing import flush_outbox
from tests.support.smtp import SmtpSink, _Collector


class PickyCollector(_Collector):
    """Refuses bad@… for good (550) and busy@… for now (451), like a real mail server."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.startswith("bad"):
            return "550 5.1.1 No such user here"
        if address.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp(settings) -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.collector = PickyCollector()
    sink.controller.handler = sink.collector
    sink.start()
    settings.EMAIL_BACKEND = "outbox.backends.SMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def dispatch() -> Callable[..., BatchResult]:
    """Release due follow-ups into the outbox and send what is due, in this process: the workers'
    code path without the broker (the integration tests add the broker and real processes)."""
    return flush_outbox

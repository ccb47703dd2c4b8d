"""Outbox fixtures: messages written the way the apps write them, and a mail server that can be told
to misbehave in the ways real ones do."""

from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from outbox.models import Audience, Message
from outbox.services import queue_text_email
from tests.support.smtp import SmtpSink, _Collector


class MisbehavingCollector(_Collector):
    """Refuses bad@… for good (550), busy@… for now (451), and for lost@… takes the whole message
    then hangs up before answering: the one failure after which nobody knows if it was delivered."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.startswith("bad"):
            return "550 5.1.1 No such user here"
        if address.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if any(address.startswith("lost") for address in envelope.rcpt_tos):
            assert server.transport is not None
            server.transport.abort()
        return answer


@pytest.fixture
def smtp(settings) -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.collector = MisbehavingCollector()
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
def write() -> Callable[..., Message]:
    counter = iter(range(1, 10_000))

    def make(to: str = "ada@example.com", **kwargs: object) -> Message:
        number = next(counter)
        message = queue_text_email(
            key=kwargs.pop("key", f"test:{number}"),  # type: ignore[arg-type]
            to=to,
            subject=kwargs.pop("subject", f"Message {number}"),  # type: ignore[arg-type]
            text="Hello.\n",
            audience=Audience.CUSTOMER,
            **kwargs,  # type: ignore[arg-type]
        )
        assert message is not None
        return message

    return make

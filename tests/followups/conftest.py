"""Follow-up fixtures: an SMTP server that refuses some addresses, and a dispatch helper."""

from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from followups.services.dispatching import dispatch_due_followups
from followups.services.sending import BatchResult, send_followup_batch
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
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks) -> Callable[..., list[BatchResult]]:
    """Run the dispatcher, then each send task it enqueued, in this process (the worker's code
    path without the broker; the integration tests add the broker and real processes)."""

    def run(**kwargs: object) -> list[BatchResult]:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            dispatch_due_followups(**kwargs)  # type: ignore[arg-type]
        return [send_followup_batch(ids=cb.args[0], token=cb.args[1]) for cb in callbacks]

    return run

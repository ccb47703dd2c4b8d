"""Django's SMTP backend, telling apart the one moment a failure leaves a message in doubt.

A failure before the end of the message's data means the server has not taken it: sending again is
safe. Once the final "." has gone out, the server may have queued the message even if its answer
never arrives (a dropped connection, a timeout, a server killed at that instant): sending again
could deliver it twice. That case raises `MaybeDelivered`, and the outbox records the message as
uncertain instead of retrying it.
"""

import re
import smtplib
from typing import Any

from django.core.mail.backends.smtp import EmailBackend

_LEADING_DOT = re.compile(rb"(?m)^\.")


class MaybeDelivered(smtplib.SMTPException):
    """The whole message reached the server, but not its answer."""


class _Tracked:
    def data(self, msg: Any) -> tuple[int, bytes]:
        # As smtplib.SMTP.data, with the wait for the final answer set apart.
        self.putcmd("data")  # type: ignore[attr-defined]
        code, reply = self.getreply()  # type: ignore[attr-defined]
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = msg.encode("ascii") if isinstance(msg, str) else msg
        body = _LEADING_DOT.sub(b"..", body)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        self.send(body + b".\r\n")  # type: ignore[attr-defined]
        try:
            return self.getreply()  # type: ignore[attr-defined,no-any-return]
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            raise MaybeDelivered(f"The connection was lost after the message was sent: {error}") from error


class TrackedSMTP(_Tracked, smtplib.SMTP):  # type: ignore[misc]
    pass


class TrackedSMTPSSL(_Tracked, smtplib.SMTP_SSL):  # type: ignore[misc]
    pass


class SMTPBackend(EmailBackend):
    @property
    def connection_class(self) -> Any:  # type: ignore[override]
        return TrackedSMTPSSL if self.use_ssl else TrackedSMTP

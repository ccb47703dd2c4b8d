"""Turning an outbox row into the email that leaves: content, Message-ID, Reply-To."""

import hashlib
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from outbox import conf
from outbox.models import Message
from outbox.registry import Content, KindHandler


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(message: Message) -> str:
    """The same for every attempt of one message, so a receiving system that sees it twice can tell
    it is one message; the domain is the site's, as mailbox providers expect."""
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:16]
    return f"<{message.pk}.{digest}@{site_domain()}>"


def content_of(message: Message, handler: KindHandler | None) -> Content:
    if handler is not None and not (message.text or message.html):
        return handler.render(message)
    return Content(subject=message.subject, text=message.text, html=message.html)


class OutboxEmail(EmailMultiAlternatives):
    """An email whose multipart boundary is chosen here: left unset, Python's generator makes one
    and compiles a fresh regular expression to check that no line of the body contains it, a
    millisecond per email, the largest single cost of building one. 128 random bits cannot occur
    in a body by chance."""

    def message(self, **kwargs: Any) -> Any:
        msg = super().message(**kwargs)
        for part in msg.walk():
            if part.is_multipart() and part.get_boundary() is None:
                part.set_boundary(f"=_redress_{uuid.uuid4().hex}")
        return msg


def build_email(message: Message, content: Content, connection: object = None) -> EmailMultiAlternatives:
    headers = {**(message.headers or {}), **(content.headers or {}), "Message-ID": message_id(message)}
    email = OutboxEmail(
        subject=content.subject,
        body=content.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=headers,
        reply_to=conf.reply_to(),
        connection=connection,
    )
    if content.html:
        email.attach_alternative(content.html, "text/html")
    return email

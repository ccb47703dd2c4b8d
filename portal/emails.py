"""Build an email from three templates: <name>_subject.txt, <name>_body.txt and <name>_body.html."""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def make_message(
    *,
    template: str,
    context: dict[str, Any],
    to: list[str],
    headers: dict[str, str] | None = None,
    reply_to: list[str] | None = None,
) -> EmailMultiAlternatives:
    full_context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", full_context).split())
    text = render_to_string(f"{template}_body.txt", full_context)
    html = render_to_string(f"{template}_body.html", full_context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
        reply_to=reply_to,
    )
    message.attach_alternative(html, "text/html")
    return message


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"

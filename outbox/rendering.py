"""Emails from three templates each: `<name>_subject.txt`, `<name>_body.txt` and `<name>_body.html`."""

from typing import Any

from django.conf import settings
from django.template import loader

from outbox.registry import Content


def render_email(template: str, context: dict[str, Any]) -> Content:
    full_context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(loader.render_to_string(f"{template}_subject.txt", full_context).split())
    text = loader.render_to_string(f"{template}_body.txt", full_context)
    html = loader.render_to_string(f"{template}_body.html", full_context)
    return Content(subject=subject[:300], text=text, html=html)

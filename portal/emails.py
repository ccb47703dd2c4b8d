"""Absolute links for emails: the site's own address (`SITE_URL`) before a path."""

from django.conf import settings


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"

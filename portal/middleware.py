"""Request and response guards that apply to every page.

`RequestSizeLimitMiddleware` comes first in MIDDLEWARE: it refuses a body larger than
REQUEST_MAX_BYTES by its declared length, before anything (CSRF, sessions, the view) reads it.
`PrivatePagesMiddleware` marks every page Django renders as not to be stored by browsers or
shared caches, and sets the Permissions-Policy.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

# Browser features no page of ours uses: a script injected despite the CSP still cannot use them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _refusal(*, status: int, template: str, declared: int | None) -> HttpResponse:
    # Rendered without the request: sessions and users are not loaded yet, and need not be.
    limit = settings.REQUEST_MAX_BYTES
    html = render_to_string(
        template,
        {
            "limit_mb": _megabytes(limit),
            "declared_mb": _megabytes(declared) if declared is not None else "",
            "file_mb": _megabytes(settings.ATTACHMENT_MAX_BYTES),
            "max_files": settings.ATTACHMENT_MAX_FILES,
        },
    )
    response = HttpResponse(html, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or ""
        if request.META.get("HTTP_TRANSFER_ENCODING", "").strip() and not declared:
            # A chunked body has no declared length. Django never reads one (it reads as many
            # bytes as CONTENT_LENGTH says), so it would be taken for an empty form: say so.
            return _refusal(status=411, template="411.html", declared=None)
        try:
            length = int(declared) if declared else 0
        except ValueError:
            return _refusal(status=400, template="411.html", declared=None)
        if length > settings.REQUEST_MAX_BYTES:
            return _refusal(status=413, template="413.html", declared=length)
        return self.get_response(request)


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Staff pages and customer pages carry personal data; a shared computer's back button
        # or a proxy must not keep them. Static files never reach this (WhiteNoise answers first).
        patch_cache_control(response, private=True, no_store=True)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

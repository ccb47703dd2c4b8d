"""The one page for a customer link that cannot be used (tampered, expired, or not for this)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# 403 for every bad link: the request is well formed and understood, but the credential it
# carries (the signed token) does not allow it, and sending it again unchanged will not help.
# 400 would claim a malformed request, which an expired but intact link is not; 404 would hide
# from the customer what went wrong and what to do. One status also keeps monitoring simple.
BAD_LINK_STATUS = 403


def bad_link_response(request: HttpRequest, error: str) -> HttpResponse:
    """The reason (from `portal.signing.LinkError` or the caller) and what to do next; no data
    about any case or customer."""
    return render(request, "bad_link.html", {"error": error}, status=BAD_LINK_STATUS)

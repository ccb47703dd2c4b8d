"""The client's address, for the public form's rate limit and the login throttle.

Behind N trusted proxies (DJANGO_TRUSTED_PROXIES), each appends the address it received the
request from to X-Forwarded-For, so the N right-most entries were written by our proxies and the
client's address is the N-th from the right. Entries to its left came from the client, who can
write anything there. With no trusted proxy the header is ignored: the peer is the client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    peer = str(request.META.get("REMOTE_ADDR") or "unknown")
    trusted = int(settings.TRUSTED_PROXIES)
    if trusted <= 0:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted:
        # Fewer entries than proxies: the request did not come through all of them; trust only
        # the connection itself.
        return peer
    try:
        return str(ipaddress.ip_address(hops[-trusted]))
    except ValueError:  # not written by a proxy of ours
        return peer

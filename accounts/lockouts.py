"""Login throttling (django-axes): the page a locked-out login gets, and the record admins see.

Failures are counted per account and per address in the cache (see AXES_* in settings). When a
lockout starts, or a failure during one extends it, a `LoginLockout` row is written or moved on;
admins lift it with the *Unlock* action (`accounts.services.unlock_login`).
"""

import math
from datetime import timedelta
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import LoginLockout


def lockout_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    return max(1, math.ceil(cool_off.total_seconds() / 60))


def lockout_message(minutes: int) -> str:
    return (
        "Too many failed attempts to log in: for your security, logging in to this account or from "
        f"your network is paused for {minutes} minute{'s' if minutes != 1 else ''}. Wait and try again, "
        "reset your password with the link below, or ask an administrator to unlock it."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The login page again (for /accounts/login/ and /admin/login/ alike), the username kept,
    the reason at the top, 429 with Retry-After."""
    minutes = lockout_minutes(request)
    username = get_client_username(request, credentials) or ""
    form = AuthenticationForm(request, initial={"username": username})
    response = render(
        request,
        "registration/login.html",
        {"form": form, "lockout": lockout_message(minutes), "next": request.GET.get("next", "")},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def record_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """Connected to axes' `user_locked_out`: start a lockout row, or extend the running one."""
    now = timezone.now()
    until = now + timedelta(minutes=lockout_minutes(request))
    running = (
        LoginLockout.objects.filter(
            username=(username or "")[:150],
            ip_address=(ip_address or "")[:64],
            unlocked_at__isnull=True,
            locked_until__gte=now,
        )
        .order_by("-locked_until")
        .first()
    )
    if running is not None:
        LoginLockout.objects.filter(pk=running.pk).update(locked_until=until)
        return
    LoginLockout.objects.create(
        username=(username or "")[:150],
        ip_address=(ip_address or "")[:64],
        path=request.path[:200],
        locked_at=now,
        locked_until=until,
    )

"""Account use cases: password reset by email (through the outbox) and lifting a login lockout.

The reset link carries a token that lets anyone holding it choose the password, so it is made
when the email leaves and never stored: the message row holds only who it is for.
"""

from datetime import datetime

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import LoginLockout
from accounts.roles import Role, has_role
from outbox.models import Audience, Message
from outbox.registry import Cancel, Content, Decision, KindHandler
from outbox.rendering import render_email
from outbox.services import queue_message
from portal.emails import absolute_url

PASSWORD_RESET = "accounts/email/password_reset"  # noqa: S105  # nosec B105
# Asking again within this window adds no second email: the form cannot be used to flood a mailbox.
RESET_WINDOW_SECONDS = 300


def queue_password_reset(*, user: AbstractBaseUser) -> Message | None:
    window = int(timezone.now().timestamp()) // RESET_WINDOW_SECONDS
    return queue_message(
        key=f"password-reset:{user.pk}:{window}",
        kind=PASSWORD_RESET,
        to=user.email,  # type: ignore[attr-defined]
        object_id=user.pk,
        audience=Audience.STAFF,
    )


class PasswordResetKind(KindHandler):
    def prepare(self, messages: list[Message], now: object) -> dict[int, Decision]:
        users = get_user_model().objects.in_bulk([m.object_id for m in messages])
        self.users = users
        decisions: dict[int, Decision] = {}
        for message in messages:
            user = users.get(message.object_id)
            if user is None or not user.is_active or user.email != message.to:
                decisions[message.pk] = Cancel("The account is gone, inactive, or has another address now.")
        return decisions

    def render(self, message: Message) -> Content:
        user = self.users[message.object_id]
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        return render_email(PASSWORD_RESET, {"user": user, "reset_url": absolute_url(path)})


@transaction.atomic
def unlock_login(*, lockout: LoginLockout, actor: User, now: datetime | None = None) -> LoginLockout:
    """Lift a lockout: the failure counts of its account and its address are forgotten, so the
    person can log in at once."""
    if not has_role(actor, Role.ADMIN):
        raise PermissionDenied("Only admins can unlock logins.")
    locked = LoginLockout.objects.select_for_update().get(pk=lockout.pk)
    if locked.username:
        axes_reset(username=locked.username)
    if locked.ip_address:
        axes_reset(ip=locked.ip_address)
    if locked.unlocked_at is None:
        locked.unlocked_at = now or timezone.now()
        locked.unlocked_by = actor
        locked.save(update_fields=["unlocked_at", "unlocked_by"])
    return locked

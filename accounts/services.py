"""Password reset by email, through the outbox.

The reset link carries a token that lets anyone holding it choose the password, so it is made
when the email leaves and never stored: the message row holds only who it is for.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from outbox.models import Audience, Message
from outbox.registry import Cancel, Content, Decision, KindHandler
from outbox.rendering import render_email
from outbox.services import queue_message
from portal.emails import absolute_url

PASSWORD_RESET = "accounts/email/password_reset"  # noqa: S105 (a template name)
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

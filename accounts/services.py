from datetime import datetime

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import LoginLockout
from accounts.roles import Role, has_role
from portal.emails import absolute_url, make_message


def send_password_reset_email(*, user_id: int) -> bool:
    """Send a reset link; the token is made here, at send time, so it never travels through the broker."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    message = make_message(
        template="accounts/email/password_reset",
        context={"user": user, "reset_url": absolute_url(path)},
        to=[user.email],
    )
    return message.send() == 1


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

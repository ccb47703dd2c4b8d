from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

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

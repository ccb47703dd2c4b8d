from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from accounts.services import queue_password_reset


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email is written to the outbox instead of sent in the request."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            for user in self.get_users(self.cleaned_data["email"]):
                queue_password_reset(user=user)

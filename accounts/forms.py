from functools import partial
from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from accounts.tasks import send_password_reset_email_task


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes through Celery instead of inside the request."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(partial(send_password_reset_email_task.delay, user.pk))

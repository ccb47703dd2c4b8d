from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from accounts.tasks import send_password_reset_email_task


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes through Celery instead of inside the request."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            # A function, not functools.partial: Django logs a robust callback's failure by its
            # __qualname__, which a partial lacks (the log call itself would then raise).
            def enqueue(user_id: int = user.pk) -> None:
                send_password_reset_email_task.delay(user_id)

            transaction.on_commit(enqueue, robust=True)

from celery import shared_task

from accounts.services import send_password_reset_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset_email_task(user_id: int) -> None:
    send_password_reset_email(user_id=user_id)

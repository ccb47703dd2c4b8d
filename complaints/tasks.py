from celery import shared_task

from complaints.services.notifications import send_owner_reopened_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_owner_reopened(complaint_id: int) -> None:
    send_owner_reopened_email(complaint_id=complaint_id)

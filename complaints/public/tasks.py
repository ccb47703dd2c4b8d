from celery import shared_task

from complaints.public.notifications import send_acknowledgement_email, send_owner_customer_added_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_public_acknowledgement(complaint_id: int) -> None:
    send_acknowledgement_email(complaint_id=complaint_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_owner_customer_added(complaint_id: int) -> None:
    send_owner_customer_added_email(complaint_id=complaint_id)

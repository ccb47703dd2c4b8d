from celery import shared_task

from complaints.services.case_emails import MAX_ATTEMPTS, DeliveryFailed, deliver_case_email
from complaints.services.notifications import send_owner_reopened_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_owner_reopened(complaint_id: int) -> None:
    send_owner_reopened_email(complaint_id=complaint_id)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1)
def deliver_case_email_task(self, email_id: int) -> None:  # type: ignore[no-untyped-def]
    """Each failed attempt is recorded by the service; the retry backs off exponentially."""
    try:
        deliver_case_email(email_id=email_id, final_attempt=self.request.retries >= self.max_retries)
    except DeliveryFailed as failure:
        raise self.retry(exc=failure, countdown=min(600, 10 * 2**self.request.retries)) from failure


@shared_task
def recover_unsent_mail() -> None:
    """Beat runs this every two minutes: mail whose message to the worker was lost is queued
    again, and case emails whose send was interrupted are shown as failed."""
    from complaints.public.notifications import requeue_unsent_acknowledgements
    from complaints.services.mail_recovery import fail_interrupted_case_emails, requeue_unsent_case_emails

    requeue_unsent_case_emails()
    fail_interrupted_case_emails()
    requeue_unsent_acknowledgements()

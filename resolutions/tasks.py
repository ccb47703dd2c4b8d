"""Thin tasks: load by id, call the notification service. Enqueued after commit by the services."""

from celery import shared_task

from resolutions.services import notifications


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_resolution_confirmation(resolution_id: int) -> None:
    notifications.send_resolution_confirmation(resolution_id=resolution_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_supervisors_of_request(compensation_id: int) -> None:
    notifications.send_approval_request(compensation_id=compensation_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_solution_options(complaint_id: int) -> None:
    notifications.send_solution_options(complaint_id=complaint_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_owner_of_choice(solution_id: int) -> None:
    notifications.send_owner_choice(solution_id=solution_id)

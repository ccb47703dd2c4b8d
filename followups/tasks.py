"""Thin tasks: the dispatcher Beat runs every minute, and one send task per claimed batch."""

from celery import shared_task

from followups.services.dispatching import dispatch_due_followups
from followups.services.sending import send_followup_batch


@shared_task(ignore_result=True)
def dispatch_followups() -> int:
    return dispatch_due_followups()


@shared_task(ignore_result=True)
def send_followups(ids: list[int], token: str) -> dict[str, int]:
    result = send_followup_batch(ids=ids, token=token)
    return {name: len(values) for name, values in vars(result).items()}

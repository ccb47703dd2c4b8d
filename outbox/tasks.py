"""Thin tasks: the dispatcher Beat runs every few seconds, and one send task per claimed batch."""

from celery import shared_task

from outbox.dispatching import dispatch
from outbox.sending import send_batch


@shared_task(ignore_result=True)
def dispatch_outbox() -> int:
    return dispatch()


@shared_task(ignore_result=True)
def send_messages(ids: list[int], token: str) -> dict[str, int]:
    result = send_batch(ids=ids, token=token)
    # A finished batch makes room under the in-flight limit: release and claim the next at once
    # rather than wait for Beat's tick, so a backlog drains at the workers' pace.
    if result.sent:
        dispatch_outbox.apply_async(expires=60)
    return {name: len(values) for name, values in vars(result).items()}

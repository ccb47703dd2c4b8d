"""Reads of the outbox that carry a rule: what staff are asked to look at, a case's messages."""

from functools import partial

from django.db.models import QuerySet

from outbox.models import ATTENTION_STATES, Message
from portal import baked


def needing_attention() -> QuerySet[Message]:
    """Failed and uncertain messages, most recent first: a person decides what happens to them."""
    return Message.objects.filter(state__in=ATTENTION_STATES).order_by("-updated_at", "-id")


def messages_for_case(case_id: int, *, limit: int = 50) -> list[Message]:
    """A case's newest messages, for its page: compiled once per process (`portal.baked`)."""
    return baked.objects(("case:messages", limit), partial(_case_messages, limit), case_id=case_id)


def _case_messages(limit: int, *, case_id: int) -> QuerySet[Message]:
    return (
        Message.objects.filter(case_id=case_id)
        .only(
            "key",
            "kind",
            "audience",
            "to",
            "subject",
            "state",
            "due_at",
            "attempts",
            "last_error",
            "note",
            "created_at",
            "sent_at",
            "failed_at",
            "uncertain_at",
            "case_id",
        )
        .order_by("-created_at", "-id")[:limit]
    )

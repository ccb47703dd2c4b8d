"""How the apps that send mail take part in sending it, without the outbox importing them.

The outbox sits below every app that writes messages. Three hooks let those apps join in, each
registered from the app's `AppConfig.ready()`:

- a *kind* (`register_kind`) for messages whose content is built when they leave, or which must be
  re-checked just before (a follow-up survey: is the case still resolved, is it inside the
  customer's waking hours?), and whose own rows mirror the message's state;
- an *observer* (`add_observer`), told of every message that was sent, failed or became uncertain,
  inside the transaction that records it (the case timeline listens this way);
- a *producer* (`add_producer`), run by the dispatcher before it claims messages, which writes the
  messages that have become due in its own tables (follow-ups are scheduled days ahead in their own
  table and become messages only when due).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outbox.models import Message


@dataclass(frozen=True)
class Send:
    """Send the message now."""


@dataclass(frozen=True)
class Reschedule:
    """Not now: back to the queue until `due_at`, without using an attempt."""

    due_at: datetime
    note: str = ""


@dataclass(frozen=True)
class Cancel:
    """Never send it; `note` says why (shown to staff)."""

    note: str


Decision = Send | Reschedule | Cancel


@dataclass(frozen=True)
class Content:
    subject: str
    text: str
    html: str = ""
    headers: dict[str, str] | None = None


class KindHandler:
    """One instance per send batch: `prepare` may load what `render` needs for the whole batch.
    Subclasses override what they need; the defaults send stored content and mirror nothing."""

    def prepare(self, messages: list["Message"], now: datetime) -> dict[int, Decision]:
        """Called in a transaction with the messages locked; a message missing from the result is sent."""
        return {}

    def render(self, message: "Message") -> Content:
        """The content of a message stored without one. A kind that stores messages without content
        must override this; reaching it is a bug, and the send path records the message as failed
        with this reason, shown to staff on Undelivered mail."""
        raise NotImplementedError(f"{type(self).__name__} cannot build {message.kind} messages")

    def mirror(self, messages: list["Message"], state: str, now: datetime) -> None:
        """Record the messages' new state on the kind's own rows, in the same transaction."""


Observer = Callable[[list["Message"], str, datetime], None]
Producer = Callable[[datetime], int]

_kinds: dict[str, Callable[[], KindHandler]] = {}
_case_url: list[Callable[[str], str]] = []
_observers: list[Observer] = []
_producers: list[Producer] = []


def register_kind(kind: str, factory: Callable[[], KindHandler]) -> None:
    _kinds[kind] = factory


def handler_for(kind: str) -> KindHandler | None:
    factory = _kinds.get(kind)
    return factory() if factory else None


def add_observer(observer: Observer) -> None:
    if observer not in _observers:
        _observers.append(observer)


def add_producer(producer: Producer) -> None:
    if producer not in _producers:
        _producers.append(producer)


def observers() -> Iterable[Observer]:
    return tuple(_observers)


def producers() -> Iterable[Producer]:
    return tuple(_producers)


def set_case_url(resolver: Callable[[str], str]) -> None:
    """How staff pages link a message to its case (the app that owns cases says)."""
    _case_url[:] = [resolver]


def case_url(reference: str) -> str:
    return _case_url[0](reference) if (_case_url and reference) else ""

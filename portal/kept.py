"""Figures a web process keeps until the minute turns.

Some counts shown on busy pages cost more than the rest of the page and need not be exact to the
second (how many calls are due, how many requests wait for an admin). A `MinuteKeep` holds them
per key (usually the user) for the minute they were counted in; the page that lists the things
counted always counts afresh. A process forgets what it kept when told (`forget`, after a change
it made itself) or when the minute turns; other processes' changes show within the minute.
"""

from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

_keeps: list["MinuteKeep"] = []


class MinuteKeep:
    def __init__(self, *, max_entries: int = 1_000) -> None:
        self.max_entries = max_entries
        self._held: dict[Hashable, tuple[datetime, Any]] = {}
        _keeps.append(self)

    def get(self, key: Hashable, *, now: datetime, count: Callable[[], Any]) -> Any:
        minute = now.replace(second=0, microsecond=0)
        held = self._held.get(key)
        if held is not None and held[0] == minute:
            return held[1]
        value = count()
        if len(self._held) >= self.max_entries:
            self._held.clear()
        self._held[key] = (minute, value)
        return value

    def forget(self) -> None:
        self._held.clear()


def forget_all() -> None:
    """Every keep of this process emptied (the tests start each case with none)."""
    for keep in _keeps:
        keep.forget()

"""The one rule for "the most specific match wins", used by compensation policies, follow-up
policies and response targets alike.

Among the candidates that match a case (each caller filters them), the one that sets the most
criteria wins; between two that set as many, the one whose criteria come first in the caller's
order of importance (category before severity before the rest); between equals, the newest (the
one that took effect last, then the row created last), so an admin's latest rule is the one used.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

Candidate = TypeVar("Candidate")


def most_specific(
    candidates: Iterable[Candidate],
    *,
    criteria: Callable[[Candidate], Sequence[object]],
    newer: Callable[[Candidate], tuple[Any, ...]] = lambda candidate: (getattr(candidate, "pk", 0) or 0,),
) -> Candidate | None:
    """`criteria` gives a candidate's criteria in order of importance, None for one it leaves open."""

    def rank(candidate: Candidate) -> tuple[Any, ...]:
        set_ = tuple(value is not None for value in criteria(candidate))
        return (sum(set_), set_, *newer(candidate))

    return max(candidates, key=rank, default=None)

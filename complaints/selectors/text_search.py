"""The newest cases whose text has the words asked for, on PostgreSQL (full-text search).

A case's search document (complaints migrations 0015 and 0018) holds the stemmed words of the
customer's text, the summary, the issue and the internal notes, and three lexemes naming the day,
the week and the four weeks the case was received in. The newest matches of a word are read in
widening windows of time, each asked of the GIN index as "the words and any of these periods": the
index walks the cases of those periods and skips through the word's own list, so a word found in
27,000 cases costs what its recent cases cost. A date range beside the words would instead read
every case with the word and every case of the range into two bitmaps (5-9 ms at a million cases).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from complaints.models import Complaint

# Named in the migration that builds the document (complaints 0015) too.
TEXT_SEARCH_CONFIG = "english"

# Period lengths in seconds and their lexemes' prefixes, as complaints migration 0018 writes them.
DAY, WEEK, FOUR_WEEKS = 86_400, 604_800, 2_419_200
# A space in each: the parser splits text at spaces, so no word typed or written is ever one.
_PREFIX = {DAY: "~d ", WEEK: "~w ", FOUR_WEEKS: "~m "}

# The windows looked in, each with the periods that cover it in a handful of lexemes.
WINDOWS: tuple[tuple[timedelta, int], ...] = (
    (timedelta(days=1), DAY),
    (timedelta(days=7), DAY),
    (timedelta(days=30), WEEK),
    (timedelta(days=365), FOUR_WEEKS),
)

Match = tuple[int, datetime, float]  # id, received, rank


def document() -> RawSQL:
    # The document is a database-only column (see the migration): named, never loaded.
    return RawSQL('"complaints_complaint"."search_document"', [], output_field=SearchVectorField())


def document_row_by_row() -> RawSQL:
    """The document as an expression its GIN index does not serve, for cases another index has
    already narrowed to a few hundred (a customer's): checking each of their documents costs less
    than reading a common word's whole list of cases from the index, which the planner would
    otherwise intersect with them (3 ms for "refund" at a million cases, against 1 ms)."""
    return RawSQL(
        """coalesce("complaints_complaint"."search_document", ''::tsvector)""",
        [],
        output_field=SearchVectorField(),
    )


def words_query(text: str) -> SearchQuery:
    return SearchQuery(text, config=TEXT_SEARCH_CONFIG, search_type="websearch")


class _AnyPeriod(SearchQuery):
    """Any of these period lexemes, taken as they are: not parsed, not stemmed."""

    def __init__(self, lexemes: Sequence[str]) -> None:
        super().__init__(" | ".join(f"'{lexeme}'" for lexeme in lexemes), search_type="raw")

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, template="%(expressions)s::tsquery")


def period_lexemes(since: datetime, until: datetime, length: int) -> list[str]:
    """The lexemes of every period of `length` seconds from the one holding `since` to the one
    holding `until`, as the migration's `complaints_case_periods` names them."""
    first, last = int(since.timestamp() // length), int(until.timestamp() // length)
    return [f"{_PREFIX[length]}{number}" for number in range(first, last + 1)]


def newest_matches(
    cases: QuerySet[Complaint], text: str, *, limit: int, recent_only: bool = False
) -> list[Match]:
    """The newest `limit` cases of `cases` whose text has `text`'s words, newest first, each with
    its rank (how well it matches). At most three statements: the last day; then the smallest
    window that the first's matches say should hold `limit` (a common word stops at the first);
    then, still short, any time. `recent_only`: the last day only."""
    words = words_query(text)
    now = timezone.now()
    window, length = WINDOWS[0]
    found = _newest(cases, words & _AnyPeriod(period_lexemes(now - window, now, length)), words, limit)
    if len(found) >= limit or recent_only:
        return found
    # The periods read reach back to the start of the first one.
    covered = now.timestamp() - (now - window).timestamp() // length * length
    wider = _window_for(limit, per_second=max(len(found), 1) / covered)
    if wider is not None:
        window, length = wider
        found = _newest(cases, words & _AnyPeriod(period_lexemes(now - window, now, length)), words, limit)
        if len(found) >= limit:
            return found
    return _newest(cases, words, words, limit)


def _newest(cases: QuerySet[Complaint], condition: Any, words: SearchQuery, limit: int) -> list[Match]:
    return list(
        cases.alias(document=document())
        .filter(document=condition)
        .annotate(rank=SearchRank(F("document"), words))
        .order_by("-received_at", "-pk")
        .values_list("pk", "received_at", "rank")[:limit]
    )


def _window_for(limit: int, *, per_second: float) -> tuple[timedelta, int] | None:
    """The smallest wider window expected to hold `limit` matches at the rate seen, or None (any
    time)."""
    for window, length in WINDOWS[1:]:
        if per_second * window.total_seconds() >= limit:
            return window, length
    return None

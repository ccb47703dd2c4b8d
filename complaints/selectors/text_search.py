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
from functools import partial
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from complaints.models import Complaint
from portal.baked import Over

# Named in the migration that builds the document (complaints 0015) too.
TEXT_SEARCH_CONFIG = "english"

# Period lengths in seconds and their lexemes' prefixes, as complaints migration 0018 writes them.
DAY, WEEK, FOUR_WEEKS = 86_400, 604_800, 2_419_200
# A space in each: the parser splits text at spaces, so no word typed or written is ever one.
_PREFIX = {DAY: "~d ", WEEK: "~w ", FOUR_WEEKS: "~m "}

# The first window is today (UTC), with yesterday while today is younger than this: a common
# word fills it from a few hundred cases, and a rarer one shows how fast it comes.
FIRST_AT_LEAST = timedelta(hours=12)
# A wider window spans what the first one's matches say should hold the number wanted, times a
# margin (a wider one when few were seen, their rate being a rougher guess), in as few periods as
# keep it close: days up to two weeks, then weeks up to fourteen, then four weeks. Beyond two
# years, any time.
MOST_PERIODS = 14
LONGEST = timedelta(days=730)

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
    """Any of the period lexemes in `periods` (`value_of`), taken as they are: not parsed, not
    stemmed."""

    def __init__(self, periods: str) -> None:
        super().__init__(periods, search_type="raw")

    @staticmethod
    def value_of(lexemes: Sequence[str]) -> str:
        return " | ".join(f"'{lexeme}'" for lexeme in lexemes)

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, template="%(expressions)s::tsquery")


def period_lexemes(since: datetime, until: datetime, length: int) -> list[str]:
    """The lexemes of every period of `length` seconds from the one holding `since` to the one
    holding `until`, as the migration's `complaints_case_periods` names them."""
    first, last = int(since.timestamp() // length), int(until.timestamp() // length)
    return [f"{_PREFIX[length]}{number}" for number in range(first, last + 1)]


def newest_matches(cases: Over, text: str, *, limit: int, recent_only: bool = False) -> list[Match]:
    """The newest `limit` cases of `cases` whose text has `text`'s words, newest first, each with
    its rank (how well it matches). At most three statements: today (`first_window`); then, short
    of `limit`, the window today's matches say should hold it (`wider_window`; a common word stops
    at the first); then, still short, any time. `recent_only`: today only. The two windows are one
    read with other periods (`portal.baked`): compiled once."""
    now = timezone.now()
    lexemes, covered = first_window(now)
    windowed = partial(_in_periods, limit)
    key = ("search:text-in-periods", limit)
    found: list[Match] = cases.rows(key, windowed, words=text, periods=_AnyPeriod.value_of(lexemes))
    if len(found) >= limit or recent_only:
        return found
    wider = wider_window(now, seen=len(found), covered=covered, limit=limit)
    if wider is not None:
        found = cases.rows(key, windowed, words=text, periods=_AnyPeriod.value_of(wider))
        if len(found) >= limit:
            return found
    return cases.rows(("search:text", limit), partial(_at_any_time, limit), words=text)


def first_window(now: datetime) -> tuple[list[str], timedelta]:
    """Today's period, and yesterday's while today is younger than `FIRST_AT_LEAST`; and the time
    they cover up to `now`."""
    today = now.timestamp() // DAY * DAY
    start = today if now.timestamp() - today >= FIRST_AT_LEAST.total_seconds() else today - DAY
    since = datetime.fromtimestamp(start, tz=now.tzinfo)
    return period_lexemes(since, now, DAY), now - since


def wider_window(now: datetime, *, seen: int, covered: timedelta, limit: int) -> list[str] | None:
    """The periods of the window expected to hold `limit` matches, `seen` having been found in the
    `covered` time up to `now`; None when that reaches past `LONGEST` (look at any time)."""
    margin = 1.5 if seen >= 10 else 3.0
    span = covered * (limit / max(seen, 1)) * margin
    if span > LONGEST:
        return None
    for length in (DAY, WEEK):
        lexemes = period_lexemes(now - span, now, length)
        if len(lexemes) <= MOST_PERIODS:
            return lexemes
    return period_lexemes(now - span, now, FOUR_WEEKS)


def _in_periods(limit: int, cases: QuerySet[Complaint], *, words: str, periods: str) -> QuerySet[Any]:
    return _newest(cases, words_query(words) & _AnyPeriod(periods), words_query(words), limit)


def _at_any_time(limit: int, cases: QuerySet[Complaint], *, words: str) -> QuerySet[Any]:
    return _newest(cases, words_query(words), words_query(words), limit)


def _newest(cases: QuerySet[Complaint], condition: Any, words: SearchQuery, limit: int) -> QuerySet[Any]:
    return (
        cases.alias(document=document())
        .filter(document=condition)
        .annotate(rank=SearchRank(F("document"), words))
        .order_by("-received_at", "-pk")
        .values_list("pk", "received_at", "rank")[:limit]
    )

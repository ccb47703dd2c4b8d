"""Finding cases from what the caller says: a word of their own text, their name or email, a phone
number in any national form, all or part of a reference. Results best first.

On PostgreSQL each way of matching reads its own index and returns a bounded set of candidates:
- a reference: exact forms (typed without the prefix, the year or the leading zeros) through the
  unique index, and any part of one through a trigram index;
- a customer: trigram word similarity on the name ("Okafor", "okafr", "chinwe.oka"), any part of
  an email address when the query has an "@", the exact E.164 number read in the default region,
  and the number's last digits, which match the stored number whatever the customer's country
  (a US number typed without +1 in a GB service);
- the text: full-text search (English stemming) over the customer's words, the summary, the issue
  and internal notes, through a GIN index on a document the database keeps current; the newest
  matches in widening windows of time (`text_search.newest_matches`).
Candidates are merged and scored in Python: a reference beats a customer, a customer beats text;
within a kind, the closer match first, then the newest case. The text candidates are the most
recent matches (at most `TEXT_CANDIDATES`), ranked among themselves: a common word ("credit") matches
hundreds of thousands of cases, and ranking them all would cost seconds.

SQLite (`make run`) has none of these indexes: it matches parts of names, emails, phones,
references and words with LIKE, which is enough for a demo database.
"""

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast, Reverse
from django.utils import timezone

from complaints.models import Complaint, Customer, EventKind, TimelineEvent
from complaints.selectors.case_lists import PAGE_SIZE
from complaints.selectors.rows import list_rows
from complaints.selectors.text_search import document_row_by_row, newest_matches, words_query
from portal import baked
from portal.baked import Over, Statement, statement
from portal.db import AnyOf, Contains, is_postgresql

# Cases (and customers) considered per way of matching: four pages. A search finding more says
# so and asks for a first name, another word or a filter; reading and scoring 200 of a common
# surname's customers and their cases cost 1.5 ms more than 100, for pages nobody turns to.
CANDIDATES = 100
# Text matches considered per search: the most recent ones (`text_search.newest_matches`).
TEXT_CANDIDATES = 100
MIN_PHONE_DIGITS = 6
# Below this many customers named as typed, names are also matched loosely (typos).
FEW = 20

REFERENCE_EXACT, REFERENCE_PART, CUSTOMER, TEXT = 4.0, 3.0, 2.0, 1.0
# A case found in more than one way (the name and a word) comes before one found in one way.
ALSO_MATCHED = 0.25

_REFERENCE = re.compile(r"^(?:RD)?[-\s]*(?:(\d{4})[-\s]+)?0*(\d{1,9})$", re.IGNORECASE)
_REFERENCE_CHARACTERS = re.compile(r"^[A-Za-z0-9-]+$")
_PHONE_CHARACTERS = re.compile(r"^[\d\s()+.\-/]+$")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchPage:
    cases: Sequence[Any]  # rows of `list_rows`
    next_cursor: str | None
    # So many matched that only the best and newest were considered: the page says to narrow.
    many: bool = False


@dataclass
class _Hit:
    score: float
    received_at: datetime
    kinds: int = 1

    def add(self, score: float) -> None:
        self.kinds += 1
        self.score = max(self.score, score) + ALSO_MATCHED


def search_cases(
    cases: QuerySet[Complaint],
    query: str,
    *,
    region: str,
    cursor: str = "",
    size: int = PAGE_SIZE,
    shape: Hashable | None = None,
) -> SearchPage:
    """One page of `cases` (already narrowed by the access rule and filters) matching `query`,
    best first, after `cursor` (the sort key of the previous page's last row). `shape`: what
    `cases` depends on, when that is all it depends on (the access rule's roles, no filter's
    values): the search's reads are then compiled once per process (`portal.baked.Over`)."""
    query = " ".join(query.split())[:200]
    if not query:
        return SearchPage([], None)
    over = Over(cases, shape)
    hits: dict[int, _Hit] = {}
    finders = _postgresql_finders if is_postgresql() else _fallback_finders
    for pk, received_at, score in finders(over, query, region):
        if pk in hits:
            hits[pk].add(score)
        else:
            hits[pk] = _Hit(score, received_at)
    ordered = sorted(hits.items(), key=lambda item: _key(item[0], item[1]))
    after = _parse_cursor(cursor)
    if after is not None:
        ordered = [item for item in ordered if _key(*item) > after]
    chosen = [pk for pk, _ in ordered[: size + 1]]
    rows = over.rows(("search:rows",), _rows_of, named=True, ids=chosen[:size])
    by_id = {case.pk: case for case in rows}
    page = [by_id[pk] for pk in chosen[:size] if pk in by_id]
    many = len(hits) >= CANDIDATES
    if len(chosen) <= size or not page:
        return SearchPage(page, None, many)
    last = ordered[size - 1]
    score, stamp, pk = _key(*last)
    return SearchPage(page, f"{score!r}_{stamp!r}_{pk}", many)


def matching_ids(cases: QuerySet[Complaint], query: str, *, region: str) -> list[int]:
    """Every candidate the search finds (at most a few hundred per way of matching), unordered:
    for the CSV export of a search."""
    query = " ".join(query.split())[:200]
    if not query:
        return []
    finders = _postgresql_finders if is_postgresql() else _fallback_finders
    return list({pk for pk, _, _ in finders(Over(cases), query, region)})


def _key(pk: int, hit: _Hit) -> tuple[float, float, int]:
    """Ascending sort key: best score, then newest, then highest id."""
    return (-round(hit.score, 6), -hit.received_at.timestamp(), -pk)


def _parse_cursor(cursor: str) -> tuple[float, float, int] | None:
    try:
        score, stamp, pk = cursor.split("_")
        return float(score), float(stamp), int(pk)
    except ValueError:
        return None


# --- What the query could be -----------------------------------------------------------------


def exact_references(query: str, *, today_year: int | None = None) -> list[str]:
    """References the query may name exactly: "RD-2024-000123", "2024-123", "rd 2024 123", or only
    the number ("000123", "123"), then in any year the service has run."""
    match = _REFERENCE.match(query.strip())
    if not match:
        return []
    year, number = match.group(1), int(match.group(2))
    if number == 0:
        return []
    if year:
        return [f"RD-{year}-{number:06d}"]
    last = today_year or timezone.now().year
    return [f"RD-{y}-{number:06d}" for y in range(2000, last + 2)]


def phone_forms(query: str, region: str) -> tuple[str | None, str | None]:
    """(E.164 form read in `region`, national digits to match at the end of stored numbers), or
    (None, None) when the query is not a phone number."""
    if not _PHONE_CHARACTERS.match(query):
        return None, None
    digits = re.sub(r"\D", "", query)
    if len(digits) < MIN_PHONE_DIGITS:
        return None, None
    e164 = None
    national = digits.lstrip("0")
    try:
        number = phonenumbers.parse(query, region)
    except phonenumbers.NumberParseException:
        pass
    else:
        national = str(number.national_number)
        if phonenumbers.is_possible_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, national if len(national) >= MIN_PHONE_DIGITS else None


def has_words(query: str) -> bool:
    return any(not word.isdigit() for word in _WORDS.findall(query))


# --- PostgreSQL --------------------------------------------------------------------------------

Candidate = tuple[int, datetime, float]


def _postgresql_finders(cases: Over, query: str, region: str) -> Iterable[Candidate]:
    yield from _by_reference(cases.queryset, query, Q(reference__contains=query.upper()))
    whole, by_word = _customers_postgresql(query, region)
    # As many customers as are ever considered (a common surname): their cases rank above any
    # text match and already fill the pages shown, so the text is looked for in the first window
    # of time only (the older windows cost two more statements that a name never matches).
    named_many = len(whole) + len(by_word) >= CANDIDATES
    text = list(_by_text_postgresql(cases, query, recent_only=named_many)) if has_words(query) else []
    # Names are matched loosely (typos: "okafr") only when few customers are named as typed and
    # few cases have the words: a word found in many cases' text ("credit") is no misspelt name,
    # and looking cost a trigram scan of every customer's name.
    if len(whole) + len(by_word) < FEW and len(text) < FEW and has_words(query) and "@" not in query:
        for pk, closeness in _named_loosely(query):
            whole.setdefault(pk, closeness * 0.9)
            by_word.pop(pk, None)
    yield from _by_customer(cases, whole)
    if by_word:
        yield from _by_name_and_text(cases, by_word, name_words(query))
    yield from text


def _by_reference(cases: QuerySet[Complaint], query: str, part: Q) -> Iterable[Candidate]:
    exact = exact_references(query)
    # Part of a reference: only what a reference can hold (letters, digits, hyphens); a phone
    # number read out with spaces or brackets is never inside one, and looking costs 3 ms.
    partial = len(query) >= 3 and any(c.isdigit() for c in query) and _REFERENCE_CHARACTERS.match(query)
    if not exact and not partial:
        return
    condition = Q(reference__in=exact) if exact else Q(pk__in=[])
    if partial:
        condition |= part
    for pk, received_at, reference in (
        cases.filter(condition).order_by().values_list("pk", "received_at", "reference")[:CANDIDATES]
    ):
        yield pk, received_at, REFERENCE_EXACT if reference in exact else REFERENCE_PART


def _phone_condition(query: str, region: str) -> Q:
    e164, national = phone_forms(query, region)
    condition = Q(pk__in=[])
    if e164:
        condition |= Q(phone=e164)
    if national:
        condition |= Q(phone_reversed__startswith=national[::-1]) & ~Q(phone="")
    return condition


def name_words(query: str) -> list[str]:
    """The words of a query of several that could be a name ("Okafor refund": "okafor", "refund")."""
    words = [w for w in _WORDS.findall(query.lower()) if len(w) >= 3 and not w.isdigit()]
    return words if len(words) > 1 else []


def _customers_postgresql(query: str, region: str) -> tuple[dict[int, float], dict[int, float]]:
    """Customers matching the whole query, and customers whose name has one of its words
    (id → closeness, 0 to 1), as typed (a cheap trigram lookup; `_named_loosely` finds typos). An
    email is looked for only when the query has an "@": every address shares its domain with
    thousands."""
    condition = _phone_condition(query, region)
    if "@" in query:
        condition |= Contains("email", query) & ~Q(email="")
    if "@" in query or not has_words(query):
        customers = Customer.objects.alias(phone_reversed=Reverse(Cast("phone", TextField()))).filter(
            condition
        )
        return dict.fromkeys(customers.values_list("pk", flat=True)[:CANDIDATES], 1.0), {}
    # A query with a word is no phone number: the customers named by it, in a statement compiled
    # once per number of words (`portal.baked`; a search runs it for every word typed).
    patterns: dict[str, Any] = {"whole": Contains.pattern_for(query)}
    for n, word in enumerate(name_words(query)):
        patterns[f"word_{n}"] = Contains.pattern_for(word)
    named = baked.rows(("search:customers", len(patterns), CANDIDATES), _named_customers, **patterns)
    whole: dict[int, float] = {}
    by_word: dict[int, float] = {}
    for pk, is_whole in named:
        if is_whole:
            whole[pk] = 1.0
        else:
            by_word[pk] = 0.9
    return whole, by_word


def _named_customers(*, whole: str, **words: str) -> Statement:
    """Customers whose name has the whole query or one of its words (ILIKE patterns), each saying
    whether it has the whole query."""
    named_whole = Q(Contains.with_pattern("name", whole))
    named = named_whole
    for pattern in words.values():
        named |= Q(Contains.with_pattern("name", pattern))
    return statement(
        Customer.objects.filter(named)
        .annotate(is_whole=ExpressionWrapper(named_whole, output_field=BooleanField()))
        .order_by()  # any of them: reading every "Smith" to pick some would cost more than it helps
        .values_list("pk", "is_whole")[:CANDIDATES]
    )


def _named_loosely(query: str) -> list[tuple[int, float]]:
    """Customers whose name is close to the query (trigram word similarity), closest first."""
    return list(
        Customer.objects.filter(name__trigram_word_similar=query)
        .annotate(closeness=TrigramWordSimilarity(query, "name"))
        .order_by("-closeness")
        .values_list("pk", "closeness")[:CANDIDATES]
    )


def _by_customer(cases: Over, customers: dict[int, float]) -> Iterable[Candidate]:
    if not customers:
        return
    found = cases.rows(("search:customers-cases", CANDIDATES), _cases_of_customers, ids=list(customers))
    for pk, received_at, customer_id in found:
        yield pk, received_at, CUSTOMER + customers[customer_id] * 0.9


def _by_name_and_text(cases: Over, customers: dict[int, float], words: list[str]) -> Iterable[Candidate]:
    """ "Okafor refund": cases of a customer named by one word whose text has another. Found only
    together, so a word that is also a surname ("price", "young") does not bring every customer of
    that name to the top."""
    key = ("search:customers-cases-about", CANDIDATES)
    found = cases.rows(key, _cases_of_customers_about, ids=list(customers), words=" or ".join(words))
    for pk, received_at, customer_id in found:
        yield pk, received_at, CUSTOMER + customers[customer_id] * 0.9


def _by_text_postgresql(cases: Over, query: str, *, recent_only: bool = False) -> Iterable[Candidate]:
    """The most recent matches (at most TEXT_CANDIDATES), ranked among themselves."""
    for pk, received_at, rank in newest_matches(cases, query, limit=TEXT_CANDIDATES, recent_only=recent_only):
        yield pk, received_at, TEXT + min(rank, 0.9)


# The reads over the searched cases (`Over.rows`): each builds a values-list queryset from them.


def _rows_of(cases: QuerySet[Complaint], *, ids: list[int]) -> QuerySet[Any]:
    return list_rows(cases.filter(AnyOf("pk", ids)))


def _cases_of_customers(cases: QuerySet[Complaint], *, ids: list[int]) -> QuerySet[Any]:
    return (
        cases.filter(AnyOf("customer_id", ids))
        .order_by("-received_at")
        .values_list("pk", "received_at", "customer_id")[:CANDIDATES]
    )


def _cases_of_customers_about(cases: QuerySet[Complaint], *, ids: list[int], words: str) -> QuerySet[Any]:
    return (
        cases.filter(AnyOf("customer_id", ids))
        .alias(document=document_row_by_row())
        .filter(document=words_query(words))
        .order_by("-received_at")
        .values_list("pk", "received_at", "customer_id")[:CANDIDATES]
    )


# --- SQLite: the embedded default ---------------------------------------------------------------


def _fallback_finders(over: Over, query: str, region: str) -> Iterable[Candidate]:
    cases = over.queryset
    yield from _by_reference(cases, query, Q(reference__icontains=query))
    condition = _phone_condition(query, region)
    if "@" in query:
        condition |= Q(email__icontains=query) & ~Q(email="")
    elif has_words(query):
        condition |= Q(name__icontains=query)
    customers = Customer.objects.alias(phone_reversed=Reverse(Cast("phone", TextField()))).filter(condition)
    yield from _by_customer(over, dict.fromkeys(customers.values_list("pk", flat=True)[:CANDIDATES], 0.5))
    words = [w for w in _WORDS.findall(query) if not w.isdigit()]
    if not words:
        return
    text = cases
    for word in words:
        note = TimelineEvent.objects.filter(
            complaint=OuterRef("pk"), kind=EventKind.NOTE, note__icontains=word
        )
        text = text.filter(
            Q(customer_words__icontains=word)
            | Q(summary__icontains=word)
            | Q(issue__icontains=word)
            | Exists(note)
        )
    for pk, received_at in text.order_by("-received_at").values_list("pk", "received_at")[:CANDIDATES]:
        yield pk, received_at, TEXT + 0.5
